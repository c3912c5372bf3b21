"""The ``zhibiao`` command line.

Each subcommand parses its arguments and hands over to the module that does
the work; failures a user can fix end with one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys

from service.cli import backfill, data, lifecycle, model, serve
from service.cli.common import EXIT_USAGE, CliError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhibiao", description="Budget performance indicators: read, classify, suggest, serve.")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (data, model, lifecycle, serve, backfill):
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CliError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130

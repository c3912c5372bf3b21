"""The ``zhibiao`` command line.

Each subcommand parses its arguments and hands over to the module that does
the work; failures a user can fix end with one line on stderr and exit code 2
(exit codes: ``service.cli.common``). No failure prints a traceback unless
``ZHIBIAO_LOG_LEVEL=debug``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback

from service.cli import backfill, data, lifecycle, model, serve
from service.cli.common import EXIT_BROKEN_PIPE, EXIT_FAILURE, EXIT_INTERRUPTED, Parser, failure


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="zhibiao", description="预算绩效指标：读取、分类、建议指标值、服务（Budget performance indicators: read, "
                                                "classify, suggest, serve）。")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (data, model, lifecycle, serve, backfill):
        group.register(sub)
    return parser


def _debug() -> bool:
    try:
        from training.settings import get_settings

        return get_settings().log_level.lower() == "debug"
    except Exception:  # the settings themselves may be what failed
        return False


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handling below, not at interpreter exit
        return code
    except BrokenPipeError:
        # The reader of our output went away (`zhibiao ingest ... | head`): stop quietly, and keep Python's
        # final flush of stdout from raising again.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        known = failure(error)
        if known:
            print(known[1], file=sys.stderr)
            return known[0]
        if _debug():
            traceback.print_exc()
        print(f"error: unexpected {type(error).__name__}: {' '.join(str(error).split())[:300]} "
              "(a bug: please report it; ZHIBIAO_LOG_LEVEL=debug prints the traceback)", file=sys.stderr)
        return EXIT_FAILURE

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


VALUE_OPTIONS = ("--target", "--goal", "--project")
"""Options whose value may start with a minus sign: a signed target (``--target -5万元``, a fall of 5万元)."""


def with_signed_values(argv: list[str]) -> list[str]:
    """``--target -5万元`` as ``--target=-5万元``: argparse takes a value starting with ``-`` for an option and refused
    it (参数 --target 后面需要一个值), though a signed figure is a target the grammar reads."""
    out: list[str] = []
    items = iter(argv)
    for item in items:
        if item in VALUE_OPTIONS:
            value = next(items, None)
            if value is not None and value[:1] in "-−－" and value[1:2].isdigit():
                out.append(f"{item}={value}")
                continue
            out.append(item)
            if value is not None:
                out.append(value)
            continue
        out.append(item)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(with_signed_values(list(sys.argv[1:] if argv is None else argv)))
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

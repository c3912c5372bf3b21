"""``zhibiao backfill``: classify every row of many table files into a Parquet dataset, in-process or on Ray."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from service.cli.common import CliError

INSTALL_HINT = '--engine ray needs Ray, which is not installed: pip install -e ".[distributed]"'


def cmd_backfill(args: argparse.Namespace, encoder=None) -> int:
    """Run the job; ``encoder`` (an ``EncoderSpec``) replaces the configured encoder (tests)."""
    from service.backfill import BackfillError, run_backfill
    from service.backfill.progress import TerminalProgress
    from training.lifecycle.bundle import current_version

    if args.engine == "local" and (args.address or args.workers or args.batch_size):
        raise CliError("--address, --workers and --batch-size are options of --engine ray")
    if any(value is not None and value < 1 for value in (args.workers, args.batch_size)):
        raise CliError("--workers and --batch-size must be at least 1")
    if args.engine == "ray" and importlib.util.find_spec("ray") is None:
        raise CliError(INSTALL_HINT)
    try:
        result = run_backfill(args.inputs, Path(args.output), engine=args.engine, framework=args.framework, workers=args.workers,
                              batch_rows=args.batch_size, address=args.address, encoder=encoder, progress=TerminalProgress())
    except BackfillError as error:
        raise CliError(str(error)) from None
    summary = result.summary
    print(f"backfill: {result.files} files -> {result.outdir}: {result.done} done ({result.rows:,} rows), {result.unreadable} unreadable, "
          f"{result.duplicates} duplicates, {result.skipped} already done; model {result.model_version}; "
          f"{result.rows_per_second:,.0f} rows/s in {result.seconds:.1f} s")
    current = current_version()
    if current and current != result.model_version:
        print(f"note: this job keeps the model it started with, {result.model_version}; models/current is now {current} "
              "(use a new output folder for the new model)")
    print(f"in all: {summary['rows']:,} rows from {summary['files']['done']} files, {summary['needs_review']:,} need review, "
          f"{summary['files']['unreadable']} unreadable and {summary['files']['duplicates']} duplicate files listed in "
          f"{result.outdir / 'summary.xlsx'} and summary.json; rows in {result.outdir / 'rows'} (Parquet, partitioned by file_hash)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    backfill = sub.add_parser("backfill", help="classify every row of many table files (files, folders, globs) into a Parquet dataset; resumable")
    backfill.add_argument("inputs", nargs="+", metavar="INPUT", help="table files, folders (searched recursively) or glob patterns")
    backfill.add_argument("-o", "--output", required=True, metavar="OUTDIR",
                          help="output folder; rerunning with the same one skips the files it finished")
    backfill.add_argument("--engine", choices=["local", "ray"], default="local", help="local: in this process (default); ray: on Ray")
    backfill.add_argument("--address", help="join the Ray cluster at this address (default: RAY_ADDRESS, else start a local instance)")
    backfill.add_argument("--workers", type=int, help="annotating actors, 1 CPU each (default ZHIBIAO_BACKFILL_WORKERS, 2)")
    backfill.add_argument("--batch-size", type=int, help="rows per actor call, whole files (default ZHIBIAO_BACKFILL_BATCH_ROWS, 2000)")
    backfill.add_argument("--framework", choices=["2021", "2015"], default="2021")
    backfill.set_defaults(handler=cmd_backfill)

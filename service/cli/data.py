"""Data commands: read tables into rows, rebuild the corpus."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.cli.common import EXIT_USAGE, CliError


def cmd_ingest(args: argparse.Namespace) -> int:
    from training.lifecycle.corpus import write_rows
    from training.readers import ReadError, read_file

    if args.output and Path(args.output).suffix.lower() != ".jsonl":
        raise CliError(f"{args.output}: the rows are written as JSON Lines; name the output .jsonl")
    rows = []
    failed = False
    for path in args.files:
        try:
            result = read_file(path)
        except ReadError as error:
            print(f"error: {error}", file=sys.stderr)
            failed = True
            continue
        rows.extend(result.rows)
        unparsed = sum(1 for r in result.rows if r.target.kind == "unparsed")
        flagged = [r for r in result.rows if r.issues]
        print(f"{Path(path).name}: {len(result.rows)} rows in {result.tables} tables, {unparsed} unparsed targets, {len(flagged)} rows with issues")
        for row in flagged:
            print(f"  row {row.row} ({row.level3 or 'no name'}): {'; '.join(row.issues)}")
    if args.output and (rows or not failed):  # nothing read at all: no empty output file
        try:
            write_rows(rows, Path(args.output))
        except OSError as error:  # a read-only or full disk, a file where a folder should be: said, not called a bug
            raise CliError(f"cannot write {args.output}: {error.strerror or error}") from None
        print(f"wrote {len(rows)} rows to {args.output}")
    return EXIT_USAGE if failed else 0


def cmd_corpus(args: argparse.Namespace) -> int:
    from training.lifecycle.corpus import build_corpus, write_corpus

    root = Path(args.data_dir) if args.data_dir else None
    summary = write_corpus(build_corpus(root, progress=True), root)
    print(
        f"corpus: {summary['rows']} rows from {summary['documents']} documents, "
        f"{summary['labelled_rows']} labelled, {len(summary['unparsed_targets'])} unparsed targets, "
        f"{summary['duplicate_rows']} duplicates (digest {summary['digest']})"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    ingest = sub.add_parser("ingest", help="read indicator tables (seed text, csv, xlsx, xls, docx, html, pdf, jsonl) into normalized JSON Lines")
    ingest.add_argument("files", nargs="+")
    ingest.add_argument("-o", "--output", help="write the rows here (.jsonl)")
    ingest.set_defaults(handler=cmd_ingest)

    corpus = sub.add_parser("corpus", help="rebuild data/corpus.jsonl and its summary from data/sources")
    corpus.add_argument("--data-dir", help="data folder (default: data/ or $ZHIBIAO_DATA_DIR)")
    corpus.set_defaults(handler=cmd_corpus)

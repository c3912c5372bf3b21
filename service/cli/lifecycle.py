"""Model lifecycle commands: ``retrain`` through the gate, and ``models list|promote|rollback|prune``."""

from __future__ import annotations

import argparse
import sys

from service.cli.common import EXIT_REJECTED, CliError, at_least_two, positive_int
from training.domain.records import BUDGET_YEARS
from training.settings import get_settings


def cmd_retrain(args: argparse.Namespace) -> int:
    from training.lifecycle.retrain import retrain
    from training.readers import ReadError

    settings = get_settings()
    tolerance = args.tolerance if args.tolerance is not None else settings.retrain_tolerance
    keep = args.keep if args.keep is not None else settings.keep_versions
    if tolerance < 0 or keep < 1:
        raise CliError("--tolerance must be >= 0 and --keep >= 1")
    if args.year is not None and not BUDGET_YEARS[0] <= args.year <= BUDGET_YEARS[1]:
        # --year 1800 had been taken, and 20 rows of year 1800 trained on (a newcomer's trial, 2026-12-01)
        raise CliError(f"--year {args.year} is no budget year: give one from {BUDGET_YEARS[0]} to {BUDGET_YEARS[1]} (nothing was changed)")
    try:
        result = retrain(args.files, year=args.year, tolerance=tolerance, keep=keep, n_splits=args.folds, force=args.force,
                         log=lambda line: print(line, flush=True))
    except ReadError as error:
        raise CliError(f"{error} (nothing was added or trained)") from None
    if result.unchanged:
        return 0
    for reason in result.decision.reasons:
        print(f"  {reason}")
    for file in result.report["files"]:
        for label, count in file["unknown_labels"].items():
            print(f"  label not in the taxonomy, kept out of the classes: {file['file']}: {label} ({count} rows)")
    report = settings.models_dir / result.candidate / "retrain.md"
    if result.promoted:
        print(f"promoted {result.candidate} (was {result.current_before or 'none'}); report {report}"
              + (f"; pruned {', '.join(result.pruned)}" if result.pruned else ""))
        return 0
    print(f"rejected: {result.candidate} stays a candidate, current is still {result.current_before}; report {report}", file=sys.stderr)
    return EXIT_REJECTED


def _check_encoder(version: str, force: bool) -> None:
    """Refuse (``CliError``) to make current a bundle trained with another encoder than this machine's: the server
    could not load it and would fall back to another model. ``--force`` (another machine serves it) skips the check,
    and so does a machine with no local encoder to compare with."""
    from training.lifecycle import bundle as bundles
    from training.model.encoder import EncoderMissing, local_encoder

    folder = get_settings().models_dir / version
    if force or not (folder / bundles.METADATA).exists():  # an unknown version: promote says which ones exist
        return
    expected = bundles.read_metadata(folder).get("encoder", {}).get("fingerprint")
    try:
        local = local_encoder().identity["fingerprint"]
    except EncoderMissing:
        return
    if expected and expected != local:
        raise CliError(f"{version} was trained with encoder {expected}, the local encoder is {local}: the server here could not "
                       "load it and would fall back to another model; retrain, or --force if another machine serves it")


def cmd_models(args: argparse.Namespace) -> int:
    from training.lifecycle import bundle as bundles

    if args.version and args.action in ("list", "rollback", "prune"):
        # a trial's `models rollback VERSION` moved away from VERSION, `models prune 5` pruned with the default keep
        hint = {"rollback": "use `models promote VERSION` to go to a version", "prune": "use `--keep N`", "list": ""}[args.action]
        raise CliError(f"models {args.action} takes no VERSION (got {args.version!r})" + (f"; {hint}" if hint else ""))
    try:
        if args.action == "list":
            list_models(bundles.list_versions(check=True))
        elif args.action == "promote":
            if not args.version:
                raise CliError("models promote needs a VERSION; versions: " + (", ".join(bundles.version_names()) or "none"))
            _check_encoder(args.version, args.force)
            bundles.promote(args.version)
            print(f"current -> {args.version}")
        elif args.action == "rollback":
            previous = bundles.previous_version()
            if previous is None or previous == bundles.current_version():
                # a damaged current left previous = current: there is nothing else to go back to (it had said rolled back)
                raise CliError("no previous model to roll back to" + (f" ({previous} is current already)" if previous else ""))
            _check_encoder(previous, args.force)
            bundles.promote(previous, action="rollback")
            print(f"rolled back: current -> {previous}")
            after = bundles.previous_version()  # not a damaged current: promote keeps the last sound version as previous
            if after and after != previous:  # a trial rolled back twice and was back where it started, unwarned
                print(f"previous is now {after}: a second rollback returns to it; to go further back: "
                      f"zhibiao models promote VERSION (zhibiao models list)")
            # a trial's next retrain trained on the rolled-back run's tables without a word
            print("the corpus is unchanged: tables added by retrains stay in data/added/ and the next train or retrain "
                  "learns from them; to drop one, delete its data/added/<hash>.jsonl and run zhibiao corpus")
        elif args.action == "sign":
            versions = bundles.version_names() if args.version == "all" else [args.version] if args.version else []
            if not versions:
                raise CliError("models sign needs a VERSION or `all` (bundles you trust; the key is ZHIBIAO_BUNDLE_SIGNING_KEY)")
            for version in versions:
                bundles.sign_bundle(version)
                print(f"signed {version}")
        else:
            keep = args.keep if args.keep is not None else get_settings().keep_versions
            removed = bundles.prune(keep)
            print(f"removed {len(removed)} versions" + (f": {', '.join(removed)}" if removed else ""))
    except bundles.BundleError as error:
        raise CliError(str(error)) from None
    return 0


def list_models(entries: list[dict]) -> None:
    if not entries:
        print("no models; run `zhibiao train`")
        return
    print(f"  {'version':<26} {'created':<21} {'rows':>5} {'docs':>4} {'L2 acc':>6} {'L2 F1':>6}  status")
    for entry in entries:
        metrics = entry.get("metrics", {})
        data = entry.get("training_data", {})
        status = ", ".join(filter(None, ["current" if entry["current"] else "", "previous" if entry.get("previous") else "",
                                         entry.get("retrain_decision") or "",
                                         f"DAMAGED: {entry['damaged']}" if entry.get("damaged") else "",
                                         f"slow start ({entry['runtime_problem']}: served from the payload; `zhibiao train` "
                                         "writes a new bundle)" if entry.get("runtime_problem") else ""]))
        print(f"{'*' if entry['current'] else ' '} {entry['version']:<26} {entry.get('created', ''):<21} {data.get('rows', ''):>5} "
              f"{data.get('documents', ''):>4} {_metric(metrics.get('level2_accuracy')):>6} {_metric(metrics.get('level2_macro_f1')):>6}  {status}")


def _metric(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def register(sub: argparse._SubParsersAction) -> None:
    retrain = sub.add_parser("retrain", help="add new tables to the corpus, train a candidate, promote it if the gate passes")
    retrain.add_argument("files", nargs="+", help="table files in any format `zhibiao ingest` reads")
    retrain.add_argument("--year", type=int, help="budget year of the new tables (default: the year read from each table)")
    retrain.add_argument("--tolerance", type=float, help="how far below the current model the candidate may score (default 0.01, "
                                                         "$ZHIBIAO_RETRAIN_TOLERANCE)")
    retrain.add_argument("--keep", type=positive_int, help="model versions to keep (default 5, $ZHIBIAO_KEEP_VERSIONS)")
    retrain.add_argument("--folds", type=at_least_two, default=5, help="grouped folds of the gate evaluation (2 or more: with one, "
                                                                     "the candidate and the current model score alike and any candidate passes)")
    retrain.add_argument("--force", action="store_true", help="train even when the corpus has not changed")
    retrain.set_defaults(handler=cmd_retrain)

    models = sub.add_parser("models", help="list model versions, promote one, roll back to the previous one, prune old ones, "
                                           "sign trusted ones with ZHIBIAO_BUNDLE_SIGNING_KEY")
    models.add_argument("action", choices=["list", "promote", "rollback", "prune", "sign"])
    models.add_argument("version", nargs="?", help="for promote: a version; for sign: a version or `all`")
    models.add_argument("--keep", type=positive_int, help="for prune: versions to keep (default 5, $ZHIBIAO_KEEP_VERSIONS)")
    models.add_argument("--force", action="store_true", help="for promote and rollback: even a bundle of another encoder")
    models.set_defaults(handler=cmd_models)

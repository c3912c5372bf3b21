"""What a backfill output folder holds, for programs (``summary.json``) and for reviewers (``summary.xlsx``, in Chinese).

Built from the manifest alone (each file's counts were recorded with it), so
it covers every run of the job and needs no pass over the rows.
"""

from __future__ import annotations

import collections
import io
import json
import os

from service.backfill.manifest import Manifest

SUMMARY_JSON = "summary.json"
SUMMARY_XLSX = "summary.xlsx"
_COUNTS = ("needs_review", "label_disagrees", "weak_targets")


def build_summary(manifest: Manifest) -> dict:
    """Counts over the whole job: files by status, rows, flags, rows per category, unreadable and duplicate files.

    Keys: ``model_version``, ``framework``, ``created``, ``files``
    (``{"distinct", "done", "unreadable", "duplicates"}``), ``rows``,
    ``unreadable_rows``, ``needs_review``, ``label_disagrees``, ``weak_targets``,
    ``per_category`` (``[{"level1", "level2", "rows"}]``, most rows first),
    ``per_file``, ``unreadable_files`` (``[{"path", "hash", "code", "message", "message_zh"}]``),
    ``duplicate_files`` (``[{"path", "hash", "of"}]``), ``model_versions``
    (of the rows; one unless the folder was tampered with), ``runs``.
    """
    finished = list(manifest.finished.values())
    known_paths = {e["path"] for e in finished if not e["hash"].startswith("unopened:")} | set(manifest.duplicates)
    finished = [e for e in finished if not (e["hash"].startswith("unopened:") and e["path"] in known_paths)]  # opened later
    done = sorted((e for e in finished if e["status"] == "done"), key=lambda e: e["path"])
    unreadable = sorted((e for e in finished if e["status"] == "unreadable"), key=lambda e: e["path"])
    duplicates = sorted(manifest.duplicates.values(), key=lambda e: e["path"])
    categories: collections.Counter = collections.Counter()
    for entry in done:
        categories.update(entry["stats"].get("per_category", {}))
    job = manifest.job
    return {
        "model_version": job["model_version"],
        "framework": job["framework"],
        "created": job.get("created"),
        "files": {"distinct": len(done) + len(unreadable), "done": len(done), "unreadable": len(unreadable), "duplicates": len(duplicates)},
        "rows": sum(e["rows"] for e in done),
        "unreadable_rows": sum(e["stats"].get("unreadable", 0) for e in done),
        **{key: sum(e["stats"].get(key, 0) for e in done) for key in _COUNTS},
        "per_category": [{"level1": name.split("/", 1)[0], "level2": name.split("/", 1)[-1], "rows": n}
                         for name, n in sorted(categories.items(), key=lambda item: (-item[1], item[0]))],
        "per_file": [{"path": e["path"], "hash": e["hash"], "tables": e.get("tables", 0), "rows": e["rows"],
                      "unreadable_rows": e["stats"].get("unreadable", 0), **{key: e["stats"].get(key, 0) for key in _COUNTS}} for e in done],
        "unreadable_files": [{"path": e["path"], "hash": e["hash"], **e["error"]} for e in unreadable],
        "duplicate_files": [{"path": e["path"], "hash": e["hash"], "of": e["of"]} for e in duplicates],
        "model_versions": sorted({e.get("model_version") for e in done if e.get("model_version")}),
        "runs": job.get("runs", []),
    }


def workbook_bytes(summary: dict) -> bytes:
    """The summary as an xlsx for reviewers, in Chinese: 概况, 按类别, 按文件, 无法读取的文件, 重复文件."""
    import xlsxwriter

    from service.review.texts import beijing_time
    from service.review.workbook import Styles

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = Styles(book)(bold=True)
    files = summary["files"]
    runs = summary.get("runs") or []
    last = runs[-1] if runs else {}
    rows = [
        ("模型版本", summary["model_version"]),
        ("分类框架", f"{summary['framework']} 年版"),
        # as the review page and the workbooks show times (a trial found UTC here alone)
        ("开始时间（北京时间）", beijing_time(summary["created"]) if summary.get("created") else None),
        ("最近一次完成时间（北京时间）", beijing_time(last["finished"]) if last.get("finished") else None),
        ("运行次数", len(runs)),
        ("已处理的文件", files["done"]),
        ("无法读取的文件", files["unreadable"]),
        ("重复文件（内容与已处理文件相同，未重复计入）", files["duplicates"]),
        ("指标行数", summary["rows"]),
        ("无法识别的行（无指标名称等）", summary["unreadable_rows"]),
        ("需人工复核的行", summary["needs_review"]),
        ("与公布类别不一致的行", summary["label_disagrees"]),
        ("指标值需完善的行", summary["weak_targets"]),
        ("最近一次运行速度（行/秒）", last.get("rows_per_second")),
    ]
    _sheet(book.add_worksheet("概况"), bold, ["项目", "数值"], rows, (44, 28))
    total = summary["rows"] or 1
    _sheet(book.add_worksheet("按类别"), bold, ["一级指标", "二级指标", "行数", "占比"],
           [(c["level1"], c["level2"], c["rows"], f"{c['rows'] / total:.1%}") for c in summary["per_category"]], (16, 22, 10, 10))
    _sheet(book.add_worksheet("按文件"), bold, ["文件", "表格数", "行数", "需人工复核", "与公布类别不一致", "指标值需完善", "无法识别的行", "文件哈希（SHA-256）"],
           [(f["path"], f["tables"], f["rows"], f["needs_review"], f["label_disagrees"], f["weak_targets"], f["unreadable_rows"], f["hash"])
            for f in summary["per_file"]], (60, 8, 8, 12, 16, 14, 14, 66))
    _sheet(book.add_worksheet("无法读取的文件"), bold, ["文件", "原因代码", "原因", "说明（英文）"],
           [(f["path"], f["code"], f.get("message_zh"), f.get("message")) for f in summary["unreadable_files"]], (60, 18, 60, 60))
    _sheet(book.add_worksheet("重复文件"), bold, ["文件", "与之内容相同的文件"],
           [(f["path"], f["of"]) for f in summary["duplicate_files"]], (60, 60))
    book.close()
    return buffer.getvalue()


def _sheet(sheet, bold, header: list[str], rows: list[tuple], widths: tuple[int, ...]) -> None:
    """Header (bold, frozen), then the rows through the review workbook's writer: a file named ``=cmd.csv`` stays text."""
    from service.review.workbook import write_row

    at = write_row(sheet, 0, header, bold)
    for row in rows:
        at = write_row(sheet, at, row)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)


def write_summaries(manifest: Manifest) -> dict:
    """Write ``summary.json`` and ``summary.xlsx`` into the job's folder (each atomically); returns the summary."""
    summary = build_summary(manifest)
    for name, data in ((SUMMARY_JSON, json.dumps(summary, ensure_ascii=False, indent=2).encode("utf-8")), (SUMMARY_XLSX, workbook_bytes(summary))):
        path = manifest.outdir / name
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return summary

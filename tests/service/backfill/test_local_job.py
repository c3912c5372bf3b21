"""A backfill on the local engine: every row once with provenance, duplicates and unreadable files listed, resumable,
one model version throughout, the same annotations as ``zhibiao classify``; summaries for programs and reviewers."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest
from threadpoolctl import threadpool_limits

from service.backfill import BackfillError, run_backfill
from service.backfill.inputs import content_hash
from service.backfill.output import part_path, read_rows
from service.bulk import OUTPUT_COLUMNS, annotate
from tests.service.backfill.helpers import FAKE_SPEC
from training.lifecycle.bundle import current_version, promote
from training.readers import read_file

READABLE = ("xlsx", "csv", "docx", "pdf")


def backfill(inputs, outdir, models_root, **kwargs):
    return run_backfill(inputs, outdir, models_root=models_root, encoder=FAKE_SPEC, **kwargs)


@pytest.fixture(scope="module")
def finished(tmp_path_factory, archive, fake_models_root):
    """One backfill of the archive (read-only for the tests that look at it)."""
    out = tmp_path_factory.mktemp("backfill") / "out"
    return out, backfill([archive[0]], out, fake_models_root)


def test_every_row_of_every_readable_file_once_with_provenance(finished, archive, fake_models_root, fake_predictor):
    _folder, files = archive
    out, result = finished
    assert (result.files, result.done, result.unreadable, result.duplicates, result.skipped) == (8, 4, 2, 2, 0)
    frame = read_rows(out)
    assert len(frame) == result.rows == result.summary["rows"]
    for role in READABLE:
        path = files[role]
        rows = read_file(path).rows
        mine = frame[frame.file_hash == content_hash(path.read_bytes())]
        assert list(mine.position) == list(range(len(rows))) and len(rows) > 0
        assert set(mine.file_path) == {str(path)}
        assert list(zip(mine.table, mine.row, strict=True)) == [(r.table, r.row) for r in rows]
        assert [json.loads(cells) for cells in mine.input] == [{str(k): v for k, v in r.input.items()} for r in rows]
        # the same annotations as `zhibiao classify` of the file (service.bulk.annotate with the same model)
        with threadpool_limits(limits=1, user_api="blas"):  # as the backfill annotates (see service/backfill/annotation.py)
            expected = annotate(rows, fake_predictor)
        for column in ("pred_level1", "pred_level2", "confidence", "needs_review", "label_disagrees", "suggested_target", "target_warning", "error"):
            assert [None if v != v else v for v in mine[column]] == [r[column] for r in expected], (role, column)
        assert [[dict(a) for a in alts] for alts in mine.alternatives] == [r["alternatives"] for r in expected]
    assert set(frame.model_version) == {current_version(fake_models_root)}
    assert not frame.duplicated(["file_hash", "position"]).any()
    assert set(OUTPUT_COLUMNS) <= set(frame.columns)


def test_duplicates_and_unreadable_files_are_listed_and_never_stop_the_job(finished, archive):
    _folder, files = archive
    out, result = finished
    summary = result.summary
    assert {(d["path"], d["of"]) for d in summary["duplicate_files"]} == {
        (str(files["copy_xlsx"]), str(files["xlsx"])), (str(files["copy_csv"]), str(files["csv"]))}
    assert {(u["path"], u["code"]) for u in summary["unreadable_files"]} == {
        (str(files["corrupt"]), "UNREADABLE_FILE"), (str(files["no_table"]), "NO_TABLE")}
    assert all(u["message"] and u["message_zh"] for u in summary["unreadable_files"])
    assert summary["files"] == {"distinct": 6, "done": 4, "unreadable": 2, "duplicates": 2}
    assert sum(c["rows"] for c in summary["per_category"]) == summary["rows"] - summary["unreadable_rows"]
    on_disk = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert on_disk["rows"] == summary["rows"] and on_disk["model_versions"] == [summary["model_version"]]


def test_the_summary_workbook_is_in_chinese(finished, archive):
    _folder, files = archive
    out, result = finished
    summary = result.summary
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames == ["概况", "按类别", "按文件", "无法读取的文件", "重复文件"]
    overview = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert overview["指标行数"] == summary["rows"] and overview["无法读取的文件"] == 2 and overview["模型版本"] == summary["model_version"]
    from service.review.texts import beijing_time  # 北京时间, as the review page and the workbooks (a trial found UTC here)

    assert overview["开始时间（北京时间）"] == beijing_time(summary["created"]) and "开始时间（UTC）" not in overview
    categories = list(book["按类别"].iter_rows(min_row=2, values_only=True))
    assert sum(row[2] for row in categories) == summary["rows"] - summary["unreadable_rows"]
    assert {row[1] for row in book["无法读取的文件"].iter_rows(min_row=2, values_only=True)} == {"UNREADABLE_FILE", "NO_TABLE"}
    unreadable_zh = [row[2] for row in book["无法读取的文件"].iter_rows(min_row=2, values_only=True)]
    assert any("没有找到绩效指标表" in text for text in unreadable_zh)
    assert [row[0] for row in book["重复文件"].iter_rows(min_row=2, values_only=True)] == sorted(
        [str(files["copy_csv"]), str(files["copy_xlsx"])])


def test_a_rerun_skips_what_is_done_and_redoes_a_file_written_but_not_recorded(tmp_path, finished, archive, models_root):
    folder, _files = archive
    out = tmp_path / "out"
    shutil.copytree(finished[0], out)
    first = finished[1]
    before = read_rows(out)
    again = backfill([folder], out, models_root)
    assert (again.done, again.unreadable, again.duplicates, again.skipped) == (0, 0, 0, 8)
    # a kill between writing a part and recording it: the last line is gone, the part is there
    manifest = out / "manifest.jsonl"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    done_lines = [i for i, line in enumerate(lines) if json.loads(line)["status"] == "done"]
    dropped = json.loads(lines[done_lines[-1]])
    manifest.write_text("".join(line + "\n" for i, line in enumerate(lines) if i != done_lines[-1]), encoding="utf-8")
    assert part_path(out, dropped["hash"]).exists()
    third = backfill([folder], out, models_root)
    assert (third.done, third.rows) == (1, dropped["rows"])
    after = read_rows(out)
    assert len(after) == len(before) == first.rows
    assert after.drop(columns=["file_hash"]).equals(before.drop(columns=["file_hash"]))
    assert len(json.loads((out / "job.json").read_text(encoding="utf-8"))["runs"]) == 3
    assert third.summary["rows"] == first.rows and third.summary["files"] == first.summary["files"]


def test_the_same_bytes_under_a_new_name_in_a_later_run_are_a_duplicate(tmp_path, archive, models_root):
    _folder, files = archive
    out = tmp_path / "out"
    backfill([files["csv"]], out, models_root)
    copy = tmp_path / "新名字.csv"
    copy.write_bytes(files["csv"].read_bytes())
    result = backfill([files["csv"], copy], out, models_root)
    assert (result.skipped, result.duplicates, result.done) == (1, 1, 0)
    assert result.summary["duplicate_files"] == [{"path": str(copy), "hash": content_hash(copy.read_bytes()), "of": str(files["csv"])}]


class PromoteAfterFirstFile:
    """A progress listener that promotes another model while the job runs (what a retrain does)."""

    def __init__(self, root, version):
        self.root, self.version, self.promoted = root, version, False

    def start(self, total_files):
        pass

    def file(self, status, rows):
        if not self.promoted:
            promote(self.version, self.root)
            self.promoted = True

    def close(self):
        pass


def test_a_promotion_during_the_job_does_not_mix_versions(tmp_path, archive, models_root):
    folder, files = archive
    old = current_version(models_root)
    new = "29990101-000000-newer"
    (models_root / new).mkdir()
    for path in (models_root / old).iterdir():  # payload, its runtime form, metadata
        (models_root / new / path.name).write_bytes(path.read_bytes())
    metadata = json.loads((models_root / new / "metadata.json").read_text(encoding="utf-8"))
    (models_root / new / "metadata.json").write_text(json.dumps({**metadata, "version": new}), encoding="utf-8")
    out = tmp_path / "out"
    listener = PromoteAfterFirstFile(models_root, new)
    result = backfill([files["xlsx"], files["csv"]], out, models_root, progress=listener)
    assert listener.promoted and current_version(models_root) == new
    assert result.model_version == old and set(read_rows(out).model_version) == {old}
    more = backfill([folder], out, models_root)  # a rerun continues with the job's model, not the new current
    assert more.model_version == old and set(read_rows(out).model_version) == {old}
    assert more.summary["model_versions"] == [old]


def test_jobs_that_cannot_start_say_why(tmp_path, archive, models_root):
    folder, _files = archive
    with pytest.raises(BackfillError, match="no such file"):
        backfill([tmp_path / "missing"], tmp_path / "out", models_root)
    (tmp_path / "empty").mkdir()
    with pytest.raises(BackfillError, match="no table files"):
        backfill([tmp_path / "empty"], tmp_path / "out", models_root)
    with pytest.raises(BackfillError, match="no current model"):
        backfill([folder], tmp_path / "out", tmp_path / "no-models")
    with pytest.raises(BackfillError, match="unknown engine"):
        backfill([folder], tmp_path / "out2", models_root, engine="spark")
    assert not (tmp_path / "out2").exists()
    (tmp_path / "taken.csv").write_text("x", encoding="utf-8")  # it was an unexpected FileExistsError (exit 1)
    with pytest.raises(BackfillError, match="exists and is not a folder"):
        backfill([folder], tmp_path / "taken.csv", models_root)


def test_an_output_folder_inside_the_input_is_not_read_again(tmp_path, archive, fake_models_root):
    """The second run had read the first run's manifest.jsonl as a table and listed summary.xlsx as unreadable."""
    folder = tmp_path / "tables"
    shutil.copytree(archive[0], folder)
    first = backfill([folder], folder / "out", fake_models_root)
    second = backfill([folder], folder / "out", fake_models_root)
    assert second.files == first.files == second.skipped and second.rows == 0  # the same 8 files, nothing new


def test_a_failure_inside_the_engine_keeps_what_is_recorded_and_says_rerun(tmp_path, archive, models_root, monkeypatch):
    from service.backfill import annotation

    folder, _files = archive
    real = annotation.FileAnnotator.annotate
    calls = []

    def fail_on_the_third(self, parsed):
        calls.append(parsed.path)
        if len(calls) == 3:
            raise RuntimeError("worker lost\n  (second line of a wrapped traceback)\nray.exceptions.ActorDiedError: the actor died")
        return real(self, parsed)

    monkeypatch.setattr(annotation.FileAnnotator, "annotate", fail_on_the_third)
    with pytest.raises(BackfillError) as raised:
        backfill([folder], tmp_path / "out", models_root)
    assert str(raised.value) == ("the job stopped after 2 files (ray.exceptions.ActorDiedError: the actor died); "
                                 "run the same command again to continue")
    monkeypatch.setattr(annotation.FileAnnotator, "annotate", real)
    again = backfill([folder], tmp_path / "out", models_root)
    assert (again.skipped, again.done, again.unreadable) == (3, 2, 2)  # 2 files and 1 duplicate were recorded before the failure
    assert again.summary["files"] == {"distinct": 6, "done": 4, "unreadable": 2, "duplicates": 2}


def test_a_file_named_like_a_formula_stays_text_in_the_summary_workbook(finished):
    import io

    from service.backfill.summary import workbook_bytes

    summary = dict(finished[1].summary)
    summary["per_file"] = [{**summary["per_file"][0], "path": "=HYPERLINK(\"http://x\",\"y\").csv"}]
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(summary)))
    cell = book["按文件"]["A2"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    assert book["概况"].freeze_panes == "A2" and book["概况"]["A1"].font.bold


def test_a_table_with_a_header_and_no_rows_is_listed_as_no_rows(tmp_path):
    """It had counted as done with 0 rows, and not been listed with the unreadable files."""
    from service.backfill.annotation import WorkItem, parse_file
    from training.domain.taxonomy import load_taxonomy
    from training.readers import ReadLimits

    data = "一级指标,二级指标,三级指标,指标值\n".encode()
    parsed = parse_file(WorkItem(str(tmp_path / "header_only.csv"), content_hash(data), data), load_taxonomy(), ReadLimits())
    assert parsed.error["code"] == "NO_ROWS" and "header_only.csv" in parsed.error["message_zh"]

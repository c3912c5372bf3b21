"""The 23 real-world quirk files of ``../shared/cases`` (issue #10), read as the checker reads them.

Each file carries one quirk real files have (WPS dimensions, number formats,
legacy .xls, HTML "Excel" exports, Word forms, PDF self-evaluation tables ...).
Rows are compared in order with ``expected.json``: the name, the target after
the checker's own normalisation (``check_cases.norm_target``), the level
labels as written and the 实际完成值 where the case gives one. None of these
files needs a guess, so no row may carry an issue.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from training.readers import read_file

CASES = Path(__file__).resolve().parents[3].parent / "shared" / "cases"

if not (CASES / "expected.json").exists():
    pytest.skip(f"the shared quirk cases are not at {CASES}", allow_module_level=True)


def _checker():
    spec = importlib.util.spec_from_file_location("check_cases", CASES / "check_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECKER = _checker()
EXPECTED = {case["file"]: case for case in json.loads((CASES / "expected.json").read_text(encoding="utf-8"))}


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_case_reads_row_by_row(file):
    case = EXPECTED[file]
    assert case["kind"] == "rows"
    rows = read_file(CASES / "files" / file).rows
    got = [(r.level3, r.target.text) for r in rows]
    assert len(rows) == len(case["rows"]), f"{len(rows)} rows, expected {len(case['rows'])}: {got}"
    for number, (want, row) in enumerate(zip(case["rows"], rows, strict=True), start=1):
        assert CHECKER.norm_name(row.level3) == CHECKER.norm_name(want["level3"]), f"row {number}: name {row.level3!r}"
        target = CHECKER.norm_target(want["target"])
        assert target in (CHECKER.norm_target(row.target.text), CHECKER.norm_target(row.target_raw)), (
            f"row {number} ({want['level3']}): target {row.target.text!r} (raw {row.target_raw!r}) != {want['target']!r}"
        )
        assert (row.level1_raw, row.level2_raw) == (want["level1"], want["level2"]), f"row {number}: labels"
        if "actual" in want:
            assert row.actual == want["actual"], f"row {number}: actual"
        assert row.issues == [], f"row {number}: {row.issues}"


def test_checker_normalisation_is_strict_enough():
    """The comparison can fail: an unparsed thousands separator or a timestamp is not the expected target."""
    assert CHECKER.norm_target("≥1,200人次") != CHECKER.norm_target("≥1200人次")
    assert CHECKER.norm_target("2025-11-30 00:00:00") != CHECKER.norm_target("2025年11月30日前")
    assert CHECKER.norm_target("1") != CHECKER.norm_target("100%")

"""Excel 97-2003 (BIFF8) workbooks and WPS .et files, read by content whatever their suffix."""

from pathlib import Path

import pytest

from training.readers import ReadError, read_file

XLS = Path(__file__).resolve().parents[3].parent / "shared" / "cases" / "files" / "c06_legacy_biff.xls"
NAMES = ["新建农村公路里程", "工程验收合格率", "沿线群众出行条件", "沿线群众满意度"]

pytestmark = pytest.mark.skipif(not XLS.exists(), reason=f"no BIFF sample at {XLS}")


@pytest.mark.parametrize("name", ["t.xls", "t.et", "renamed.xlsx", "export.csv"])
def test_a_biff_workbook_is_read_under_any_name(name):
    rows = read_file(name, data=XLS.read_bytes(), name=name).rows
    assert [r.level3 for r in rows] == NAMES
    assert [r.target.text for r in rows] == ["≥120公里", "100%", "有效改善", "≥90%"]
    assert {r.year for r in rows} == {2025}


def test_a_damaged_workbook_is_one_clear_error():
    data = XLS.read_bytes()
    with pytest.raises(ReadError) as caught:
        read_file("cut.xls", data=data[: len(data) // 3], name="cut.xls")
    assert caught.value.code == "UNREADABLE_FILE"
    assert "cut.xls" in str(caught.value) and "\n" not in str(caught.value)

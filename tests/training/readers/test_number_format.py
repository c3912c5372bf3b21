"""Cell values as Excel shows them under their number format (ECMA-376 numFmt grammar)."""

import datetime as dt

import pytest

from training.readers.number_format import format_value, is_date_format


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (1, "0%", "100%"),
        (0.9, "0%", "90%"),
        (0.985, "0.0%", "98.5%"),
        (1200, "#,##0", "1,200"),
        (1234567.891, "#,##0.00", "1,234,567.89"),
        (800, '0"人次"', "800人次"),
        (85, '\\≤0"万元"', "≤85万元"),
        (2.5, "0", "3"),  # Excel rounds half away from zero
        (-5, "0.00;[Red]-0.00", "-5.00"),
        (0, '0;-0;"-"', "-"),
        (1234, "[$¥-804]#,##0", "¥1,234"),
        (120, "General", "120"),
        (120.0, None, "120"),
        (0.1 + 0.2, None, "0.3"),
        (12345, "0.00E+00", "12345"),  # scientific: General
        (True, None, "TRUE"),
        ("≥90%", "@", "≥90%"),
        (None, "0%", ""),
    ],
)
def test_numbers_as_shown(value, number_format, shown):
    assert format_value(value, number_format) == shown


def test_dates_become_chinese_date_text():
    assert format_value(dt.datetime(2025, 11, 30), "yyyy-mm-dd") == "2025年11月30日"
    assert format_value(dt.date(2025, 6, 1), None) == "2025年6月1日"
    assert format_value(45991, "yyyy/m/d") == "2025年11月30日"  # a serial day under a date format
    assert format_value(44529, 'yyyy"年"m"月"d"日"', date1904=True) == "2025年11月30日"


def test_date_formats():
    assert is_date_format('[$-804]yyyy"年"m"月"d"日";@')
    assert is_date_format("m/d/yy")
    assert not is_date_format("0%")
    assert not is_date_format('0"万元"')

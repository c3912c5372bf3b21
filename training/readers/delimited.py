"""CSV files as reviewers export them from spreadsheets."""

from __future__ import annotations

import csv
import io

from training.readers.sections import Section, split_sections


def csv_sections(text: str) -> list[Section]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    return split_sections(rows)

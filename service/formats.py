"""The output formats of bulk annotation, their media types and the output-path check (no model imports: the CLI checks
its arguments with this before it loads anything)."""

from __future__ import annotations

from pathlib import Path

OUTPUT_FORMATS = (".csv", ".xlsx", ".jsonl")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "jsonl": "application/x-ndjson"}


def check_output_path(path: Path | str) -> None:
    """Raise ``ValueError`` unless the suffix is one ``service.bulk.write_output`` writes (checked before any work).

    A path written with a trailing slash names a folder (``out.xlsx/``): refused, though ``Path`` drops the slash (it
    had overwritten the file ``out.xlsx``)."""
    if str(path).endswith(("/", "\\")):
        raise ValueError(f"{path}: a folder, not a file")
    path = Path(path)
    if path.suffix.lower() not in OUTPUT_FORMATS:
        raise ValueError(f"{path.name}: output must end in {', '.join(OUTPUT_FORMATS)}")

"""The one error every reader raises for a file it cannot read; it sits below every reader module.

Every failure carries a stable machine ``code`` and a one-line message in
English (``message``, also ``str(error)``) and Chinese (``message_zh``), so the
CLI prints one line and the HTTP layer can map codes to statuses (a
``ReadLimitError`` to 413, the rest to 422) without parsing text.
"""

from __future__ import annotations

# Codes of files that cannot be read.
UNREADABLE_FILE = "UNREADABLE_FILE"  # damaged, truncated or not what its name says
UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"  # a format no reader handles (the message says what to save it as)
LEGACY_WORD = "LEGACY_WORD"  # a Word 97-2003 .doc; no converter is installed
NO_TEXT_LAYER = "NO_TEXT_LAYER"  # a PDF of scanned pages
NO_TABLE = "NO_TABLE"  # readable, but no indicator table header in it
NO_ROWS = "NO_ROWS"  # a header, but no indicator row under it (a template not filled in)
NOT_FOUND = "NOT_FOUND"  # the path does not exist or cannot be opened

# Codes of files over a reading limit (``ReadLimitError``).
TOO_MANY_ROWS = "TOO_MANY_ROWS"
TOO_MANY_CELLS = "TOO_MANY_CELLS"
CELL_TOO_LARGE = "CELL_TOO_LARGE"
EXPANDS_TOO_LARGE = "EXPANDS_TOO_LARGE"
TOO_MANY_PAGES = "TOO_MANY_PAGES"
TIME_BUDGET = "TIME_BUDGET"

_DEFAULT_ZH = {
    UNREADABLE_FILE: "文件无法读取（已损坏、不完整或与扩展名不符）",
    UNSUPPORTED_FORMAT: "不支持的文件格式",
    LEGACY_WORD: "这是旧版 Word（.doc）文件，请用 Word 或 WPS 另存为 .docx 后再上传",
    NO_TEXT_LAYER: "PDF 没有文字层（可能是扫描件），请提供原始表格文件或先做文字识别（OCR）",
    NO_TABLE: "文件中没有找到绩效指标表（需要含“三级指标/指标名称”和“指标值/一级指标”的表头行）",
    NOT_FOUND: "找不到或无法打开文件",
    NO_ROWS: "表头下没有指标行（可能是尚未填写的空表）",
}


class ReadError(Exception):
    """A file that cannot be read at all; the message names the file and the reason in one line.

    ``code`` is one of the module's code constants (default ``UNREADABLE_FILE``);
    ``message_zh`` defaults to a Chinese sentence for the code, prefixed with the
    file name when ``name`` is given.
    """

    def __init__(self, message: str, *, code: str = UNREADABLE_FILE, message_zh: str | None = None, name: str | None = None) -> None:
        message = " ".join(message.split())  # one line, whatever a library put in its message
        super().__init__(message)
        self.message = message
        self.code = code
        default_zh = _DEFAULT_ZH.get(code, "文件无法读取")
        self.message_zh = message_zh or (f"{name}：{default_zh}" if name else default_zh)

    def as_dict(self) -> dict[str, str]:
        """``{"code", "message", "message_zh"}``: the shape the HTTP layer's error body uses."""
        return {"code": self.code, "message": self.message, "message_zh": self.message_zh}


class ReadLimitError(ReadError):
    """A file whose reading would go over one of the ``ReadLimits``; raised before the work is done.

    ``limit`` names the ``ReadLimits`` field, ``allowed`` its value and ``found``
    what the file asked for (at least), so a caller can report both.
    """

    def __init__(self, code: str, message: str, message_zh: str, *, limit: str, allowed: float, found: float) -> None:
        super().__init__(message, code=code, message_zh=message_zh)
        self.limit = limit
        self.allowed = allowed
        self.found = found


def no_rows_error(name: str) -> ReadError:
    """The ``ReadError`` (``NO_ROWS``) for a file whose table has a header and no indicator row under it: every command
    that reads tables says so the same way (classify, the API, the review page, backfill, retrain)."""
    return ReadError(f"{name}: a table header but no indicator rows under it", code=NO_ROWS, name=name)

"""Office files are zip archives: check one before any parser inflates it.

A small upload can expand to gigabytes. The sizes in the zip directory are
enough to decide: Python's ``zipfile`` never returns more than a member's
declared ``file_size`` (a member that inflates to more fails its CRC check),
so a forged directory cannot make a parser read more than was checked here.
"""

from __future__ import annotations

import io
import zipfile

from training.readers.errors import EXPANDS_TOO_LARGE, UNREADABLE_FILE, ReadError, ReadLimitError
from training.readers.limits import Budget

MAX_MEMBERS = 10_000
MAX_COMPRESSION_RATIO = 200  # with more than 10 MB inflated: a zip bomb, not a document
_RATIO_FLOOR = 10 * 1024 * 1024


def open_archive(data: bytes, name: str, budget: Budget) -> zipfile.ZipFile:
    """The archive of an xlsx/docx upload, after its directory passed the checks.

    Raises ``ReadError`` (``UNREADABLE_FILE``) for a file that is not a valid zip,
    ``ReadLimitError`` (``EXPANDS_TOO_LARGE``) for one that inflates past
    ``max_expanded_bytes`` or is compressed like a zip bomb.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise ReadError(f"{name}: not a valid Office file ({error})", code=UNREADABLE_FILE, name=name,
                        message_zh=f"{name}：不是有效的 Office 文件（压缩包已损坏或不完整）") from None
    if len(members) > MAX_MEMBERS:
        raise ReadError(f"{name}: archive has {len(members)} members, more than {MAX_MEMBERS}", name=name,
                        message_zh=f"{name}：压缩包内有 {len(members)} 个成员，超过 {MAX_MEMBERS} 个")
    budget.expanded(sum(m.file_size for m in members))
    for member in members:
        if member.compress_size and member.file_size > _RATIO_FLOOR and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO:
            ratio = member.file_size // member.compress_size
            raise ReadLimitError(
                EXPANDS_TOO_LARGE,
                f"{name}: member {member.filename} is compressed {ratio}:1 and inflates to {member.file_size / 2**20:,.0f} MB, a likely zip bomb",
                f"{name}：压缩包成员 {member.filename} 压缩比达 {ratio}:1，解压后 {member.file_size / 2**20:,.0f} MB，疑似压缩炸弹",
                limit="max_expanded_bytes", allowed=budget.limits.max_expanded_bytes, found=member.file_size,
            )
    return archive


def member_names(data: bytes) -> set[str] | None:
    """Names in a zip archive, or ``None`` when the bytes are not one (used to tell xlsx from docx by content)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None

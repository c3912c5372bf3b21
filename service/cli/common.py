"""Pieces every ``zhibiao`` subcommand shares: the user-error type, exit codes, JSON printing, one-line failures.

Exit codes: 0 done; 1 an unexpected failure (one line; the traceback only with
``ZHIBIAO_LOG_LEVEL=debug``); 2 bad usage, unreadable input or configuration,
a missing or invalid model; 3 a retrain candidate rejected by the gate; 4
another process holds ``models/.lock``; 130 interrupted; 141 output closed
early (``zhibiao ingest ... | head``).
"""

from __future__ import annotations

import json

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_REJECTED = 3
EXIT_LOCKED = 4
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


class CliError(Exception):
    """An error the user can act on; printed as one line (``error: …``), exit code 2."""


class ReviewerError(CliError):
    """A :class:`CliError` of the commands reviewers run (``classify``, ``suggest``): its message is Chinese and its
    line starts with ``错误：``."""


# Chinese for the operating system's reasons a file cannot be written (errno names), for a reviewer's line.
OS_REASON_ZH = {"ENOENT": "文件夹不存在", "EACCES": "没有写入权限", "EPERM": "没有写入权限", "EISDIR": "是文件夹", "ENOSPC": "磁盘已满",
                "EROFS": "只读的文件系统", "ENOTDIR": "路径中有一段不是文件夹", "ENAMETOOLONG": "文件名过长"}


def os_reason_zh(error: OSError) -> str:
    """Why an ``OSError`` happened, in Chinese when its errno is a common one (else the system's own words)."""
    import errno

    return OS_REASON_ZH.get(errno.errorcode.get(error.errno or 0, ""), error.strerror or str(error))


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def configuration_error(error) -> str | None:
    """One line naming the ``ZHIBIAO_*`` variables a settings ``ValidationError`` is about; ``None`` for another model's error."""
    if getattr(error, "title", None) != "Settings":
        return None
    parts = []
    for item in error.errors():
        field = ".".join(str(p) for p in item.get("loc", ()))
        message = str(item.get("msg", "")).removeprefix("Value error, ")
        parts.append(f"ZHIBIAO_{field.split('.')[0].upper()}: {message}")
    return "configuration error: " + "; ".join(parts)


def failure(error: BaseException) -> tuple[int, str] | None:
    """``(exit code, one line)`` for a failure a user or operator can act on; ``None`` for a bug."""
    from pydantic import ValidationError

    from training.lifecycle.bundle import BundleError
    from training.lifecycle.lock import ModelsLocked, NotWritable
    from training.model.encoder import EncoderMissing
    from training.readers import ReadError

    if isinstance(error, ModelsLocked):
        return EXIT_LOCKED, f"error: {error}"
    if isinstance(error, ReviewerError):
        return EXIT_USAGE, f"错误：{error}"
    if isinstance(error, (CliError, ReadError, BundleError, NotWritable, EncoderMissing, FileNotFoundError)):
        return EXIT_USAGE, f"error: {error}"
    if isinstance(error, ValidationError) and (line := configuration_error(error)):
        return EXIT_USAGE, line
    return None

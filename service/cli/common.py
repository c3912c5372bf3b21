"""Pieces every ``zhibiao`` subcommand shares: the user-error type, exit codes, JSON printing, one-line failures.

Exit codes: 0 done; 1 an unexpected failure (one line; the traceback only with
``ZHIBIAO_LOG_LEVEL=debug``); 2 bad usage, unreadable input or configuration,
a missing or invalid model; 3 a retrain candidate rejected by the gate; 4
another process holds ``models/.lock``; 130 interrupted; 141 output closed
early (``zhibiao ingest ... | head``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys

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
                "EROFS": "只读的文件系统", "ENOTDIR": "路径中有一段不是文件夹", "ENAMETOOLONG": "文件名过长",
                "EEXIST": "路径中有一段是已有的文件，不是文件夹"}


def os_reason_zh(error: OSError) -> str:
    """Why an ``OSError`` happened, in Chinese when its errno is a common one (else the system's own words). A file
    that cannot be created in a folder that exists (``/proc/x.csv``) is said as such, not as a missing folder."""
    import errno
    from pathlib import Path

    name = errno.errorcode.get(error.errno or 0, "")
    if name == "ENOENT" and error.filename and Path(str(error.filename)).parent.is_dir():
        return "无法在该文件夹中创建文件"
    return OS_REASON_ZH.get(name, error.strerror or str(error))


# argparse's messages (Python 3.11, ``argparse.py``) in Chinese; anything else is shown as argparse wrote it.
_ARGPARSE_ZH: list[tuple[re.Pattern, str]] = [
    (re.compile(r"the following arguments are required: (.*)"), "缺少参数：{0}"),
    (re.compile(r"argument command: invalid choice: (.*) \(choose from (.*)\)"), "没有命令 {0}，可用的命令：{1}"),
    (re.compile(r"argument (.+?): invalid choice: (.*) \(choose from (.*)\)"), "参数 {0} 的取值 {1} 无效，可选：{2}"),
    (re.compile(r"argument (.+?): invalid int value: (.*)"), "参数 {0} 需要整数，收到 {1}"),
    (re.compile(r"argument (.+?): invalid float value: (.*)"), "参数 {0} 需要数字，收到 {1}"),
    (re.compile(r"argument (.+?): not a positive whole number: (.*)"), "参数 {0} 需要正整数，收到 {1}"),
    (re.compile(r"argument (.+?): not a whole number of at least 2: (.*)"), "参数 {0} 需要不小于 2 的整数，收到 {1}"),
    (re.compile(r"argument (.+?): (不是.*)"), "参数 {0}：{1}"),
    (re.compile(r"argument (.+?): invalid \w+ value: (.*)"), "参数 {0} 的取值 {1} 无效"),
    (re.compile(r"argument (.+?): expected one argument"), "参数 {0} 后面需要一个值"),
    (re.compile(r"argument (.+?): expected at least one argument"), "参数 {0} 后面至少需要一个值"),
    (re.compile(r"argument (.+?): not allowed with argument (.*)"), "参数 {0} 不能与 {1} 同时使用"),
    (re.compile(r"unrecognized arguments: (.*)"), "无法识别的参数：{0}"),
    (re.compile(r"ambiguous option: (\S+) could match (.*)"), "选项 {0} 有歧义，可能是：{1}"),
]


def argparse_message_zh(message: str) -> str:
    """Chinese for an argparse usage error (``"unrecognized arguments: --foo"`` → ``"无法识别的参数：--foo"``)."""
    for pattern, template in _ARGPARSE_ZH:
        match = pattern.fullmatch(message.strip())
        if match:
            return template.format(*match.groups())
    return message


def _whole_number(text: str, least: int, message: str) -> int:
    """``text`` as a whole number of at least ``least``, else ``argparse.ArgumentTypeError(message)``."""
    try:
        value = int(text)
    except ValueError:
        value = least - 1
    if value < least:
        raise argparse.ArgumentTypeError(f"{message}: {text!r}")
    return value


def positive_int(text: str) -> int:
    """An argparse ``type`` for counts (``--keep``, ``--workers``): a whole number of at least 1, else a usage error
    (``--keep -1`` had been accepted)."""
    return _whole_number(text, 1, "not a positive whole number")


def at_least_two(text: str) -> int:
    """An argparse ``type`` for ``--folds``: a whole number of at least 2 (one fold scores both models alike: a trial's
    shuffled-label candidate passed the gate with ``--folds 1``), else a usage error."""
    return _whole_number(text, 2, "not a whole number of at least 2")


def budget_year(text: str) -> int:
    """An argparse ``type`` for ``--year``: a budget year within ``BUDGET_YEARS`` (1990–2100), else a usage error."""
    from training.domain.records import BUDGET_YEARS

    try:
        value = int(text)
    except ValueError:
        value = 0
    if not BUDGET_YEARS[0] <= value <= BUDGET_YEARS[1]:
        raise argparse.ArgumentTypeError(f"不是预算年度：{text!r}（应在 {BUDGET_YEARS[0]}–{BUDGET_YEARS[1]} 之间）")
    return value


class Parser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` whose usage errors are one Chinese line after the usage, exit code 2
    (``zhibiao classify: 错误：缺少参数：FILE``); subcommands' parsers are of this class too."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 错误：{argparse_message_zh(message)}\n")


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
    from training.lifecycle.retrain import NothingToLearn
    from training.model.encoder import EncoderMissing
    from training.readers import ReadError

    if isinstance(error, ModelsLocked):
        return EXIT_LOCKED, f"error: {error}"
    if isinstance(error, ReviewerError):
        return EXIT_USAGE, f"错误：{error}"
    if isinstance(error, (CliError, ReadError, BundleError, NotWritable, NothingToLearn, EncoderMissing, FileNotFoundError)):
        return EXIT_USAGE, f"error: {error}"
    if isinstance(error, ValidationError) and (line := configuration_error(error)):
        return EXIT_USAGE, line
    return None

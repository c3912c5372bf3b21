"""Pieces every ``zhibiao`` subcommand shares: the user-error type, exit codes, JSON printing."""

from __future__ import annotations

import json

EXIT_USAGE = 2
EXIT_REJECTED = 3


class CliError(Exception):
    """An error the user can act on; printed as one line, exit code 2."""


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))

"""Readers for every table layout users have; ``read_file`` picks the right one."""

from training.readers.dispatch import ReadResult, read_file, read_many
from training.readers.errors import ReadError

__all__ = ["ReadError", "ReadResult", "read_file", "read_many"]

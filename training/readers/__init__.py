"""Readers for every table layout users have; ``read_file`` picks the right one by content."""

from training.readers.dispatch import ReadResult, read_file, read_many
from training.readers.errors import ReadError, ReadLimitError
from training.readers.limits import ReadLimits

__all__ = ["ReadError", "ReadLimitError", "ReadLimits", "ReadResult", "read_file", "read_many"]

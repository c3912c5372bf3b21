"""Readers for every table layout users have; ``read_file`` picks the right one."""

from training.readers.dispatch import ReadError, ReadResult, read_file, read_many

__all__ = ["ReadError", "ReadResult", "read_file", "read_many"]

"""Backfill an archive: every row of many table files classified, on one machine or on a Ray cluster.

``run_backfill`` (``job.py``) finds the files (``inputs.py``), skips what an
earlier run of the same output folder finished (``manifest.py``), hands the
rest to an engine (``local.py`` in-process, ``ray_engine.py`` on Ray), both of
which read a file and annotate its rows the same way (``annotation.py``), and
writes one Parquet part per file (``output.py``) and the summaries
(``summary.py``).
"""

from service.backfill.job import BackfillError, BackfillResult, run_backfill

__all__ = ["BackfillError", "BackfillResult", "run_backfill"]

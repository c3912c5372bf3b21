"""One writer at a time in ``models/``: an exclusive lock file naming its holder.

Two retrains at once both promoted, and ``previous`` ended up pointing at the
other run's candidate (issue #14). ``train``, ``retrain``, ``promote``,
``rollback`` and ``prune`` therefore run under ``models_lock``: an ``fcntl``
lock on ``models/.lock`` whose content names the holder (pid, host, what it
does, since when). The kernel drops the lock when its process dies, so a lock
file left by a killed run is stale by construction: the next run takes it
over and says whose it was. A live holder makes the next run stop at once
with ``ModelsLocked`` naming it, rather than wait behind an unknown job.

The lock is re-entrant within one process (``retrain`` trains, promotes and
prunes under the one lock it took).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

LOCK_FILE = ".lock"
log = logging.getLogger("zhibiao.lifecycle")

_held: dict[Path, tuple[int, int]] = {}  # models folder -> (thread holding it, depth), for re-entry within this process
_guard = threading.RLock()


class ModelsLocked(Exception):
    """Another live process holds ``models/.lock``; ``holder`` is what it wrote (pid, host, action, since)."""

    def __init__(self, root: Path, holder: dict) -> None:
        self.root = root
        self.holder = holder
        what = holder.get("action", "?")
        super().__init__(f"{root} is locked by pid {holder.get('pid', '?')} on {holder.get('host', '?')} "
                         f"({what} since {holder.get('since', '?')}); wait for it to finish and run the command again")


class NotWritable(Exception):
    """A folder a lifecycle command must write to is not writable (checked before any work)."""


def check_writable(folder: Path) -> None:
    """Write and remove a probe file in ``folder`` (or, while it does not exist, in its nearest existing parent).

    A real write, not ``os.access``: root passes every permission check but
    not a read-only mount. Creates nothing. Raises ``NotWritable`` with one line.
    """
    folder = Path(folder)
    target = folder
    while not target.exists() and target.parent != target:
        target = target.parent
    try:
        if not target.is_dir():
            raise NotADirectoryError(20, "not a directory")
        probe = target / f".write-probe-{os.getpid()}-{threading.get_ident()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise NotWritable(f"{folder} is not writable ({error.strerror or error}); nothing was changed") from None


def _read_holder(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def models_lock(root: Path, action: str) -> Iterator[None]:
    """Hold the exclusive lock of the models folder ``root`` for ``action`` (e.g. ``"retrain"``).

    Raises ``ModelsLocked`` when another live process (or another thread of
    this one) holds it and ``NotWritable`` when the lock file cannot be created.
    """
    root = Path(root).resolve()
    me = threading.get_ident()
    with _guard:
        owner = _held.get(root)
        if owner and owner[0] == me:
            _held[root] = (me, owner[1] + 1)
            reentered = True
        elif owner:
            raise ModelsLocked(root, _read_holder(root / LOCK_FILE))
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[root] = (me, _held[root][1] - 1)
        return
    check_writable(root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_FILE
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held open for the lock's lifetime
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ModelsLocked(root, _read_holder(path)) from None
        stale = _read_holder(path)
        if stale.get("pid"):
            log.warning("took over a stale lock of pid %s (%s since %s); that run ended without releasing it",
                        stale.get("pid"), stale.get("action"), stale.get("since"))
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "action": action,
                                 "since": time.strftime("%Y-%m-%dT%H:%M:%S")}))
        handle.flush()
        with _guard:
            _held[root] = (me, 1)
        try:
            yield
        finally:
            with _guard:
                _held.pop(root, None)
            handle.seek(0)
            handle.truncate()  # an empty file: released cleanly, nothing stale to report
            handle.flush()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()

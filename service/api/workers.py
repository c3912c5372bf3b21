"""Model work off the event loop, in bounded lanes of worker threads, taken fairly across clients.

A table upload costs seconds of reading and classification; done inline it
froze every other request, ``/healthz`` included, for 12 s (issue #14). Each
lane (single requests, uploaded tables) has its own threads, so a table never
takes the threads single requests need; the encoder and the classifier are
numpy/torch and release the GIL while they compute.

Bounded: a lane accepts at most ``workers + max_queued`` jobs; past that
``submit`` raises ``Busy`` (503 ``SERVER_BUSY`` with ``Retry-After``) instead of
queueing without bound. Fair: one client address may have at most
``per_client`` jobs in a lane (429 ``CLIENT_BUSY``), and waiting jobs are taken
round-robin across clients, so a client that sends twenty requests does not
make another client's one request wait behind all twenty.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Busy(Exception):
    """A lane is full (``code`` ``SERVER_BUSY``) or the client has its share (``CLIENT_BUSY``); retry after ``retry_after`` seconds."""

    def __init__(self, code: str, message: str, message_zh: str, retry_after: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_zh = message_zh
        self.retry_after = retry_after


@dataclass
class _Job:
    client: str
    future: concurrent.futures.Future
    call: Callable[[], Any]


class FairPool:
    """``workers`` threads running jobs from per-client queues in round-robin order; at most ``workers + max_queued`` jobs.

    ``per_client`` bounds one client's jobs (running and waiting). ``submit``
    returns a ``concurrent.futures.Future``; ``run`` awaits one from async code.
    """

    def __init__(self, name: str, workers: int, max_queued: int, per_client: int) -> None:
        self.name = name
        self.workers = workers
        self.max_queued = max_queued
        self.per_client = per_client
        self._queues: collections.OrderedDict[str, collections.deque[_Job]] = collections.OrderedDict()
        self._pending: collections.Counter[str] = collections.Counter()
        self._queued = 0
        self._active = 0
        self._seconds = 1.0  # moving average of a job's duration, for Retry-After
        self._closed = False
        self._cond = threading.Condition()
        self._threads = [threading.Thread(target=self._work, name=f"zhibiao-{name}-{i}", daemon=True) for i in range(workers)]
        for thread in self._threads:
            thread.start()

    def stats(self) -> dict:
        """``{"workers", "active", "queued", "clients", "mean_seconds"}`` now."""
        with self._cond:
            return {"workers": self.workers, "active": self._active, "queued": self._queued, "clients": len(self._pending),
                    "mean_seconds": round(self._seconds, 3)}

    def _retry_after(self) -> int:
        return max(1, min(60, math.ceil((self._active + self._queued) * self._seconds / self.workers)))

    def submit(self, client: str, call: Callable[[], Any]) -> concurrent.futures.Future:
        """Queue ``call()`` for ``client``. Raises ``Busy`` when the lane or the client's share is full."""
        with self._cond:
            if self._closed:
                raise Busy("SERVER_BUSY", "the service is shutting down", "服务正在关闭，请稍后再试", 5)
            if self._pending[client] >= self.per_client:
                raise Busy("CLIENT_BUSY", f"{self._pending[client]} of your requests are already working or waiting here "
                           f"(at most {self.per_client}); wait for them", f"您已有 {self._pending[client]} 个请求在处理或排队（上限 "
                           f"{self.per_client}），请等待完成后再提交", self._retry_after())
            if self._active + self._queued >= self.workers + self.max_queued:
                raise Busy("SERVER_BUSY", f"all {self.workers} {self.name} workers are busy and {self._queued} requests are waiting; "
                           "try again shortly", "服务繁忙（所有处理线程都在工作且排队已满），请稍后再试", self._retry_after())
            job = _Job(client, concurrent.futures.Future(), call)
            self._queues.setdefault(client, collections.deque()).append(job)
            self._pending[client] += 1
            self._queued += 1
            self._cond.notify()
            return job.future

    async def run(self, client: str, call: Callable[[], Any]) -> Any:
        """``call()`` on a worker thread, awaited; raises ``Busy`` at once when full, else what ``call`` raises."""
        return await asyncio.wrap_future(self.submit(client, call))

    def _next(self) -> _Job | None:
        with self._cond:
            while not self._queues and not self._closed:
                self._cond.wait()
            if not self._queues:
                return None
            client, queue = next(iter(self._queues.items()))
            job = queue.popleft()
            if queue:
                self._queues.move_to_end(client)  # round-robin: the next job comes from another client
            else:
                del self._queues[client]
            self._queued -= 1
            self._active += 1
            return job

    def _work(self) -> None:
        while (job := self._next()) is not None:
            started = time.perf_counter()
            ran = job.future.set_running_or_notify_cancel()  # False: the request went away while it waited
            try:
                if ran:
                    try:
                        job.future.set_result(job.call())
                    except BaseException as error:  # handed to the awaiting request, which answers for it
                        job.future.set_exception(error)
            finally:
                with self._cond:
                    self._active -= 1
                    self._pending[job.client] -= 1
                    if self._pending[job.client] <= 0:
                        del self._pending[job.client]
                    if ran:
                        self._seconds = 0.8 * self._seconds + 0.2 * (time.perf_counter() - started)

    def close(self) -> None:
        """Refuse new jobs; the threads finish what is queued and stop."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

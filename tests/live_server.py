"""Start the real ``zhibiao serve`` on a loopback port for integration tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(models_root: Path, **settings: str) -> Iterator[str]:
    """Yield the base URL once /readyz answers 200; ``settings`` become ZHIBIAO_* variables."""
    port = free_port()
    env = {**os.environ, "ZHIBIAO_MODELS_DIR": str(models_root), "ZHIBIAO_RELOAD_INTERVAL_SECONDS": "1",
           **{f"ZHIBIAO_{k.upper()}": v for k, v in settings.items()}}
    process = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            if process.poll() is not None:
                pytest.fail(f"server exited with code {process.returncode}")
            time.sleep(0.5)
        else:
            pytest.fail("server did not become ready")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()

"""Start the real service (uvicorn on a free loopback port) for the tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ADMIN_TOKEN = "test-admin-token"


@dataclass
class LiveServer:
    base_url: str
    data_dir: Path
    admin_token: str = ADMIN_TOKEN

    @property
    def admin_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_token}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(built_data: Path, workdir: Path, **env: str) -> Iterator[LiveServer]:
    """Copy the built data and serve it; extra QCOLLAB_* settings go in `env`."""
    data_dir = workdir / "data"
    shutil.copytree(built_data, data_dir, symlinks=True)
    port = free_port()
    environment = {
        **os.environ,
        "QCOLLAB_DATA_DIR": str(data_dir),
        "QCOLLAB_ADMIN_TOKEN": ADMIN_TOKEN,
        "QCOLLAB_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        **env,
    }
    log = (workdir / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:app_factory", "--factory",
         "--host", "127.0.0.1", "--port", str(port)],
        env=environment, stdout=log, stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base_url, process, workdir / "server.log")
        yield LiveServer(base_url, data_dir)
    finally:
        stop(process, timeout=15)
        log.close()


def stop(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Terminate a child process, killing it if it does not exit within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()


def _wait_until_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not start:\n{log.read_text()}")

"""``newsweave serve``: refuses a missing store, serves a real one on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from newsweave.cli import cli
from newsweave.store import SQLiteStore
from newsweave.web.app import SECURITY_HEADERS
from tests.web.conftest import fill

STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "no newsweave database" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "none.db").exists()


def test_serve_help_names_the_options() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--db" in result.output and "--host" in result.output and "--port" in result.output


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_on_loopback(tmp_path: Path, workers: int) -> None:
    path = tmp_path / "web.db"
    with SQLiteStore(path) as store:
        world = fill(store)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "newsweave.cli",
        "serve",
        "--db",
        str(path),
        "--port",
        str(port),
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/story/{world.pier.id}", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert page.status_code == 200 and "Lakemoor closes its ferry pier" in page.text
        assert all(name in page.headers for name in SECURITY_HEADERS)
        assert "server" not in page.headers  # no version banner
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert "serving the store at http://127.0.0.1:" in (
        server.stderr.read() if server.stderr else ""
    )

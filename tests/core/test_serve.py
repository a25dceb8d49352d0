import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
        return response.status, dict(response.headers), response.read()


@pytest.fixture
def served(tmp_path):
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "BALIK_DATA_DIR": str(tmp_path),
        "BALIK_HTTPS": "0",
        "SECRET_KEY": "serve-test-secret-key-0123456789-abcdefghijklmnop",
    }
    server = subprocess.Popen(  # noqa: S603 (our own entry point)
        [sys.executable, "-m", "balik", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(base + "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_balik_serve_runs_gunicorn_and_serves_static_files_itself(served):
    status, headers, body = fetch(served + "/healthz")
    assert (status, body) == (200, b'{"status": "ok"}')
    assert headers["Server"].startswith("gunicorn")
    status, headers, css = fetch(served + "/static/balik/balik.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert b"--brand" in css
    status, _headers, page = fetch(served + "/accounts/login/")
    assert b"/static/balik/balik." in page  # hashed by the manifest storage


def test_balik_serve_refuses_a_bad_port(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "balik", "serve", "--port", "70000"],
        env={"PATH": os.environ["PATH"], "BALIK_DATA_DIR": str(tmp_path), "SECRET_KEY": "x" * 50},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "--port must be between 1 and 65535" in result.stderr

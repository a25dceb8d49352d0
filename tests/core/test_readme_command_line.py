"""The README's command-line block, run top to bottom on a fresh database, line by line.

Each `balik ...` line runs as a real `balik` process (the entry point in the virtualenv) in an
empty working directory with a temporary SQLite `DATABASE_URL` and no other Balik setting, as a
new user would run it. Every line must exit 0, except one whose comment says `exits N:`, which
must exit N. A comment `prints: TEXT` is checked against the line's output. A heredoc that
writes a file (`cat > FILE <<'EOF'`) is run by bash. Anything else in the block fails the test
until it is handled here.

Three lines cannot run as written, each for a narrow reason:
- `balik createsuperuser` asks its questions on a terminal: it runs with `--noinput` and the
  answers in DJANGO_SUPERUSER_EMAIL / _FULL_NAME / _PASSWORD, Django's documented way.
- `balik worker` runs until stopped: it runs with `--once`, one round of the same work.
- `balik serve` runs until stopped, and the documented 0.0.0.0:8000 may be taken on a shared
  machine (and a test listens on loopback only): it serves on 127.0.0.1 at a free port, must
  answer HTTP, and is then stopped.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
HEREDOC = re.compile(r"^cat > (?P<path>[\w.\-/]+) <<'(?P<end>\w+)'$")
EXITS = re.compile(r"^exits (?P<code>\d+):")
PRINTS = re.compile(r"^prints: (?P<text>\S+)")
COMMAND_TIMEOUT = 240


@dataclass
class Step:
    line: int  # in README.md
    text: str  # the command as written (or the whole heredoc)
    argv: list[str] = field(default_factory=list)  # empty for a heredoc
    comment: str = ""

    @property
    def expected_exit(self) -> int:
        found = EXITS.match(self.comment)
        return int(found["code"]) if found else 0

    @property
    def expected_output(self) -> str | None:
        found = PRINTS.match(self.comment)
        return found["text"] if found else None


def command_line_block(readme: str) -> tuple[int, list[str]]:
    """The first ```sh block under "## Command line": (line number of its first line, lines)."""
    lines = readme.splitlines()
    section = lines.index("## Command line")
    opening = next(i for i in range(section, len(lines)) if lines[i].strip() == "```sh")
    closing = next(i for i in range(opening + 1, len(lines)) if lines[i].strip() == "```")
    return opening + 2, lines[opening + 1 : closing]


def split_comment(text: str) -> tuple[list[str], str]:
    """The arguments of a shell line and its trailing comment (a `#` outside quotes)."""
    for match in re.finditer(r"\s#\s", text):
        head = text[: match.start()]
        try:
            argv = shlex.split(head)
        except ValueError:  # the `#` is inside quotes
            continue
        return argv, text[match.end() :].strip()
    return shlex.split(text), ""


def parse_steps(first_line: int, lines: list[str]) -> list[Step]:
    steps: list[Step] = []
    index = 0
    while index < len(lines):
        text, number = lines[index], first_line + index
        index += 1
        if not text.strip():
            continue
        if text.startswith(" ") and text.strip().startswith("#"):
            assert steps, f"README.md:{number}: a comment continues no command"
            steps[-1].comment = f"{steps[-1].comment} {text.strip()[1:].strip()}".strip()
            continue
        heredoc = HEREDOC.match(text)
        if heredoc:
            end = lines.index(heredoc["end"], index)
            steps.append(Step(number, "\n".join(lines[index - 1 : end + 1])))
            index = end + 1
            continue
        argv, comment = split_comment(text)
        assert argv and argv[0] == "balik", (
            f"README.md:{number}: {text!r} is neither a balik command nor a heredoc; "
            "teach tests/core/test_readme_command_line.py to run it"
        )
        steps.append(Step(number, text, argv, comment))
    return steps


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def answer(url: str) -> tuple[int, dict[str, str]]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:  # a 3xx left unfollowed, or a 4xx/5xx
        return error.code, dict(error.headers)


class Runner:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        bin_dir = str(Path(sys.executable).parent)
        # Only what a new user's shell would have: no Balik or Django setting leaks in from the
        # test run (DJANGO_SETTINGS_MODULE, BALIK_TESTING, a PostgreSQL DATABASE_URL, ...).
        self.env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(workdir),
            "LANG": "C.UTF-8",
            "DATABASE_URL": f"sqlite:///{workdir / 'balik.sqlite3'}",
        }
        self.balik = shutil.which("balik", path=self.env["PATH"])
        assert self.balik and Path(self.balik).parent == Path(bin_dir), "balik is not installed"

    def run(self, step: Step) -> subprocess.CompletedProcess:
        if not step.argv:  # a heredoc writing a file
            return subprocess.run(  # noqa: S603 (the README's own text, in a temporary directory)
                ["bash", "-euc", step.text],  # noqa: S607
                cwd=self.workdir,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=COMMAND_TIMEOUT,
                check=False,
            )
        argv, env = [self.balik, *step.argv[1:]], dict(self.env)
        command = step.argv[1]
        if command == "createsuperuser":
            argv.append("--noinput")
            env["DJANGO_SUPERUSER_EMAIL"] = "first.admin@example.id"
            env["DJANGO_SUPERUSER_FULL_NAME"] = "First Admin"
            env["DJANGO_SUPERUSER_PASSWORD"] = "a long first pass phrase 42"
        elif command == "worker":
            argv.append("--once")
        elif command == "serve":
            return self.serve(step, argv)
        return subprocess.run(  # noqa: S603 (our own entry point and the README's arguments)
            argv,
            cwd=self.workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    def serve(self, step: Step, argv: list[str]) -> subprocess.CompletedProcess:
        for option in ("--host", "--port"):
            assert option in argv, f"README.md:{step.line}: serve without {option}"
        port = free_port()
        argv[argv.index("--host") + 1] = "127.0.0.1"
        argv[argv.index("--port") + 1] = str(port)
        server = subprocess.Popen(  # noqa: S603 (our own entry point)
            argv,
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        status, headers = 0, {}
        try:
            deadline = time.monotonic() + COMMAND_TIMEOUT
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    status, headers = answer(f"http://127.0.0.1:{port}/healthz")
                    break
                except OSError:
                    time.sleep(0.3)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            output, _ = server.communicate(timeout=60)
        # Settings left at their defaults mean production: plain HTTP is sent to HTTPS.
        served = status == 301 and headers.get("Location", "").startswith(
            f"https://127.0.0.1:{port}/"
        )
        return subprocess.CompletedProcess(argv, 0 if served else 1, output, f"HTTP {status}")


def test_the_block_parses_into_steps():
    first_line, lines = command_line_block(README.read_text(encoding="utf-8"))
    steps = parse_steps(first_line, lines)
    commands = [step.argv[1] for step in steps if step.argv]
    for documented in ("import-people", "program", "enroll", "match", "export", "serve", "worker"):
        assert documented in commands
    assert any(step.expected_exit == 1 for step in steps)


def test_the_readme_command_line_block_runs_top_to_bottom_on_a_fresh_database(tmp_path):
    first_line, lines = command_line_block(README.read_text(encoding="utf-8"))
    runner = Runner(tmp_path)
    for step in parse_steps(first_line, lines):
        result = runner.run(step)
        report = (
            f"README.md:{step.line}: {step.text}\nexit code {result.returncode}, expected "
            f"{step.expected_exit}\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n"
            f"{result.stderr[-3000:]}"
        )
        assert result.returncode == step.expected_exit, report
        if step.expected_output is not None:
            assert result.stdout.strip() == step.expected_output, report
        if step.argv[:2] == ["balik", "match"] and "--json" in step.argv:
            assert '"pairs": [{' in result.stdout, report  # the sequence ends in real pairs
    for written in ("people.csv", "enrolment.csv", "scores.csv", "pairs.xlsx"):
        assert (tmp_path / written).stat().st_size > 0, written


@pytest.mark.parametrize(
    ("text", "argv", "comment"),
    [
        ("balik demo   # load it", ["balik", "demo"], "load it"),
        ("balik worker", ["balik", "worker"], ""),
        ("balik a 'x # y'", ["balik", "a", "x # y"], ""),
    ],
)
def test_comments_are_told_apart_from_arguments(text, argv, comment):
    assert split_comment(text) == (argv, comment)

"""The store under test for the benchmarks: ``emploistore serve`` in a temporary instance.

``StoreServer`` starts the store exactly as a user would, in a fresh temporary instance
folder, and always stops it and removes the folder again; ``run_benchmark`` runs a
benchmark as a command with its exit codes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType, TracebackType

from loadgen import ENV_PREFIX, LOOPBACK, fetch, free_port, require_loopback

EXIT_SERVER, EXIT_INTERRUPTED = 2, 130


# --------------------------------------------------------------------------------------------
# The store under test
# --------------------------------------------------------------------------------------------


class ServerError(RuntimeError):
    """The store did not start (or stopped) while being benchmarked."""


class StoreServer:
    """``emploistore serve`` in a fresh temporary instance folder, as a context manager.

    Always stops the server (SIGTERM, then SIGKILL to its own process group after a grace
    period) and removes the temporary folder, also on errors and Ctrl-C.
    """

    def __init__(
        self,
        workers: int = 2,
        host: str = LOOPBACK,
        start_timeout: float = 60.0,
        stop_timeout: float = 15.0,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        require_loopback(host)
        self.host = host
        self.port = 0
        self.workers = workers
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.root: Path | None = None
        self.startup_seconds = 0.0

    @property
    def instance_path(self) -> Path:
        assert self.root is not None
        return self.root / "instance"

    @property
    def log_path(self) -> Path:
        assert self.root is not None
        return self.root / "server.log"

    def __enter__(self) -> StoreServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def environment(self) -> dict[str, str]:
        """The server's environment, also right for ``emploistore`` commands on its store.

        No EMPLOISTORE_* setting is inherited (a DATABASE_URL, say): the store must be fresh;
        only ``extra_env`` and the temporary instance folder are set.
        """
        env = {key: value for key, value in os.environ.items() if not key.startswith(ENV_PREFIX)}
        env.update(self.extra_env)
        env["EMPLOISTORE_INSTANCE_PATH"] = str(self.instance_path)
        return env

    def start(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="emploistore-bench-"))
        self.instance_path.mkdir()
        self.port = free_port(self.host)
        env = self.environment()
        command = [
            "emploistore",
            "serve",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        began = time.perf_counter()
        with self.log_path.open("wb") as log:
            # Own session: Ctrl-C reaches only us, and we stop the server in order.
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.root,
                start_new_session=True,
            )
        self._wait_healthy(began + self.start_timeout)
        self.startup_seconds = time.perf_counter() - began

    def _wait_healthy(self, deadline: float) -> None:
        assert self.process is not None
        last_problem = "no answer yet"
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise ServerError(
                    f"the server exited with code {self.process.returncode} before answering\n"
                    + self.log_tail()
                )
            try:
                response = asyncio.run(fetch(self.host, self.port, "/healthz", timeout=2.0))
            except (OSError, TimeoutError) as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.status == 200:
                    return
                last_problem = f"HTTP {response.status}"
            time.sleep(0.2)
        raise ServerError(
            f"/healthz did not answer 200 within {self.start_timeout:.0f} s "
            f"({last_problem})\n" + self.log_tail()
        )

    def check_running(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise ServerError(
                f"the server exited with code {self.process.returncode}\n" + self.log_tail()
            )

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except (OSError, AssertionError):
            return "(no server log)"
        return "--- server log (last lines) ---\n" + "\n".join(text.splitlines()[-lines:])

    def pids(self) -> list[int]:
        """The gunicorn master and its workers (from /proc; empty where unavailable)."""
        if self.process is None or self.process.poll() is not None:
            return []
        master = self.process.pid
        found = [master]
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{master}/task").iterdir():
                children = (task / "children").read_text().split()
                found.extend(int(child) for child in children)
        return found

    def cpu_seconds(self) -> float | None:
        """User + system CPU used so far by the master and its live workers (Linux only)."""
        pids = self.pids()
        if not pids:
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in pids:
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                return None
            fields = stat[stat.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def stop(self) -> None:
        """Stop the server (SIGTERM, SIGKILL after ``stop_timeout``) and remove the folder.

        A second Ctrl-C while waiting skips the grace period but still kills the server.
        """
        process, self.process = self.process, None
        try:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of all workers
                try:
                    process.wait(timeout=self.stop_timeout)
                except subprocess.TimeoutExpired:
                    self._kill(process)
                except BaseException:
                    self._kill(process)
                    raise
        finally:
            if self.root is not None:
                shutil.rmtree(self.root, ignore_errors=True)
                self.root = None

    @staticmethod
    def _kill(process: subprocess.Popen[bytes]) -> None:
        # The server runs in a session of its own: its process group id is its pid.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run_benchmark(run: Callable[[], int], *setup_errors: type[Exception]) -> int:
    """Run a benchmark's body as a command: exit codes, and the server stopped on kill too.

    0 (or what ``run`` returns) when it ran; 2 when the server failed or a setup error of
    ``setup_errors`` was raised; 130 when interrupted (Ctrl-C or SIGTERM).
    """
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run()
    except ServerError as error:
        print(f"server problem: {error}", file=sys.stderr)
        return EXIT_SERVER
    except setup_errors as error:
        print(f"setup problem: {error}", file=sys.stderr)
        return EXIT_SERVER
    except KeyboardInterrupt:
        print("\ninterrupted; the server was stopped", file=sys.stderr)
        return EXIT_INTERRUPTED

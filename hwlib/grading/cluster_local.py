"""A Dask cluster of separate local processes, a scheduler and ``n`` workers on
127.0.0.1 (:class:`LocalProcessCluster`): for tests, benchmarks and a quick try.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from distributed import Client

def free_port(host: str = "127.0.0.1") -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class LocalProcessCluster:
    """``dask scheduler`` plus ``n`` ``dask worker`` processes on 127.0.0.1.

    Each worker is its own process (``--no-nanny``: the process IS the
    worker, so killing it kills the worker), with one thread and its own
    working and local directory under ``root``. ``env`` is the environment of
    every process (PYTHONPATH so that they import the same hwlib). Use as a
    context manager; :meth:`close` ends every process it started.
    """

    def __init__(self, root, n: int = 2, env: dict | None = None, nthreads: int = 1,
                 python: str = sys.executable):
        self.root = Path(root)
        self.env = dict(os.environ if env is None else env)
        self.python = python
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.scheduler = None
        self.workers: list[subprocess.Popen] = []
        self.n, self.nthreads = n, nthreads

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen:
        cwd = self.root / name
        cwd.mkdir(parents=True, exist_ok=True)
        out = (cwd / "log.txt").open("wb")
        try:
            return subprocess.Popen([self.python, "-m", *args], cwd=cwd, env=self.env,
                                    stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL)
        finally:
            out.close()

    def add_worker(self, name: str | None = None, env: dict | None = None) -> subprocess.Popen:
        """Start one more worker process (``env``: its own environment)."""
        name = name or f"worker-{len(self.workers)}"
        saved, self.env = self.env, dict(env) if env is not None else self.env
        try:
            proc = self._spawn(
                ["distributed.cli.dask_worker", self.address, "--name", name, "--no-nanny",
                 "--nthreads", str(self.nthreads), "--no-dashboard", "--death-timeout", "60",
                 "--local-directory", str(self.root / name / "local")], name)
        finally:
            self.env = saved
        self.workers.append(proc)
        return proc

    def start(self, timeout: float = 120) -> "LocalProcessCluster":
        self.scheduler = self._spawn(
            ["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(self.port),
             "--no-dashboard"], "scheduler")
        for _ in range(self.n):
            self.add_worker()
        if self.n:
            self.wait_for_workers(self.n, timeout)
        return self

    def wait_for_workers(self, n: int, timeout: float = 120) -> None:
        with Client(self.address, timeout=timeout, set_as_default=False) as client:
            client.wait_for_workers(n, timeout=timeout)

    def worker_addresses(self) -> dict[str, str]:
        """Worker name -> address, as the scheduler knows them."""
        with Client(self.address, timeout=30, set_as_default=False) as client:
            info = client.scheduler_info(n_workers=-1)["workers"]
        return {w["name"]: addr for addr, w in info.items()}

    def close(self) -> None:
        procs = [*self.workers, *([self.scheduler] if self.scheduler else [])]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 20
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self) -> "LocalProcessCluster":
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()

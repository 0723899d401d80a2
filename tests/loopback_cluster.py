"""A real Dask cluster on 127.0.0.1 for the tests and ``make bench``: a ``dask scheduler`` and
grading workers started as ``python -m grader worker`` starts them, optionally speaking TLS only.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from grader.run.cluster import client_security, plain_data_client_class
from grader.run.dask_worker import worker_command, worker_environment
from grader.run.tls import TLSFiles


def loopback_certificates(folder):
    """The TLS files a loopback cluster's parts use when ``folder`` holds what SCALING.md's commands make
    (ca.pem; scheduler, worker and instructor .pem/.key): ``{part: TLSFiles}``."""
    folder = Path(folder)
    return {part: TLSFiles(str(folder / "ca.pem"), str(folder / f"{part}.pem"), str(folder / f"{part}.key"))
            for part in ("scheduler", "worker", "instructor")}


class LoopbackCluster(SimpleNamespace):
    """A real ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1 (tests, ``make bench``)."""

    def client(self, timeout=30):
        """A Dask client of this cluster (the instructor's certificate when it speaks TLS) that, like the
        grader's, handles no printed or warning events from workers."""
        tls = self.certificates.get("instructor")
        return plain_data_client_class()(self.address, security=client_security(tls), timeout=timeout, set_as_default=False)

    def worker_pids(self):
        """``{worker address: pid}`` of the worker processes the scheduler knows now."""
        with self.client() as client:
            return client.run(os.getpid)


def _start(argv, environment, log):
    with open(log, "w") as handle:  # the process keeps its own copy of the descriptor
        return subprocess.Popen(argv, env=environment, stdout=subprocess.DEVNULL, stderr=handle,
                                start_new_session=True)


@contextmanager
def loopback_cluster(workers=2, scheduler_config=None, timeout=90, certificates=None):
    """Start a scheduler and ``workers`` single-threaded grading workers (each under a nanny, which
    restarts it if it dies) on loopback; ``scheduler_config`` maps Dask config keys to values
    (e.g. ``{"distributed.scheduler.allowed-failures": 1}``); with ``certificates`` (a folder, see
    :func:`loopback_certificates`) everything speaks TLS only. Everything is stopped on exit."""
    folder = Path(tempfile.mkdtemp(prefix="grader-cluster-"))
    scheduler_file = folder / "scheduler.json"
    tls = loopback_certificates(certificates) if certificates else {}
    environment = worker_environment(tls.get("scheduler"))
    for key, value in (scheduler_config or {}).items():
        environment["DASK_" + key.upper().replace(".", "__").replace("-", "_")] = str(value)
    scheduler = [str(Path(sys.executable).parent / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                 "--no-dashboard", "--scheduler-file", str(scheduler_file)]
    if tls:
        scheduler += ["--protocol", "tls", "--tls-ca-file", tls["scheduler"].ca_file,
                      "--tls-cert", tls["scheduler"].cert, "--tls-key", tls["scheduler"].key]
    processes = [_start(scheduler, environment, folder / "scheduler.log")]
    try:
        started = time.monotonic()
        while not scheduler_file.exists() and time.monotonic() - started < timeout:
            time.sleep(0.1)
        cluster = LoopbackCluster(address=json.loads(scheduler_file.read_text())["address"], processes=processes,
                                  logs=folder, certificates=tls)
        for number in range(workers):
            processes.append(_start(worker_command(cluster.address, tls=tls.get("worker"))
                                    + ["--host", "127.0.0.1", "--name", f"worker-{number}"],
                                    worker_environment(tls.get("worker")), folder / f"worker-{number}.log"))
        if workers:
            with cluster.client(timeout=timeout) as client:
                client.wait_for_workers(workers, timeout=timeout)
        yield cluster
    finally:
        for process in processes[::-1]:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for process in processes[::-1]:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)

"""Grading on a Dask distributed cluster: ``python -m grader autograde DIR --scheduler tcp://HOST:8786``.

One Dask task is one submission. The parent (autograde.py) reads the notebook and sends its
bytes; the task grades it on a worker exactly as a local run does (a process of its own
with the deadline, the sandbox and the caps, worker.py) and sends back the result, the
autograded notebook and the feedback page; the parent writes every report as it does for a
local run. Workers need no shared file system.

Dask does the distributing: a worker that dies has its tasks moved to another, and a task
that was running on ``distributed.scheduler.allowed-failures`` + 1 workers that died is
given up (``KilledWorker``): that submission gets 0 and a reason, never an endless retry.
The parent keeps one task per worker thread in flight, so neither it nor the scheduler holds a
whole MOOC's notebooks at once, and a dying worker takes only the task it was running with it.

A worker is started with ``python -m grader worker tcp://HOST:8786`` (or ``dask worker
tcp://HOST:8786 --nthreads 1 --preload grader.cluster`` with DASK_DISTRIBUTED__WORKER__DAEMON=False);
the preload refuses to start a worker that cannot grade (no bubblewrap, no course, a daemonic
process that cannot start the grading process). SCALING.md has the deployments.
"""

import atexit
import fcntl
import functools
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from grader.course import REPO, assignment_ids, generate_assignments
from grader.gradebook import record_key

MAX_RETURNED_FILE_BYTES = 64 * 1024 * 1024  # the worker bounds what it writes; this is the backstop
# In flight per worker thread. Dask counts a worker's death against every task assigned to it, so a
# task waiting behind a crashing submission on the same worker would be counted as if it crashed too.
TASKS_PER_THREAD = 1
SLOT_LOCKS = Path(tempfile.gettempdir()) / "grader-slots"
MAX_SLOTS = 256
EXIT_CANNOT_GRADE = 3


class NotReadyToGrade(RuntimeError):
    """This machine cannot grade: what is missing, in one line."""


# --------------------------------------------------------------------------- the course's identity

@functools.lru_cache(maxsize=None)
def course_digest():
    """One digest of everything that decides a grade here: the grader, the solutions, the source
    notebooks, their helpers and data. A worker whose digest differs from the parent's grades with
    another version of the course, and refuses to."""
    digest = hashlib.sha256()
    for folder in ("grader", "solutions", "notebooks", "data"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts \
                    and path.suffix in (".py", ".ipynb", ".csv", ".npz", ".json", ".txt", ".md"):
                digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


# --------------------------------------------------------------------------- worker side

@functools.lru_cache(maxsize=None)
def ready_to_grade():
    """Raise :class:`NotReadyToGrade` unless this process can grade: the course is here, bubblewrap
    starts a sandbox, and this process may start the grading process (Dask's nanny starts workers as
    daemonic processes, which may not have children, unless DASK_DISTRIBUTED__WORKER__DAEMON=False)."""
    from grader.autograde import check_sandbox
    from grader.sandbox import SandboxUnavailable

    if not assignment_ids():
        raise NotReadyToGrade(f"no course here: {REPO / 'notebooks'} holds no assignment "
                              "(install this repository: pip install -r requirements.txt && pip install -e .)")
    try:
        check_sandbox()
    except SandboxUnavailable as error:
        raise NotReadyToGrade(f"{error} (apt-get install bubblewrap)") from None
    if multiprocessing.current_process().daemon:
        raise NotReadyToGrade("this Dask worker runs as a daemonic process, which cannot start grading processes: "
                              "start it with `python -m grader worker`, or set DASK_DISTRIBUTED__WORKER__DAEMON=False")
    return course_digest()


def dask_setup(worker):
    """``dask worker --preload grader.cluster``: refuse to start a worker that cannot grade."""
    try:
        digest = ready_to_grade()
    except NotReadyToGrade as problem:
        print(f"grader: this Dask worker cannot grade: {problem}", file=sys.stderr, flush=True)
        os._exit(EXIT_CANNOT_GRADE)  # Dask logs a preload's exception and starts the worker anyway
    print(f"grader: worker ready to grade (course {digest})", file=sys.stderr)


@functools.lru_cache(maxsize=None)
def _templates_root():
    root = Path(tempfile.mkdtemp(prefix="grader-dask-templates-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


_template_lock = threading.Lock()


def _template(assignment):
    """This worker's release of ``assignment`` (an nbgrader course folder), built once per process."""
    folder = _templates_root() / assignment
    with _template_lock:
        if not (folder / "gradebook.db").exists():
            generate_assignments(folder, [assignment])
    return folder


@contextmanager
def _host_slot():
    """A slot no other grading on this machine holds (each slot has its own sandbox uid), claimed
    with a lock file, so that several worker processes on one host never share a uid."""
    SLOT_LOCKS.mkdir(exist_ok=True)
    for slot in range(MAX_SLOTS):
        handle = open(SLOT_LOCKS / f"{slot}.lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield slot
        finally:
            handle.close()
        return
    raise NotReadyToGrade(f"more than {MAX_SLOTS} submissions graded at once on this machine")


def grade_task(task):
    """Dask task: grade one submission, sent as bytes; returns ``{"result": ..., "files": {key: bytes}}``.

    Never raises for a submission's sake: what goes wrong becomes a ``grader_error`` result with a
    reason, as in a local run. Only a worker that dies while grading (Dask counts those) fails it.
    """
    from grader.autograde import grade_in_process, start_forkserver

    try:
        start_forkserver()
        if task["course"] != ready_to_grade():
            raise NotReadyToGrade(f"this worker has another version of the course ({ready_to_grade()}, the grader "
                                  f"has {task['course']}): install the same commit on every worker")
        assignment = task["assignment"]
        with _host_slot() as slot, tempfile.TemporaryDirectory(prefix="grader-task-") as folder:
            notebook = Path(folder) / "submitted" / f"{assignment}.ipynb"
            notebook.parent.mkdir()
            notebook.write_bytes(task["notebook"])
            submission = SimpleNamespace(student=task["student"], assignment=assignment, notebook=notebook,
                                         timestamp=task["timestamp"])
            work_dir = Path(folder) / "work"
            result = grade_in_process(submission, slot, _template(assignment), work_dir, task["settings"],
                                      task["due"], threading.Event())
            return {"result": result, "files": _files_of(result)}
    except Exception as error:  # noqa: BLE001 - this submission only, with the reason
        return {"result": {"status": "grader_error", "cells": [],
                           "reason": f"on Dask worker: {type(error).__name__}: {error}"[:300]}, "files": {}}


def _files_of(result):
    files = {}
    for key in ("autograded", "feedback"):
        path = result.get(key) and Path(result[key])
        if path and path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_RETURNED_FILE_BYTES:
            files[key] = path.read_bytes()
            stamp = path.parent / "timestamp.txt"
            if "timestamp.txt" not in files and stamp.is_file():
                files["timestamp.txt"] = stamp.read_bytes()[:100]
    return files


# --------------------------------------------------------------------------- parent side

def connect(address, timeout=15):
    """A Dask client on ``address`` with at least one worker, every worker on this course's version."""
    from distributed import Client

    from grader.submissions import WrongInput

    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise WrongInput(f"no Dask scheduler at {address} ({error})") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
        digests = client.run(ready_to_grade, on_error="return")
    except Exception as error:  # noqa: BLE001 - a TimeoutError, or a worker without the project
        client.close()
        raise WrongInput(f"the Dask cluster at {address} has no worker that can grade ({error})") from None
    wrong = {worker: str(digest)[:200] for worker, digest in digests.items() if digest != course_digest()}
    if wrong:
        client.close()
        raise WrongInput(f"Dask workers that cannot grade this course ({course_digest()}): "
                         + "; ".join(f"{worker}: {why}" for worker, why in sorted(wrong.items())[:5]))
    return client


def grade_on_cluster(address, submissions, work_root, settings, due_dates, stop):
    """Yield ``(index, submission, result)`` as each of ``submissions`` is graded on the cluster at
    ``address``, and None while none finishes (so the caller can check for Ctrl-C); the result's
    ``autograded`` and ``feedback`` files are under ``work_root/<index>``, as a local run leaves them."""
    from distributed.scheduler import KilledWorker

    client = connect(address)
    waiting, running = list(enumerate(submissions))[::-1], {}
    threads, asked = 1, 0.0
    try:
        while waiting or running:
            with _scheduler_calls(address):
                if time.monotonic() - asked > 1.0:  # workers come and go; ask the scheduler once a second
                    threads, asked = max(1, sum(client.nthreads().values())), time.monotonic()
                while waiting and len(running) < threads * TASKS_PER_THREAD and not stop.is_set():
                    index, submission = waiting.pop()
                    task = _task(submission, settings, due_dates)
                    if isinstance(task, str):  # the file could not be read here
                        yield index, submission, {"status": "invalid", "reason": task, "cells": []}
                        continue
                    running[client.submit(grade_task, task, pure=False, key=task_key(submission))] = index, submission
            done = [future for future in running if future.done()]
            for future in done:
                index, submission = running.pop(future)
                with _scheduler_calls(address):
                    answer = _answer(future, KilledWorker)
                yield index, submission, _unpack(answer, work_root / f"{index:05d}", submission.assignment)
                future.release()
            if not done:
                time.sleep(0.05)  # a task takes seconds; this keeps a free worker waiting for little
                yield None
    finally:
        for future in running:
            future.cancel()
        client.close()


@contextmanager
def _scheduler_calls(address):
    try:
        yield
    except (OSError, TimeoutError) as error:  # distributed's CommClosedError is an OSError
        from grader.submissions import WrongInput

        raise WrongInput(f"lost the Dask scheduler at {address} ({type(error).__name__}: {str(error)[:200]}); "
                         "every submission graded so far is kept: run the same command again to grade the rest") from None


def _task(submission, settings, due_dates):
    """The task of one submission, or why its file cannot be read."""
    from grader.submissions import MAX_NOTEBOOK_BYTES

    try:
        with open(submission.notebook, "rb") as handle:
            notebook = handle.read(MAX_NOTEBOOK_BYTES + 1)  # one byte over: the worker says "too large"
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    date = due_dates.get(submission.assignment)
    return {"student": submission.student, "assignment": submission.assignment, "notebook": notebook,
            "timestamp": submission.timestamp, "due": date.isoformat() if date else None,
            "settings": settings, "course": course_digest()}


def _answer(future, killed_worker):
    """What the task returned, or a grader_error result saying why it returned nothing."""
    try:
        return future.result()
    except killed_worker:
        return {"result": {"status": "grader_error", "cells": [],
                           "reason": "the Dask workers grading it died each time (it may crash a grading machine); "
                           "it was not retried further: look at it by hand"}}
    except (OSError, TimeoutError):
        raise  # the scheduler is gone: _scheduler_calls says so
    except Exception as error:  # noqa: BLE001 - a task that failed for another reason: this submission only
        return {"result": {"status": "grader_error", "cells": [],
                           "reason": f"on Dask: {type(error).__name__}: {error}"[:300]}}


def task_key(submission):
    """The Dask key of a submission's task: which record it fills (never the student's id itself, which
    may hold anything), and a random part, so that a rerun never meets an earlier run's task."""
    return f"grade-{record_key(submission.student, submission.assignment)}-{os.urandom(4).hex()}"


def _unpack(answer, folder, assignment):
    """The task's result, its files written under ``folder`` as a local run names them."""
    result = dict(answer.get("result") or {})
    files = answer.get("files") or {}
    for key, suffix in (("autograded", ".ipynb"), ("feedback", ".html")):
        result[key] = None
        if isinstance(files.get(key), bytes):
            target = folder / key / f"{assignment}{suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[key])
            if isinstance(files.get("timestamp.txt"), bytes):
                (target.parent / "timestamp.txt").write_bytes(files["timestamp.txt"])
            result[key] = str(target)
    return result


# --------------------------------------------------------------------------- starting workers and test clusters

def worker_command(address, nworkers=1):
    """``dask worker`` as the grader needs it: one thread per worker process (a task is a whole
    sandboxed kernel), the readiness check preloaded, processes allowed to start the grading process."""
    return [str(Path(sys.executable).parent / "dask"), "worker", address, "--nthreads", "1",
            "--nworkers", str(nworkers), "--preload", "grader.cluster", "--no-dashboard"]


def worker_environment():
    return {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}


def worker_main(args):
    """``python -m grader worker SCHEDULER [--nworkers N]``: a Dask worker that can grade."""
    os.execve(worker_command(args.scheduler, args.nworkers)[0], worker_command(args.scheduler, args.nworkers),
              worker_environment())


class LoopbackCluster(SimpleNamespace):
    """A real ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1 (tests, ``make bench``)."""

    def worker_pids(self):
        """``{worker address: pid}`` of the worker processes the scheduler knows now."""
        from distributed import Client

        with Client(self.address, timeout=30, set_as_default=False) as client:
            return client.run(os.getpid)


def _start(argv, environment, log):
    with open(log, "w") as handle:  # the process keeps its own copy of the descriptor
        return subprocess.Popen(argv, env=environment, stdout=subprocess.DEVNULL, stderr=handle,
                                start_new_session=True)


@contextmanager
def loopback_cluster(workers=2, scheduler_config=None, timeout=90):
    """Start a scheduler and ``workers`` single-threaded grading workers (each under a nanny, which
    restarts it if it dies) on loopback; ``scheduler_config`` maps Dask config keys to values
    (e.g. ``{"distributed.scheduler.allowed-failures": 1}``). Everything is stopped on exit."""
    folder = Path(tempfile.mkdtemp(prefix="grader-cluster-"))
    scheduler_file = folder / "scheduler.json"
    dask = str(Path(sys.executable).parent / "dask")
    environment = {**os.environ}
    for key, value in (scheduler_config or {}).items():
        environment["DASK_" + key.upper().replace(".", "__").replace("-", "_")] = str(value)
    processes = [_start([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                         "--scheduler-file", str(scheduler_file)], environment, folder / "scheduler.log")]
    try:
        started = time.monotonic()
        while not scheduler_file.exists() and time.monotonic() - started < timeout:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        for number in range(workers):
            processes.append(_start(worker_command(address) + ["--host", "127.0.0.1", "--name", f"worker-{number}"],
                                    worker_environment(), folder / f"worker-{number}.log"))
        from distributed import Client

        if workers:
            with Client(address, timeout=timeout, set_as_default=False) as client:
                client.wait_for_workers(workers, timeout=timeout)
        yield LoopbackCluster(address=address, processes=processes, logs=folder)
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

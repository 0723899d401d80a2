"""Grading on a Dask distributed cluster: ``python -m grader autograde DIR --scheduler tls://HOST:8786``.

One Dask task is one submission. The parent (run/autograde.py) reads the notebook and sends its
bytes; the task grades it on a worker exactly as a local run does (a process of its own
with the deadline, the sandbox and the caps, grading/process.py) and sends back the result, the
autograded notebook and the feedback page; the parent checks that answer and writes every
report as it does for a local run. Workers need no shared file system.

Dask does the distributing: a worker that dies has its tasks moved to another, and a task
that was running on ``distributed.scheduler.allowed-failures`` + 1 workers that died is
given up (``KilledWorker``): that submission gets 0 and a reason, never an endless retry.
The parent keeps one task per worker thread in flight, so neither it nor the scheduler holds a
whole MOOC's notebooks at once, and a dying worker takes only the task it was running with it.
A cluster left without any worker is reported within seconds and given up after
``grader.worker-wait`` in Dask's configuration (default 120 s), keeping what finished.

Whoever can talk to the scheduler can run code on it, on every worker and, through its answers,
try to in the parent. So the cluster speaks TLS with certificates from the course's own
certificate authority (``tls://``, :func:`cluster_tls`); plain ``tcp://`` is accepted on a loopback
address only, unless ``--insecure``. Certified workers are trusted to grade honestly; still, the
parent unpickles nothing from the cluster but plain data and the errors Dask reports
(:func:`_plain_loads`), and checks every answer's shape and sizes before it writes anything
(:func:`_unpack`).

A worker is started with ``python -m grader worker tls://HOST:8786 --tls-ca-file ... --tls-cert ...
--tls-key ...`` (which runs ``dask worker --nthreads 1 --preload grader.run.dask_worker`` with
DASK_DISTRIBUTED__WORKER__DAEMON=False); the preload refuses to start a worker that cannot grade
(no bubblewrap, no course, a daemonic process that cannot start the grading process, a slot
folder someone else owns). SCALING.md has the deployments and how to make the certificates.
"""

import builtins
import dataclasses
import io
import json
import os
import pickle
import sys
import time
from contextlib import contextmanager

from grader.course import course_digest
from grader.grading.contract import (GradingResult, MAX_RESULT_BYTES, MAX_RETURNED_FILE_BYTES, RESULT_KEYS,
                                     RETURNED_FILES)
from grader.intake.snapshots import MAX_NOTEBOOK_BYTES
from grader.intake.submission import WrongInput
from grader.records.store import record_key
from grader.run.dask_worker import course_or_problem, grade_task
from grader.run.tls import cluster_tls, warn_if_insecure
from grader.status import Status


# In flight per worker thread. Dask counts a worker's death against every task assigned to it, so a
# task waiting behind a crashing submission on the same worker would be counted as if it crashed too.
TASKS_PER_THREAD = 1
NO_WORKER_NOTICE = 10  # seconds without a worker before the run says so
WORKER_WAIT = 120  # seconds without a worker before the run gives up, unless grader.worker-wait says otherwise
# What the parent may unpickle from the cluster: names that run no code of the sender's choosing
# when loaded. Plain data; Python's own exceptions (and tblib's functions that set their attributes);
# Dask's KilledWorker with what it carries (the last worker's record). Tracebacks are refused: tblib
# rebuilds them by compiling code, with as many lines as the sender says.
_LOADABLE = {
    "builtins": {"dict", "list", "tuple", "set", "frozenset", "str", "bytes", "bytearray", "int", "float",
                 "complex", "bool"},
    "collections": {"deque", "defaultdict"},
    "tblib.pickling_support": {"unpickle_exception", "unpickle_exception_with_attrs"},
    "distributed.core": {"Status"},
    "distributed.scheduler": {"KilledWorker", "WorkerState"},
}


class RefusedPickle(TypeError):
    """A pickle from the cluster that names something other than plain data. A TypeError, so that
    distributed's ``clean_exception`` drops a traceback it cannot load instead of failing."""


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        builtin = getattr(builtins, name, None) if module == "builtins" else None
        if name in _LOADABLE.get(module, ()) or (isinstance(builtin, type) and issubclass(builtin, BaseException)):
            return super().find_class(module, name)
        raise RefusedPickle(f"refused to unpickle {module}.{name} from the cluster: not plain data")


def _plain_loads(data, *, buffers=()):
    """``distributed.protocol.pickle.loads`` for the parent: :data:`_LOADABLE` only."""
    return _PlainUnpickler(io.BytesIO(data), buffers=buffers or None).load()


@contextmanager
def _plain_pickles_only():
    """While the grader is a client of the cluster, everything distributed unpickles in this process
    (results, errors, the stream of task events) loads through :func:`_plain_loads`; ``distributed.client``
    imported its own name for it. There is no setting for this: since 2023 the scheduler needs pickle,
    and the client unpickles a message's ``__Pickled__`` parts whatever its ``deserializers``."""
    import distributed.client
    import distributed.protocol.pickle

    saved = distributed.protocol.pickle.loads, distributed.client.loads
    distributed.protocol.pickle.loads = distributed.client.loads = _plain_loads
    try:
        yield
    finally:
        distributed.protocol.pickle.loads, distributed.client.loads = saved


def plain_data_client_class():
    from distributed import Client

    class PlainDataClient(Client):
        """A client that takes none of Dask's default event subscriptions: its "print" and "warn" handlers
        print text a worker chose to the instructor's terminal, and unpickle it with the standard library."""

        def subscribe_topic(self, topic, handler):
            if handler is not Client._default_event_handlers.get(topic):
                super().subscribe_topic(topic, handler)

    return PlainDataClient


@contextmanager
def cluster_client(address, tls=None, timeout=15):
    """A Dask client on ``address`` (``tls``: :class:`TLSFiles`, or None for tcp://) with at least one
    worker, every worker on this course's version. Results are read as msgpack (plain data) only, and
    nothing else it unpickles may name code (:func:`_plain_pickles_only`)."""
    with _plain_pickles_only():
        try:
            client = plain_data_client_class()(address, security=client_security(tls), timeout=timeout, set_as_default=False,
                                     deserializers=["msgpack"])
        except (OSError, TimeoutError) as error:
            hint = " (are the certificates from the same CA as the scheduler's?)" if tls else ""
            raise WrongInput(f"no Dask scheduler at {address} ({error}){hint}") from None
        try:
            _check_workers(client, address, timeout)
            yield client
        finally:
            client.close()


def client_security(tls):
    """Dask's security settings for a client holding ``tls`` (None: plain tcp://)."""
    from distributed.security import Security

    return Security(tls_ca_file=tls.ca_file, tls_client_cert=tls.cert, tls_client_key=tls.key,
                    require_encryption=True) if tls else None


def _check_workers(client, address, timeout):
    try:
        client.wait_for_workers(1, timeout=timeout)
        digests = client.run(course_or_problem, on_error="return")
    except Exception as error:  # noqa: BLE001 - a TimeoutError, or a worker without the project
        raise WrongInput(f"the Dask cluster at {address} has no worker that can grade ({type(error).__name__}: "
                         f"{str(error)[:300]})") from None
    wrong = {worker: _described(digest) if isinstance(digest, BaseException) else str(digest)[:200]
             for worker, digest in digests.items() if digest != course_digest()}
    if wrong:
        raise WrongInput(f"Dask workers that cannot grade this course ({course_digest()}): "
                         + "; ".join(f"{worker}: {why}" for worker, why in sorted(wrong.items())[:5]))


def grade_on_cluster(address, submissions, work_root, settings, due_dates, stop):
    """Yield ``(index, submission, result)`` as each of ``submissions`` is graded on the cluster at
    ``address``, and None while none finishes (so the caller can check for Ctrl-C); the result's
    ``autograded`` and ``feedback`` files are under ``work_root/<index>``, as a local run leaves them.
    Raises :class:`grader.intake.submission.WrongInput` when the scheduler is lost, or every worker has been
    gone for ``grader.worker-wait`` seconds: what was yielded before is the caller's to keep."""
    from distributed.scheduler import KilledWorker

    tls = cluster_tls(address, settings.tls_ca_file, settings.tls_cert_file, settings.tls_key_file, settings.insecure)
    warn_if_insecure(address, tls)
    grading = dataclasses.replace(settings, scheduler=None, tls_ca_file=None, tls_cert_file=None, tls_key_file=None)
    with cluster_client(address, tls) as client:
        waiting, running = list(enumerate(submissions))[::-1], {}
        workers = _WorkerWatch(address, len(submissions))
        try:
            while waiting or running:
                with _scheduler_calls(address):
                    threads = workers.threads(client)
                    while waiting and len(running) < threads * TASKS_PER_THREAD and not stop.is_set():
                        index, submission = waiting.pop()
                        task = _task(submission, grading, due_dates)
                        if isinstance(task, str):  # the file could not be read here
                            yield index, submission, GradingResult(Status.INVALID, task).as_plain()
                            continue
                        running[client.submit(grade_task, task, pure=False, key=task_key(submission))] = \
                            index, submission
                done = [future for future in running if future.done()]
                for future in done:
                    index, submission = running.pop(future)
                    with _scheduler_calls(address):
                        answer = _answer(future, KilledWorker)
                    workers.finished += 1
                    yield index, submission, _unpack(answer, work_root / f"{index:05d}", submission)
                    future.release()
                if not done:
                    time.sleep(0.05)  # a task takes seconds; this keeps a free worker waiting for little
                    yield None
        finally:
            for future in running:
                future.cancel()


class _WorkerWatch:
    """How many worker threads the cluster has (asked once a second: workers come and go). When none
    is left, the run says so after :data:`NO_WORKER_NOTICE` seconds, and gives up after
    ``grader.worker-wait`` (Dask's configuration; default :data:`WORKER_WAIT` seconds)."""

    def __init__(self, address, total):
        import dask
        from dask.utils import parse_timedelta

        self.address, self.total, self.finished = address, total, 0
        self.wait = parse_timedelta(dask.config.get("grader.worker-wait", WORKER_WAIT), default="seconds")
        self.count, self.asked, self.gone_since, self.said = 1, float("-inf"), None, False

    def threads(self, client):
        now = time.monotonic()
        if now - self.asked >= 1.0:
            self.count, self.asked = sum(client.nthreads().values()), now
            if self.count:
                if self.said:
                    print(f"grader: a Dask worker is back at {self.address}", file=sys.stderr, flush=True)
                self.gone_since, self.said = None, False
            elif self.gone_since is None:
                self.gone_since = now
        if self.gone_since is not None:
            self._give_up_if_long(now - self.gone_since)
        return max(1, self.count)

    def _give_up_if_long(self, seconds):
        if seconds >= NO_WORKER_NOTICE and not self.said:
            print(f"grader: no Dask worker left at {self.address}: {self.finished} of {self.total} submissions "
                  f"graded; waiting up to {self.wait:.0f} s for one (grader.worker-wait)", file=sys.stderr, flush=True)
            self.said = True
        if seconds >= self.wait:
            raise WrongInput(f"no Dask worker at {self.address} for {self.wait:.0f} s: the {self.finished} of "
                             f"{self.total} submissions graded are kept; start workers and run the same command "
                             "again to grade the rest")


@contextmanager
def _scheduler_calls(address):
    try:
        yield
    except (OSError, TimeoutError) as error:  # distributed's CommClosedError is an OSError

        raise WrongInput(f"lost the Dask scheduler at {address} ({type(error).__name__}: {str(error)[:200]}); "
                         "every submission graded so far is kept: run the same command again to grade the rest") from None


def _task(submission, settings, due_dates):
    """The task of one submission, or why its file cannot be read."""
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
    """What the task returned, or a grader_error result saying why it returned nothing readable."""
    try:
        return future.result()
    except killed_worker:
        return {"result": GradingResult(Status.GRADER_ERROR, "the Dask workers grading it died each time (it may crash "
                                        "a grading machine); it was not retried further: look at it by hand").as_plain()}
    except (OSError, TimeoutError):
        raise  # the scheduler is gone: _scheduler_calls says so
    except Exception as error:  # noqa: BLE001 - a task that failed for another reason: this submission only
        return {"result": GradingResult(Status.GRADER_ERROR, f"on Dask: {_described(error)}"[:300]).as_plain()}


def _described(error):
    """An error from the cluster in words; distributed hands over one it could not unpickle as its bytes."""
    if type(error) is Exception and error.args and isinstance(error.args[0], (bytes, bytearray)):
        return "an error that is not plain data (not read)"
    return f"{type(error).__name__}: {str(error)[:200]}"


def task_key(submission):
    """The Dask key of a submission's task: which record it fills (never the student's id itself, which
    may hold anything), and a random part, so that a rerun never meets an earlier run's task."""
    return f"grade-{record_key(submission.student, submission.assignment)}-{os.urandom(4).hex()}"


class _RefusedAnswer(ValueError):
    """A worker's answer that is not what :func:`grade_task` returns."""


def _unpack(answer, folder, submission):
    """The task's result, its files written under ``folder`` as a local run names them, with the
    submission's own timestamp.txt; or, if the answer is not what a grading worker sends, a
    grader_error result that says why, and nothing written."""
    try:
        result, files = _checked(answer)
    except _RefusedAnswer as problem:
        return GradingResult(Status.GRADER_ERROR, f"the Dask worker's answer was refused: {problem}").as_plain()
    for kind, suffix in RETURNED_FILES.items():
        result[kind] = None
        if kind in files:
            target = folder / kind / f"{submission.assignment}{suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[kind])
            if submission.timestamp:
                (target.parent / "timestamp.txt").write_text(submission.timestamp)
            result[kind] = str(target)
    return result


def _checked(answer):
    """``(result, files)`` of a worker's answer: a result that reads as a local run's result.json
    does (JSON, at most ``MAX_RESULT_BYTES``, only :data:`RESULT_KEYS`) and files that are bytes within
    :data:`MAX_RETURNED_FILE_BYTES`. Raises :class:`_RefusedAnswer`."""
    if not isinstance(answer, dict) or not set(answer) <= {"result", "files"}:
        raise _RefusedAnswer(f"a {type(answer).__name__}, not a result and files")
    files = answer.get("files") or {}
    if not isinstance(files, dict) or not set(files) <= set(RETURNED_FILES):
        raise _RefusedAnswer("its files are not an autograded notebook and a feedback page")
    for kind, data in files.items():
        if not isinstance(data, bytes):
            raise _RefusedAnswer(f"its {kind} file is a {type(data).__name__}, not bytes")
        if len(data) > MAX_RETURNED_FILE_BYTES:
            raise _RefusedAnswer(f"its {kind} file has {len(data) / 1e6:.0f} MB, over the "
                                 f"{MAX_RETURNED_FILE_BYTES / 1e6:.0f} MB a graded notebook's can have")
    try:
        text = json.dumps(answer.get("result"))
    except (TypeError, ValueError, RecursionError) as error:
        raise _RefusedAnswer(f"its result is not plain data ({type(error).__name__})") from None
    if len(text) > MAX_RESULT_BYTES:
        raise _RefusedAnswer(f"its result has {len(text) / 1e6:.0f} MB, over {MAX_RESULT_BYTES / 1e6:.0f} MB")
    result = json.loads(text)
    if not isinstance(result, dict):
        raise _RefusedAnswer(f"its result is a {type(result).__name__}, not an object")
    unknown = sorted(set(result) - RESULT_KEYS)
    if unknown:
        raise _RefusedAnswer(f"its result has unknown keys ({', '.join(map(repr, unknown[:3]))[:100]})")
    return result, files

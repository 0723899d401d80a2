"""Grading on a Dask distributed cluster: ``python -m grader autograde DIR --scheduler tls://HOST:8786``.

One Dask task is one submission. The parent (autograde.py) reads the notebook and sends its
bytes; the task grades it on a worker exactly as a local run does (a process of its own
with the deadline, the sandbox and the caps, worker.py) and sends back the result, the
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
--tls-key ...`` (which runs ``dask worker --nthreads 1 --preload grader.cluster`` with
DASK_DISTRIBUTED__WORKER__DAEMON=False); the preload refuses to start a worker that cannot grade
(no bubblewrap, no course, a daemonic process that cannot start the grading process, a slot
folder someone else owns). SCALING.md has the deployments and how to make the certificates.
"""

import atexit
import builtins
import dataclasses
import functools
import io
import ipaddress
import json
import multiprocessing
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from grader.course import REPO, assignment_ids, course_digest, generate_assignments
from grader.records import record_key
from grader.sandbox import SandboxUnavailable, host_slot, slot_folder

# What a worker may send back, per file: three bytes per output character a graded notebook keeps
# (preprocessors.MAX_NOTEBOOK_OUTPUT_CHARS, 10 million). Real ones are far below: a notebook with every
# output at that bound (tests/grader_corpus.py's bloats_outputs) gives a 9.9 MB notebook and a 10.1 MB
# page, an ordinary one 25 kB and 160 kB.
MAX_RETURNED_FILE_BYTES = 30_000_000
RETURNED_FILES = {"autograded": ".ipynb", "feedback": ".html"}
# The keys of a worker's result (worker.py, autograde.grade_in_process); anything else is refused.
RESULT_KEYS = frozenset({"status", "reason", "cells", "timestamp", "seconds_late", "late_penalty",
                         "autograded", "feedback", "profile"})
# In flight per worker thread. Dask counts a worker's death against every task assigned to it, so a
# task waiting behind a crashing submission on the same worker would be counted as if it crashed too.
TASKS_PER_THREAD = 1
EXIT_CANNOT_GRADE = 3
NO_WORKER_NOTICE = 10  # seconds without a worker before the run says so
WORKER_WAIT = 120  # seconds without a worker before the run gives up, unless grader.worker-wait says otherwise


class NotReadyToGrade(RuntimeError):
    """This machine cannot grade: what is missing, in one line."""


# --------------------------------------------------------------------------- the course's identity

# --------------------------------------------------------------------------- worker side

@functools.lru_cache(maxsize=None)
def ready_to_grade():
    """Raise :class:`NotReadyToGrade` unless this process can grade: the course is here, bubblewrap
    starts a sandbox, this process may start the grading process (Dask's nanny starts workers as
    daemonic processes, which may not have children, unless DASK_DISTRIBUTED__WORKER__DAEMON=False),
    and this user's slot folder is its own. Returns the course's digest."""
    from grader.autograde import check_sandbox

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
    try:
        os.close(slot_folder())
    except SandboxUnavailable as error:
        raise NotReadyToGrade(str(error)) from None
    return course_digest()


def course_or_problem():
    """What ``ready_to_grade`` says, as text: the course's digest, or why this worker cannot grade
    (plain data, which is all the parent reads from a worker)."""
    try:
        return ready_to_grade()
    except Exception as problem:  # noqa: BLE001 - the parent lists the reason by worker
        return f"cannot grade: {type(problem).__name__}: {problem}"


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


def grade_task(task):
    """Dask task: grade one submission, sent as bytes; returns ``{"result": ..., "files": {kind: bytes}}``,
    plain data only (the parent reads nothing else).

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
        with host_slot() as slot, tempfile.TemporaryDirectory(prefix="grader-task-") as folder:
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
    """The autograded notebook and feedback page of ``result`` as bytes; one over the cap is left out
    (the parent would refuse the whole answer)."""
    files = {}
    for kind in RETURNED_FILES:
        path = result.get(kind) and Path(result[kind])
        if path and path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_RETURNED_FILE_BYTES:
            files[kind] = path.read_bytes()
    return files


# --------------------------------------------------------------------------- the cluster's security

@dataclasses.dataclass(frozen=True)
class TLSFiles:
    """PEM files: the course's certificate authority, and this party's certificate and private key."""

    ca_file: str
    cert: str
    key: str


def cluster_tls(address, ca_file=None, cert=None, key=None, insecure=False, role="client"):
    """The TLS files to reach the scheduler at ``address`` with, or None for plain ``tcp://``.

    ``tls://`` needs all three files, from the options or Dask's configuration
    (``distributed.comm.tls.ca-file`` and ``distributed.comm.tls.<role>.cert``/``.key``). ``tcp://``
    is accepted on a loopback address only, unless ``insecure``: whoever can reach a plain scheduler
    can run code on it, on its workers and in the grading process. Raises
    :class:`grader.submissions.WrongInput` with what to do, before anything connects.
    """
    import dask
    from distributed.comm.addressing import parse_address, parse_host_port

    from grader.submissions import WrongInput

    try:
        scheme, location = parse_address(address)
        host, _ = parse_host_port(location, default_port=8786)
    except ValueError as error:
        raise WrongInput(f"--scheduler {address!r}: not a scheduler address ({error}); expected tls://HOST:8786") from None
    given = {"--tls-ca-file": ca_file, "--tls-cert": cert, "--tls-key": key}
    if scheme == "tcp":
        if any(given.values()):
            raise WrongInput(f"--scheduler {address} is plain tcp://, but TLS files were given: use tls://{location}")
        if not insecure and not _is_loopback(host):
            raise WrongInput(f"--scheduler {address}: plain tcp:// to another machine is refused, since anyone who can "
                             "reach the scheduler can run code on it, on its workers and in this grading process. Use "
                             "tls:// with the course's certificates (grader/SCALING.md), or --insecure on a network only "
                             "you can reach")
        return None
    if scheme != "tls":
        raise WrongInput(f"--scheduler {address}: {scheme}:// is not supported; use tls://HOST:8786 "
                         "(or tcp:// on a loopback address)")
    settings = {"--tls-ca-file": "distributed.comm.tls.ca-file", "--tls-cert": f"distributed.comm.tls.{role}.cert",
                "--tls-key": f"distributed.comm.tls.{role}.key"}
    files = {flag: value or dask.config.get(settings[flag], None) for flag, value in given.items()}
    missing = [flag for flag, value in files.items() if not value]
    if missing:
        raise WrongInput(f"--scheduler {address} needs {', '.join(missing)}: the course's CA certificate, and this "
                         f"{role}'s certificate and key from that CA (or {', '.join(settings[f] for f in missing)} in "
                         "Dask's configuration); grader/SCALING.md shows how to make them")
    for flag, path in files.items():
        try:
            open(path, "rb").close()
        except OSError as error:
            raise WrongInput(f"{flag} {path}: {error.strerror}") from None
    return TLSFiles(*map(str, files.values()))


def _is_loopback(host):
    """True if every address ``host`` names is a loopback address (127.0.0.0/8, ::1)."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host.strip("[]"), None)}
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def warn_if_insecure(address, tls):
    """One loud line when plain tcp:// goes to another machine (--insecure)."""
    from distributed.comm.addressing import parse_address, parse_host_port

    if tls is None and not _is_loopback(parse_host_port(parse_address(address)[1], default_port=8786)[0]):
        print(f"grader: WARNING: --insecure: plain tcp:// to {address}. Anyone who can reach it can run code on the "
              "scheduler, on every worker and in this process, and change any grade.", file=sys.stderr, flush=True)


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


# --------------------------------------------------------------------------- parent side

def _client_class():
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
    from grader.submissions import WrongInput

    with _plain_pickles_only():
        try:
            client = _client_class()(address, security=_security(tls), timeout=timeout, set_as_default=False,
                                     deserializers=["msgpack"])
        except (OSError, TimeoutError) as error:
            hint = " (are the certificates from the same CA as the scheduler's?)" if tls else ""
            raise WrongInput(f"no Dask scheduler at {address} ({error}){hint}") from None
        try:
            _check_workers(client, address, timeout)
            yield client
        finally:
            client.close()


def _security(tls):
    """Dask's security settings for a client holding ``tls`` (None: plain tcp://)."""
    from distributed.security import Security

    return Security(tls_ca_file=tls.ca_file, tls_client_cert=tls.cert, tls_client_key=tls.key,
                    require_encryption=True) if tls else None


def _check_workers(client, address, timeout):
    from grader.submissions import WrongInput

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
    Raises :class:`grader.submissions.WrongInput` when the scheduler is lost, or every worker has been
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
                            yield index, submission, {"status": "invalid", "reason": task, "cells": []}
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
        from grader.submissions import WrongInput

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
    """What the task returned, or a grader_error result saying why it returned nothing readable."""
    try:
        return future.result()
    except killed_worker:
        return {"result": {"status": "grader_error", "cells": [],
                           "reason": "the Dask workers grading it died each time (it may crash a grading machine); "
                           "it was not retried further: look at it by hand"}}
    except (OSError, TimeoutError):
        raise  # the scheduler is gone: _scheduler_calls says so
    except Exception as error:  # noqa: BLE001 - a task that failed for another reason: this submission only
        return {"result": {"status": "grader_error", "cells": [], "reason": f"on Dask: {_described(error)}"[:300]}}


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
        return {"status": "grader_error", "cells": [], "reason": f"the Dask worker's answer was refused: {problem}"}
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
    from grader.autograde import MAX_RESULT_BYTES

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


# --------------------------------------------------------------------------- starting workers and test clusters

def worker_command(address, nworkers=1, tls=None):
    """``dask worker`` as the grader needs it: one thread per worker process (a task is a whole
    sandboxed kernel), the readiness check preloaded, and the cluster's TLS files if any."""
    argv = [str(Path(sys.executable).parent / "dask"), "worker", address, "--nthreads", "1",
            "--nworkers", str(nworkers), "--preload", "grader.cluster", "--no-dashboard"]
    if tls:
        argv += ["--tls-ca-file", tls.ca_file, "--tls-cert", tls.cert, "--tls-key", tls.key]
    return argv


def worker_environment(tls=None):
    """Processes allowed to start the grading process; with TLS, no plain connection accepted either."""
    environment = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    if tls:
        environment["DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION"] = "True"
    return environment


def worker_main(args):
    """``python -m grader worker SCHEDULER [--nworkers N] [--tls-ca-file ... --tls-cert ... --tls-key ...]``:
    a Dask worker that can grade, refused at once on an address or TLS files the grader would refuse."""
    from grader.submissions import WrongInput

    try:
        tls = cluster_tls(args.scheduler, args.tls_ca_file, args.tls_cert_file, args.tls_key_file, args.insecure,
                          role="worker")
    except WrongInput as error:
        print(f"grader: {error}", file=sys.stderr)
        return 2
    warn_if_insecure(args.scheduler, tls)
    argv = worker_command(args.scheduler, args.nworkers, tls)
    os.execve(argv[0], argv, worker_environment(tls))


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
        return _client_class()(self.address, security=_security(tls), timeout=timeout, set_as_default=False)

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

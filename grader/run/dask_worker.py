"""A Dask worker that grades: ``python -m grader worker tls://HOST:8786`` (runs ``dask worker
--nthreads 1 --preload grader.run.dask_worker``). The preload refuses to start a worker that cannot
grade (no bubblewrap, no course, a daemonic process, a slot folder someone else owns); each task
grades one submission, sent as bytes, exactly as a local run does (:func:`grader.run.local.grade_in_process`),
and returns plain data only: the result and the autograded notebook and feedback page as bytes.
"""

import atexit
import functools
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from types import SimpleNamespace

from grader.course import assignment_ids, course_digest, generate_assignments, REPO
from grader.grading.contract import GradingResult, MAX_RETURNED_FILE_BYTES, RETURNED_FILES
from grader.intake.submission import WrongInput
from grader.run.local import check_sandbox, grade_in_process, start_forkserver
from grader.run.tls import cluster_tls, warn_if_insecure
from grader.sandbox.bwrap import SandboxUnavailable
from grader.sandbox.host import host_slot, slot_folder
from grader.status import Status


EXIT_CANNOT_GRADE = 3


class NotReadyToGrade(RuntimeError):
    """This machine cannot grade: what is missing, in one line."""


@functools.lru_cache(maxsize=None)
def ready_to_grade():
    """Raise :class:`NotReadyToGrade` unless this process can grade: the course is here, bubblewrap
    starts a sandbox, this process may start the grading process (Dask's nanny starts workers as
    daemonic processes, which may not have children, unless DASK_DISTRIBUTED__WORKER__DAEMON=False),
    and this user's slot folder is its own. Returns the course's digest."""
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
    """``dask worker --preload grader.run.dask_worker``: refuse to start a worker that cannot grade."""
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
        return {"result": GradingResult(Status.GRADER_ERROR, f"on Dask worker: {type(error).__name__}: {error}"[:300])
                .as_plain(), "files": {}}


def _files_of(result):
    """The autograded notebook and feedback page of ``result`` as bytes; one over the cap is left out
    (the parent would refuse the whole answer)."""
    files = {}
    for kind in RETURNED_FILES:
        path = result.get(kind) and Path(result[kind])
        if path and path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_RETURNED_FILE_BYTES:
            files[kind] = path.read_bytes()
    return files


def worker_command(address, nworkers=1, tls=None):
    """``dask worker`` as the grader needs it: one thread per worker process (a task is a whole
    sandboxed kernel), the readiness check preloaded, and the cluster's TLS files if any."""
    argv = [str(Path(sys.executable).parent / "dask"), "worker", address, "--nthreads", "1",
            "--nworkers", str(nworkers), "--preload", "grader.run.dask_worker", "--no-dashboard"]
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
    try:
        tls = cluster_tls(args.scheduler, args.tls_ca_file, args.tls_cert_file, args.tls_key_file, args.insecure,
                          role="worker")
    except WrongInput as error:
        print(f"grader: {error}", file=sys.stderr)
        return 2
    warn_if_insecure(args.scheduler, tls)
    argv = worker_command(args.scheduler, args.nworkers, tls)
    os.execve(argv[0], argv, worker_environment(tls))

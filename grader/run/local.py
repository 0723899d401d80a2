"""Grading on this machine: one process per submission (grading/process.py), forked by a warm
forkserver, ``--jobs`` at a time, each with its deadline, its slot (a sandbox uid of its own) and
its kernel's socket folder (a small tmpfs); the sandbox checked once before any of it starts.
The Dask workers (dask_worker.py) grade each task with the same :func:`grade_in_process`.
"""

import json
import multiprocessing
from multiprocessing import forkserver
import subprocess
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from grader.grading.contract import GradingJob, GradingResult, MAX_RESULT_BYTES
from grader.sandbox.bwrap import bwrap_command, Limits, SandboxUnavailable
from grader.sandbox.host import capped_folder, host_slot
from grader.status import Status


SOCKET_FOLDER_MB = 16  # the kernel's socket folder, the only place the sandbox can write outside its /tmp
SOCKET_FOLDER_PREFIX = "grader-sockets-"


def check_sandbox():
    """Fail early, once, if the sandbox cannot start here (rather than 0 for every student)."""
    with tempfile.TemporaryDirectory() as folder:
        command = bwrap_command(Path(folder), [], Limits()) + ["true"]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=30)
        except FileNotFoundError as error:
            raise SandboxUnavailable(str(error)) from error
        if completed.returncode != 0:
            raise SandboxUnavailable(f"bubblewrap cannot start a sandbox here: {completed.stderr.strip()[:300]}")


def start_forkserver():
    """The forkserver that forks every grading process, with the worker imported and warmed up once."""
    # The grading process's modules (imported once, not by every fork), then their first-use costs.
    multiprocessing.set_forkserver_preload(["grader.grading.process", "grader.grading.warm"])
    forkserver.ensure_running()


def grade_here(submissions, template, work_root, settings, due_dates):
    """Grade on this machine, ``settings.jobs`` at a time: yields ``(index, submission, result)`` as each
    finishes (its files in ``work_root/<index>``), and None every half second while none does."""
    halt = threading.Event()  # set when this loop ends early: workers still running are killed

    def grade(index, submission):
        if halt.is_set():
            return None
        # Each submission graded at the same time on this machine (by this run or another) has a slot,
        # and each slot its own sandbox uid.
        with host_slot() as slot:
            date = due_dates.get(submission.assignment)
            return grade_in_process(submission, slot, template, work_root / f"{index:05d}", settings,
                                    date.isoformat() if date else None, halt)

    pool = ThreadPoolExecutor(max_workers=max(1, settings.jobs))
    try:
        pending = {pool.submit(grade, index, s): (index, s) for index, s in enumerate(submissions)}
        while pending:
            done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                index, submission = pending.pop(future)
                result = future.result()
                if result is not None:
                    yield index, submission, result
            if not done:
                yield None
    finally:
        halt.set()
        pool.shutdown(wait=True, cancel_futures=True)


def grade_in_process(submission, slot, template, work_dir, settings, due, stop):
    """Grade one submission in a process of its own (grading/process.py), with the deadline; its files are
    left in ``work_dir``. Returns None if ``stop`` was set before it finished (its process is killed)."""
    # The sandbox writes only to the kernel's socket folder: a small tmpfs of its own (and Unix
    # socket paths are limited to 107 bytes, so it lives in /tmp, whatever --out is).
    with capped_folder(SOCKET_FOLDER_PREFIX, SOCKET_FOLDER_MB) as socket_dir:
        work_dir.mkdir(parents=True)
        context = multiprocessing.get_context("forkserver")
        return _run_worker(context, submission, slot, work_dir, socket_dir, template, settings, due, stop)


def _run_worker(context, submission, slot, work_dir, socket_dir, template, settings, due, stop):
    from grader.grading.process import grade_submission

    job = GradingJob(student=submission.student, assignment=submission.assignment, notebook=str(submission.notebook),
                     slot=slot, template=str(template), work_dir=str(work_dir), socket_dir=str(socket_dir),
                     timestamp=submission.timestamp, due=due, timeout=settings.timeout,
                     cell_timeout=settings.cell_timeout, judge_timeout=settings.judge_timeout,
                     memory_mb=settings.memory_mb, late_penalty=settings.late_penalty,
                     run_experiments=settings.run_experiments, started_at=time.time())
    process = context.Process(target=grade_submission, args=(job,), daemon=True)
    started = time.monotonic()
    process.start()
    # Waits in short steps, so that Ctrl-C stops every worker within a second.
    while process.is_alive() and not stop.is_set() and time.monotonic() - started < settings.timeout:
        process.join(0.2)
    if process.is_alive() or stop.is_set():
        process.kill()  # its sandboxes go with it (bwrap --die-with-parent)
        process.join()
        if stop.is_set():
            return None
        return GradingResult(Status.TIMEOUT, f"did not finish within {settings.timeout:.0f} s; no points").as_plain()
    try:
        return _read_result(job.result_path)
    except (OSError, ValueError):
        return GradingResult(Status.GRADER_ERROR, f"the grading process ended with exit code {process.exitcode} after "
                             f"{time.monotonic() - started:.0f} s without a result").as_plain()


def _read_result(path):
    """The worker's result, read with a bound (the worker bounds what it writes; this is the backstop)."""
    if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_RESULT_BYTES:
        raise ValueError(f"no readable result at {path}")
    result = json.loads(path.read_text())
    if not isinstance(result, dict):
        raise ValueError("result is not an object")
    return result

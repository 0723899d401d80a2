"""``python -m grader autograde SUBMISSIONS``: grade a folder of submissions in parallel.

collect (submissions.py) -> one process per submission, N at a time, each with a
deadline (worker.py: nbgrader autograde with a sandboxed kernel, the judge,
feedback) -> report (report.py: grades.csv, grades_by_cell.csv, feedback HTML,
gradebook.db). A submission that cannot be graded gets 0 and a reason; it never
stops the others. Submitted files are only read.
"""

import json
import multiprocessing
import queue
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from grader.course import assignment_ids, generate_assignments, quiet_nbgrader
from grader.report import assignment_max_scores, keep_result_files, write_reports
from grader.sandbox import Limits, SandboxUnavailable, bwrap_command, capped_folder
from grader.submissions import collect

SOCKET_FOLDER_MB = 16  # the kernel's socket folder, the only place the sandbox can write outside its /tmp
MAX_RESULT_BYTES = 8 * 1024 * 1024


@dataclass
class Settings:
    jobs: int = 2
    timeout: float = 300.0  # wall-clock seconds for one whole submission
    cell_timeout: float = 30.0  # seconds before a single cell is interrupted
    memory_mb: int = 2048
    progress: bool = True


def autograde(submissions_dir, out, settings=Settings()):
    """Grade every submission under ``submissions_dir`` into ``out``; returns the grade rows."""
    # Absolute: these paths are bound into the sandbox, which has its own working directory.
    submissions_dir, out = Path(submissions_dir).resolve(), Path(out).resolve()
    if not submissions_dir.is_dir():
        raise FileNotFoundError(f"submissions folder {submissions_dir} does not exist or is not a folder")
    _check_sandbox()
    quiet_nbgrader()
    known = set(assignment_ids())
    submissions = collect(submissions_dir, known)
    out.mkdir(parents=True, exist_ok=True)
    work_root = Path(tempfile.mkdtemp(prefix=".work-", dir=out))
    try:
        needed = sorted({s.assignment for s in submissions if s.assignment in known})
        template = work_root / "template"
        if needed:
            generate_assignments(template, needed)
        _grade_all([s for s in submissions if s.notebook is not None], template, work_root, out, settings)
        return write_reports(out, submissions, template, assignment_max_scores(template, needed))
    finally:
        shutil.rmtree(work_root, ignore_errors=True)


def _check_sandbox():
    """Fail early, once, if the sandbox cannot start here (rather than 0 for every student)."""
    with tempfile.TemporaryDirectory() as folder:
        command = bwrap_command(Path(folder), [], Limits()) + ["true"]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=30)
        except FileNotFoundError as error:
            raise SandboxUnavailable(str(error)) from error
        if completed.returncode != 0:
            raise SandboxUnavailable(f"bubblewrap cannot start a sandbox here: {completed.stderr.strip()[:300]}")


def _grade_all(submissions, template, work_root, out, settings):
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["grader.worker"])
    # Each submission graded at the same time has a slot, and each slot its own sandbox uid.
    slots = queue.SimpleQueue()
    for slot in range(max(1, settings.jobs)):
        slots.put(slot)

    def grade(index_and_submission):
        index, submission = index_and_submission
        slot = slots.get()
        try:
            result = _grade_one(context, submission, index, slot, template, work_root, out, settings)
        finally:
            slots.put(slot)
        submission.result = result
        submission.status = result.get("status", "grader_error")
        submission.reason = result.get("reason", "")

    with ThreadPoolExecutor(max_workers=max(1, settings.jobs)) as pool, \
            tqdm(total=len(submissions), desc="grading", unit="submission", disable=not settings.progress) as bar:
        for _ in pool.map(grade, enumerate(submissions)):
            bar.update()


def _grade_one(context, submission, index, slot, template, work_root, out, settings):
    """Grade one submission and move its files into ``out`` at once; its working folders are then removed."""
    work_dir = work_root / f"{index:05d}"
    # The sandbox writes only to the kernel's socket folder: a small tmpfs of its own (and Unix
    # socket paths are limited to 107 bytes, so it lives in /tmp, whatever --out is).
    try:
        with capped_folder("grader-sockets-", SOCKET_FOLDER_MB) as socket_dir:
            work_dir.mkdir()
            result = _run_worker(context, submission, slot, work_dir, socket_dir, template, settings)
        return keep_result_files(out, submission, result)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def _run_worker(context, submission, slot, work_dir, socket_dir, template, settings):
    from grader.worker import grade_submission

    job = {
        "student": submission.student,
        "assignment": submission.assignment,
        "notebook": str(submission.notebook),
        "slot": slot,
        "template": str(template),
        "work_dir": str(work_dir),
        "socket_dir": str(socket_dir),
        "result_path": str(work_dir / "result.json"),
        "timeout": settings.timeout,
        "cell_timeout": settings.cell_timeout,
        "memory_mb": settings.memory_mb,
    }
    process = context.Process(target=grade_submission, args=(job,), daemon=True)
    started = time.monotonic()
    process.start()
    process.join(settings.timeout)
    if process.is_alive():
        process.kill()
        process.join()
        return {"status": "timeout", "reason": f"did not finish within {settings.timeout:.0f} s; no points", "cells": []}
    try:
        return _read_result(Path(job["result_path"]))
    except (OSError, ValueError):
        return {"status": "grader_error", "cells": [],
                "reason": f"the grading process ended with exit code {process.exitcode} after "
                f"{time.monotonic() - started:.0f} s without a result"}


def _read_result(path):
    """The worker's result, read with a bound (the worker bounds what it writes; this is the backstop)."""
    if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_RESULT_BYTES:
        raise ValueError(f"no readable result at {path}")
    result = json.loads(path.read_text())
    if not isinstance(result, dict):
        raise ValueError("result is not an object")
    return result


def autograde_command(args):
    """CLI entry: exit 0 when every submission got a grade, 1 when some could not be graded, 2 on setup errors."""
    settings = Settings(jobs=args.jobs, timeout=args.timeout, cell_timeout=args.cell_timeout, memory_mb=args.memory)
    try:
        rows = autograde(args.submissions, args.out, settings)
    except (OSError, SandboxUnavailable) as error:  # a missing folder, a full disk: one clear line
        print(f"grader: {error}", file=sys.stderr)
        return 2
    failed = [row for row in rows if row["status"] == "grader_error"]
    counts = Counter(row["status"] for row in rows)
    summary = ", ".join(f"{count} {status}" for status, count in counts.most_common())
    print(f"{len(rows)} submissions ({summary}); every one has a score and a reason in {args.out}/grades.csv")
    for row in failed:
        print(f"  could not grade {row['student_id']}/{row['assignment']}: {row['reason']}", file=sys.stderr)
    return 1 if failed else 0

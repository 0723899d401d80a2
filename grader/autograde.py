"""``python -m grader autograde SUBMISSIONS``: grade a folder of submissions in parallel.

collect (submissions.py: each notebook read once, into this run's private copy) -> skip what the
output folder already holds a grade for, unchanged (records.py) -> one process per submission, N
at a time, each with a deadline (worker.py: nbgrader autograde with a sandboxed kernel, the judge,
feedback) -> as each finishes: its result checked (results.py), its files, its gradebook rows, its
record -> report (report.py: grades.csv, grades_by_cell.csv from every record and gradebook.db).
A submission that cannot be graded gets 0 and a reason; it never stops the others. Submitted
files are only read, once. Ctrl-C or SIGTERM stops the workers, keeps what finished and writes the
reports for it; the same command then resumes.
"""

import json
import multiprocessing
import os
from multiprocessing import forkserver
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from grader import gradebook, profile, records
from grader.course import assignment_ids, course_digest, generate_assignments, max_scores, quiet_nbgrader
from grader.report import clean_field, keep_result_files, write_reports
from grader.sandbox import (Limits, SandboxUnavailable, bwrap_command, capped_folder, host_slot,
                            remove_orphaned_folders, slot_folder)
from grader.identity import IdentityError, Owners, Roster
from grader.results import checked_result
from grader.snapshots import Snapshots
from grader.submissions import WrongInput, collect, valid_student_id

SOCKET_FOLDER_MB = 16  # the kernel's socket folder, the only place the sandbox can write outside its /tmp
SOCKET_FOLDER_PREFIX = "grader-sockets-"
MAX_RESULT_BYTES = 8 * 1024 * 1024


@dataclass
class Settings:
    """How submissions are graded; these defaults are the command line's."""

    jobs: int = 2
    timeout: float = 300.0  # wall-clock seconds for one whole submission
    cell_timeout: float = 30.0  # seconds before a single cell is interrupted
    judge_timeout: float = 30.0  # seconds for the judge's calls of one exercise
    memory_mb: int = 2048
    late_penalty: str = "none"  # nbgrader's LateSubmissionPlugin.penalty_method: none or zero
    run_experiments: bool = False  # also run the cells tagged experiment (no points; slower)
    scheduler: str = None  # a Dask scheduler's address (tls://HOST:8786): grade there, not here
    tls_ca_file: str = None  # the cluster's certificate authority, and this client's certificate and key
    tls_cert_file: str = None
    tls_key_file: str = None
    insecure: bool = False  # allow a plain tcp:// scheduler that is not on a loopback address
    progress: bool = True


@dataclass
class Selection:
    """What to grade of what was found: ``students``/``assignments`` (empty: all), ``force`` regrades
    what the output folder already holds, ``due`` maps an assignment (or ``"*"``) to a due date;
    ``owners`` (identity.Owners, default: the system's users) decides whose inbound entries count,
    and a ``roster`` (identity.Roster) which students there are."""

    students: tuple = ()
    assignments: tuple = ()
    force: bool = False
    due: dict = None
    owners: Owners = None
    roster: Roster = None


@dataclass
class Outcome:
    """What a run did: ``rows`` of grades.csv (every grade ``out`` holds), how many submissions it
    graded now, and how many rows it kept from earlier runs without grading them again."""

    rows: list
    graded_now: int
    kept: int
    profiles: list = None  # per submission graded now: ``{step: seconds}`` (profile.py)


class Interrupted(Exception):
    """Ctrl-C or SIGTERM: stop grading, keep what finished."""

    def __init__(self, signal_name, graded=0, left=0, reports_written=False):
        super().__init__(signal_name)
        self.signal_name, self.graded, self.left = signal_name, graded, left
        self.reports_written = reports_written


def autograde(submissions_dir, out, settings=Settings(), selection=Selection()):
    """Grade the submissions at ``submissions_dir`` into ``out``; returns an :class:`Outcome`."""
    # Absolute: these paths are bound into the sandbox, which has its own working directory.
    # Not resolved: a symbolic link given as a notebook must reach collect, which refuses it.
    submissions_dir, out = Path(submissions_dir).absolute(), Path(out).resolve()
    if not submissions_dir.exists():
        raise FileNotFoundError(f"{submissions_dir} does not exist")
    _refuse_nested(submissions_dir, out)
    with _interrupts() as stop:
        check_sandbox()
        if not settings.scheduler:
            os.close(slot_folder())  # another user's folder in its place stops the run here, with why
        quiet_nbgrader()
        with _output_folder(out) as work_root:
            snapshots = Snapshots(work_root / "snapshots")  # each notebook read once, here
            found = _select(collect(submissions_dir, set(assignment_ids()), snapshots, selection.owners,
                                    selection.roster), selection)  # wrong input stops here
            earlier = records.load_records(out)
            given_due = _due_dates(selection.due, assignment_ids())
            due = {**gradebook.due_dates_in(out / "gradebook.db", assignment_ids()), **given_due}
            in_gradebook = set(gradebook.final_grades(out / "gradebook.db"))
            to_grade, decided = _plan(found, earlier, selection.force, _grading_settings(settings, due), in_gradebook)
            kept, interrupted, profiles = dict(decided), None, []
            try:
                _keep_decided(out, decided, earlier)
                for record in _grade_all(to_grade, work_root, out, settings, given_due, stop, earlier, profiles):
                    kept[(record["student"], record["assignment"])] = record
            except Interrupted as error:
                interrupted = error
            finally:
                with stop.deferred():
                    # Also when grading failed (a Dask scheduler lost, a full disk): what finished is reported.
                    rows = write_reports(out, {**earlier, **kept}.values())
    if interrupted:
        graded = sum(1 for s in to_grade if (s.student, s.assignment) in kept)
        raise Interrupted(interrupted.signal_name, graded, len(to_grade) - graded, reports_written=True)
    return Outcome(rows, graded_now=len(to_grade), kept=len(rows) - len(kept), profiles=profiles)


def _refuse_nested(submissions_dir, out):
    """--out inside the submissions (its source/ would be graded as a student's), or the reverse: exit 2."""
    submissions = submissions_dir.resolve()
    if out == submissions or submissions in out.parents:
        raise WrongInput(f"--out {out} is inside the submissions {submissions}: the next run would grade the "
                         "grader's own files as students'; choose an --out outside it")
    if out in submissions.parents:
        raise WrongInput(f"the submissions {submissions} are inside --out {out}: choose an --out outside them")


@contextmanager
def _output_folder(out):
    """The output folder, locked for this run, and a private working folder in it (removed at the end).
    An output folder this run created is removed again if the input turns out to be wrong."""
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        with _only_run_on(out):
            work_root = Path(tempfile.mkdtemp(prefix=".work-", dir=out))
            try:
                yield work_root
            finally:
                shutil.rmtree(work_root, ignore_errors=True)
    except WrongInput:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise


@contextmanager
def _only_run_on(out):
    """One run at a time per output folder (two would each write reports missing the other's grades);
    with the lock held, working folders a killed run left behind can be removed."""
    with records.only_writer(out):
        for stale in out.glob(".work-*"):
            shutil.rmtree(stale, ignore_errors=True)
        remove_orphaned_folders(SOCKET_FOLDER_PREFIX)
        yield


def _keep_decided(out, decided, earlier):
    """Records decided without grading (missing, invalid ids, ...): saved, and the gradebook told."""
    db_path = out / "gradebook.db"
    with ExitStack() as stack:
        db = stack.enter_context(gradebook.open_gradebook(db_path)) if db_path.exists() else None
        for key, record in decided.items():
            if db is not None and valid_student_id(record["student"]) and record["assignment"] in assignment_ids():
                gradebook.sync(db, record, earlier.get(key))
            records.save_record(out, record)


def _grading_settings(settings, due):
    """``{assignment: text}``: every setting that changes an assignment's grades, for the fingerprint."""
    return {a: json.dumps({"due": due[a].isoformat() if due.get(a) else None, "late_penalty": settings.late_penalty,
                           "run_experiments": settings.run_experiments, "course": course_digest()}, sort_keys=True)
            for a in assignment_ids()}


def _select(found, selection):
    """The submissions ``--student`` and ``--assignment`` ask for; an id that matches nothing is an error."""
    for flag, wanted, have in (("--student", selection.students, {s.student for s in found}),
                               ("--assignment", selection.assignments, {s.assignment for s in found})):
        unknown = sorted(set(wanted) - have)
        if unknown:
            raise WrongInput(f"{flag} {', '.join(map(repr, unknown))}: no such submission here "
                             f"(found {len(have)}: {', '.join(sorted(map(repr, have))[:10])})")
    return [s for s in found if (not selection.students or s.student in selection.students)
            and (not selection.assignments or s.assignment in selection.assignments)]


def _plan(found, earlier, force, grading_settings, in_gradebook):
    """Split what was found into submissions to grade now and records decided without grading:
    collect's own verdicts (missing, invalid id, ...) and unchanged grades kept from ``earlier``
    (a final outcome for the same bytes, time and settings, still in gradebook.db if it was graded).
    A missing or not-submitted row never replaces a grade given before: that grade is kept."""
    to_grade, decided = [], {}
    for submission in found:
        key = (submission.student, submission.assignment)
        before = earlier.get(key)
        if submission.notebook is None:
            if submission.status in records.ABSENT and before and before["status"] not in records.ABSENT:
                print(f"grader: kept the earlier grade of {clean_field(key)}: its submission is no longer here",
                      file=sys.stderr)
                continue
            decided[key] = _record(submission, {"status": submission.status, "reason": submission.reason})
            continue
        submission.fingerprint = records.fingerprint(submission, grading_settings[submission.assignment])
        if not force and records.unchanged(before, submission.fingerprint) and (
                before["status"] != "graded" or key in in_gradebook):
            continue  # graded before, nothing changed: the earlier record stands
        to_grade.append(submission)
    return to_grade, decided


def _record(submission, result):
    """What a submission got, as records.py keeps it: every field bounded and clean. ``result`` is
    collect's verdict or a grading result that :func:`checked_result` passed."""
    points = max_scores(submission.assignment) if submission.assignment in assignment_ids() else {}
    by_id = {c["grade_id"]: c for c in result.get("cells") or []}
    cells = [by_id.get(grade_id) or {"grade_id": grade_id, "score": 0.0, "max_score": maximum,
                                     "nbgrader_score": 0.0, "judge": "not run"}
             for grade_id, maximum in sorted(points.items())]
    cells = [{"grade_id": c["grade_id"], "score": float(c["score"]), "max_score": points[c["grade_id"]],
              "nbgrader_score": float(c["nbgrader_score"]), "judge": clean_field(c["judge"]),
              "mistake": clean_field(c.get("mistake", ""))} for c in cells]
    late_penalty = min(float(result.get("late_penalty") or 0.0), sum(points.values()))
    return {
        "student": submission.student,
        "assignment": submission.assignment,
        "status": result.get("status", "grader_error"),
        "reason": clean_field("; ".join(filter(None, (result.get("reason", ""), submission.note)))),
        "score": records.final_score(cells, late_penalty),
        "max_score": sum(points.values()),
        "cells": cells,
        "timestamp": result.get("timestamp") or submission.timestamp,
        "seconds_late": float(result.get("seconds_late") or 0.0),
        "late_penalty": late_penalty,
        "fingerprint": getattr(submission, "fingerprint", None),
        "notebook_sha256": submission.digest,
        "graded_at": records.now(),
    }


def _due_dates(due, assignments):
    """``--due`` values per assignment: ``{"*": date}`` applies to all; naive UTC datetimes as nbgrader keeps them."""
    from nbgrader.utils import parse_utc

    due = due or {}
    return {a: parse_utc(due.get(a) or due.get("*")) for a in assignments if due.get(a) or due.get("*")}


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


class _StopSwitch:
    """Set by Ctrl-C or SIGTERM. Outside :meth:`deferred` blocks the signal raises
    :class:`Interrupted` at once; inside one (a record being saved, reports being written) it
    only sets the switch, so nothing is left half written, and the grading loop stops at its
    next check. A signal while the final reports are written lets them finish: the run ends as usual."""

    def __init__(self):
        self.signal_name, self._deferring = None, 0
        self.event = threading.Event()

    def handle(self, signum, frame):
        if self.event.is_set():
            return  # a second Ctrl-C while stopping: the first one is being carried out
        self.signal_name = signal.Signals(signum).name
        self.event.set()
        if not self._deferring:
            raise Interrupted(self.signal_name)

    @contextmanager
    def deferred(self):
        self._deferring += 1
        try:
            yield
        finally:
            self._deferring -= 1

    def raise_if_set(self):
        if self.event.is_set():
            raise Interrupted(self.signal_name)


@contextmanager
def _interrupts():
    stop = _StopSwitch()
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield stop
        return
    previous = {sig: signal.signal(sig, stop.handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _grade_all(submissions, work_root, out, settings, due, stop, earlier, profiles):
    """Grade ``submissions`` (``settings.jobs`` at a time here, or on the Dask cluster at
    ``settings.scheduler``); yields each one's record as it is kept: result checked, files copied,
    gradebook rows written, record saved, in that order (the record says it is done). ``due``:
    the due dates given now (``--due``). Appends each graded submission's profile (seconds per
    step) to ``profiles``."""
    if not submissions:
        return
    if not settings.scheduler:
        start_forkserver()  # it imports and warms up on the other core while the release is built
    needed = sorted({s.assignment for s in submissions})
    template = work_root / "template"
    generate_assignments(template, needed)
    due_dates = gradebook.prepare_course_folder(out, template, needed, due)
    if settings.scheduler:
        from grader.cluster import grade_on_cluster

        results = grade_on_cluster(settings.scheduler, submissions, work_root, settings, due_dates, stop.event)
    else:
        results = _grade_here(submissions, template, work_root, settings, due_dates)
    db = gradebook.open_gradebook(out / "gradebook.db")
    try:
        with tqdm(total=len(submissions), desc="grading", unit="submission", disable=not settings.progress) as bar:
            for finished in results:
                if finished is not None:
                    index, submission, result = finished
                    with stop.deferred():
                        kept_at = time.perf_counter()
                        result = checked_result(result, max_scores(submission.assignment), work_root / f"{index:05d}")
                        record = _keep(out, db, submission, keep_result_files(out, submission, result), earlier)
                        shutil.rmtree(work_root / f"{index:05d}", ignore_errors=True)
                        _add_profile(profiles, result, time.perf_counter() - kept_at)
                        yield record
                    bar.update()
                stop.raise_if_set()
    finally:
        results.close()  # stops what still runs: local grading processes are killed, Dask tasks cancelled
        db.close()


def start_forkserver():
    """The forkserver that forks every grading process, with the worker imported and warmed up once."""
    multiprocessing.set_forkserver_preload(["grader.warm_worker"])
    forkserver.ensure_running()


def _grade_here(submissions, template, work_root, settings, due_dates):
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


def _add_profile(profiles, result, keep_seconds):
    profile = result.get("profile")
    if result.get("status") == "graded" and isinstance(profile, dict):
        profiles.append({**{str(k): float(v) for k, v in profile.items() if isinstance(v, (int, float))},
                         "keep": keep_seconds})


def _keep(out, db, submission, result, earlier):
    """A submission's gradebook rows, then its record. A grader_error never replaces a grade given
    before (the run did not grade it; the error is reported). A disk that fills costs the record
    only: the grade still reaches grades.csv, and the next run grades that submission again."""
    record = _record(submission, result)
    before = earlier.get((submission.student, submission.assignment))
    if record["status"] == "grader_error" and before and before["status"] in records.FINAL:
        print(f"grader: could not grade {clean_field((submission.student, submission.assignment))} "
              f"({record['reason']}); its earlier grade is kept", file=sys.stderr)
        return before
    if valid_student_id(submission.student):
        try:
            gradebook.sync(db, record, before)
        except Exception as error:  # noqa: BLE001 - sqlite errors too: this submission's row only
            db.db.rollback()
            record["reason"] = clean_field(f"{record['reason']}; not written to gradebook.db ({error})")
            record["fingerprint"] = None  # so that the next run grades it again
    try:
        records.save_record(out, record)
    except OSError as error:
        print(f"grader: the record of {clean_field((submission.student, submission.assignment))} was not saved "
              f"({error.strerror}); the next run grades it again", file=sys.stderr)
    return record


def grade_in_process(submission, slot, template, work_dir, settings, due, stop):
    """Grade one submission in a process of its own (worker.py), with the deadline; its files are
    left in ``work_dir``. Returns None if ``stop`` was set before it finished (its process is killed)."""
    # The sandbox writes only to the kernel's socket folder: a small tmpfs of its own (and Unix
    # socket paths are limited to 107 bytes, so it lives in /tmp, whatever --out is).
    with capped_folder(SOCKET_FOLDER_PREFIX, SOCKET_FOLDER_MB) as socket_dir:
        work_dir.mkdir(parents=True)
        context = multiprocessing.get_context("forkserver")
        return _run_worker(context, submission, slot, work_dir, socket_dir, template, settings, due, stop)


def _run_worker(context, submission, slot, work_dir, socket_dir, template, settings, due, stop):
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
        "timestamp": submission.timestamp,
        "due": due,
        "timeout": settings.timeout,
        "cell_timeout": settings.cell_timeout,
        "judge_timeout": settings.judge_timeout,
        "memory_mb": settings.memory_mb,
        "late_penalty": settings.late_penalty,
        "run_experiments": settings.run_experiments,
    }
    process = context.Process(target=grade_submission, args=(job,), daemon=True)
    started = time.monotonic()
    job["started_at"] = time.time()
    process.start()
    # Waits in short steps, so that Ctrl-C stops every worker within a second.
    while process.is_alive() and not stop.is_set() and time.monotonic() - started < settings.timeout:
        process.join(0.2)
    if process.is_alive() or stop.is_set():
        process.kill()  # its sandboxes go with it (bwrap --die-with-parent)
        process.join()
        if stop.is_set():
            return None
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
    """CLI entry: exit 0 when every submission got a grade, 1 when some could not be graded,
    2 on wrong input or setup errors, 130 (Ctrl-C) or 143 (SIGTERM) when interrupted."""
    settings = Settings(jobs=args.jobs, timeout=args.timeout, cell_timeout=args.cell_timeout,
                        judge_timeout=args.judge_timeout, memory_mb=args.memory, late_penalty=args.late_penalty,
                        run_experiments=args.run_experiments, scheduler=args.scheduler,
                        tls_ca_file=getattr(args, "tls_ca_file", None), tls_cert_file=getattr(args, "tls_cert_file", None),
                        tls_key_file=getattr(args, "tls_key_file", None), insecure=getattr(args, "insecure", False))
    try:
        roster = getattr(args, "roster", None)
        selection = Selection(students=tuple(args.student or ()), assignments=tuple(args.assignment or ()),
                              force=args.force, due=parse_due(args.due or ()),
                              owners=Owners.parse(getattr(args, "owners", None)),
                              roster=Roster.load(roster) if roster else None)
        outcome = autograde(args.submissions, args.out, settings, selection)
    except Interrupted as stopped:
        if stopped.reports_written:
            print(f"grader: stopped by {stopped.signal_name}: {stopped.graded} submissions graded in this run were "
                  f"kept and {args.out}/grades.csv written; run the same command again to grade the {stopped.left} left",
                  file=sys.stderr)
        else:
            print(f"grader: stopped by {stopped.signal_name} before grading began; nothing was changed", file=sys.stderr)
        return 128 + signal.Signals[stopped.signal_name].value
    except (OSError, SandboxUnavailable, WrongInput, IdentityError, records.FolderBusy) as error:  # one clear line
        print(f"grader: {error}", file=sys.stderr)
        return 2
    rows = outcome.rows
    failed = [row for row in rows if row["status"] == "grader_error"]
    counts = Counter(row["status"] for row in rows)
    summary = ", ".join(f"{count} {status}" for status, count in counts.most_common())
    print(f"{len(rows)} submissions ({summary}); every one has a score and a reason in {args.out}/grades.csv\n"
          f"{outcome.graded_now} graded now, {outcome.kept} kept from earlier runs (unchanged, or not selected; "
          "--force grades again)")
    for row in failed:
        print(f"  could not grade {row['student_id']}/{row['assignment']}: {row['reason']}", file=sys.stderr)
    if counts["wrong_owner"]:
        print(f"grader: {counts['wrong_owner']} inbound entries were not made by the students they name and count for "
              "nobody (their rows say who made them); if this is a copy of the exchange, whose files you own, "
              "--owners any trusts the names instead", file=sys.stderr)
    if getattr(args, "profile", False):
        print(profile.table(outcome.profiles, "where the seconds of one submission went"))
    return 1 if failed else 0


def parse_due(values):
    """``--due DATE`` (every assignment) or ``--due ASSIGNMENT=DATE``, as ``{assignment or "*": DATE}``."""
    from nbgrader.utils import parse_utc

    due = {}
    for value in values:
        assignment, _, date = value.rpartition("=") if "=" in value else ("*", "", value)
        try:
            parse_utc(date)
        except (ValueError, OverflowError):
            raise WrongInput(f"--due {value!r}: not a date (use e.g. 2026-12-01T23:59:00+01:00)") from None
        due[assignment or "*"] = date
    return due

"""``python -m grader autograde SUBMISSIONS``: grade a folder of submissions in parallel.

collect (intake/: each notebook read once, into this run's private copy) -> skip what the
output folder already holds a grade for, unchanged (plan.py) -> one process per submission, N
at a time, each with a deadline (local.py, grading/process.py: nbgrader autograde with a sandboxed kernel, the judge,
feedback) -> as each finishes: its result checked (grading/contract.py), its files, its gradebook rows, its
record (keep.py) -> report (records/report.py: grades.csv, grades_by_cell.csv from every record and gradebook.db)
-> the class report (class_report/: report.html, mistakes.csv, similarity.csv).
A submission that cannot be graded gets 0 and a reason; it never stops the others. Submitted
files are only read, once. Ctrl-C or SIGTERM stops the workers, keeps what finished and writes the
reports for it; the same command then resumes.
"""

import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tqdm import tqdm

from grader.class_report.build import report_after_grading
from grader.course import assignment_ids, generate_assignments, max_scores, quiet_nbgrader
from grader.grading.contract import checked_result
from grader.handout.exercises import refuse_unjudged_test_cells
from grader.intake.collect import collect
from grader.intake.identity import Owners, Roster
from grader.intake.snapshots import Snapshots
from grader.intake.submission import WrongInput
from grader.records import gradebook, store as records
from grader.records.report import keep_result_files, write_reports
from grader.run.cluster import grade_on_cluster
from grader.run.interrupts import Interrupted, stop_on_signals
from grader.run.keep import add_profile, keep_decided, keep_graded
from grader.run.local import check_sandbox, grade_here, SOCKET_FOLDER_PREFIX, start_forkserver
from grader.run.plan import (fingerprinted_settings, given_due_dates, plan_grading, refuse_nested,
                             wanted_submissions)
from grader.sandbox.host import remove_orphaned_folders, slot_folder


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


def autograde(submissions_dir, out, settings=Settings(), selection=Selection()):
    """Grade the submissions at ``submissions_dir`` into ``out``; returns an :class:`Outcome`."""
    # Absolute: these paths are bound into the sandbox, which has its own working directory.
    # Not resolved: a symbolic link given as a notebook must reach collect, which refuses it.
    submissions_dir, out = Path(submissions_dir).absolute(), Path(out).resolve()
    if not submissions_dir.exists():
        raise FileNotFoundError(f"{submissions_dir} does not exist")
    refuse_nested(submissions_dir, out)
    with stop_on_signals() as stop:
        check_sandbox()
        refuse_unjudged_test_cells(assignment_ids())  # a test cell the judge cannot re-check: nothing graded
        if not settings.scheduler:
            os.close(slot_folder())  # another user's folder in its place stops the run here, with why
        quiet_nbgrader()
        with _output_folder(out) as work_root:
            snapshots = Snapshots(work_root / "snapshots")  # each notebook read once, here
            found = wanted_submissions(collect(submissions_dir, set(assignment_ids()), snapshots, selection.owners,
                                    selection.roster), selection)  # wrong input stops here
            earlier = records.load_records(out)
            given_due = given_due_dates(selection.due, assignment_ids())
            due = {**gradebook.due_dates_in(out / "gradebook.db", assignment_ids()), **given_due}
            in_gradebook = set(gradebook.final_grades(out / "gradebook.db"))
            to_grade, decided = plan_grading(found, earlier, selection.force, fingerprinted_settings(settings, due), in_gradebook)
            kept, interrupted, profiles = dict(decided), None, []
            try:
                keep_decided(out, decided, earlier)
                for record in _grade_all(to_grade, work_root, out, settings, given_due, stop, earlier, profiles):
                    kept[(record["student"], record["assignment"])] = record
            except Interrupted as error:
                interrupted = error
            finally:
                with stop.deferred():
                    # Also when grading failed (a Dask scheduler lost, a full disk): what finished is reported.
                    rows = write_reports(out, {**earlier, **kept}.values())
                    report_after_grading(out)  # under the lock; a failure is one line on stderr, nothing more
    if interrupted:
        graded = sum(1 for s in to_grade if (s.student, s.assignment) in kept)
        raise Interrupted(interrupted.signal_name, graded, len(to_grade) - graded, reports_written=True)
    return Outcome(rows, graded_now=len(to_grade), kept=len(rows) - len(kept), profiles=profiles)


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
        results = grade_on_cluster(settings.scheduler, submissions, work_root, settings, due_dates, stop.event)
    else:
        results = grade_here(submissions, template, work_root, settings, due_dates)
    db = gradebook.open_gradebook(out / "gradebook.db")
    try:
        with tqdm(total=len(submissions), desc="grading", unit="submission", disable=not settings.progress) as bar:
            for finished in results:
                if finished is not None:
                    index, submission, result = finished
                    with stop.deferred():
                        kept_at = time.perf_counter()
                        result = checked_result(result, max_scores(submission.assignment), work_root / f"{index:05d}")
                        record = keep_graded(out, db, submission, keep_result_files(out, submission, result), earlier)
                        shutil.rmtree(work_root / f"{index:05d}", ignore_errors=True)
                        add_profile(profiles, result, time.perf_counter() - kept_at)
                        yield record
                    bar.update()
                stop.raise_if_set()
    finally:
        results.close()  # stops what still runs: local grading processes are killed, Dask tasks cancelled
        db.close()

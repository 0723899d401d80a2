"""The grades of an output folder, kept as a system of record.

An output folder (``--out``) holds every grade it was ever given, whatever subset of
students or assignments a run grades:

- ``records/``: one JSON file per (student, assignment), what the grader concluded:
  status, reason, per-cell scores, submission time and lateness, and a fingerprint of
  what was graded (the notebook's bytes, its timestamp, the assignment's source
  notebook). grades.csv and grades_by_cell.csv are written from all of them (report.py).
  A record is written last, once the submission's files and gradebook rows are in
  place, so a record on disk means that submission is done: an interrupted run resumes
  from the records, and a rerun skips what has not changed (:func:`unchanged`).
- ``gradebook.db``: nbgrader's sqlite gradebook, changed in place for the submissions
  graded now and only those; a manual grade an instructor gave in formgrader to any
  other submission is never touched.

The one rule on scores lives here too (:func:`apply_verdicts`): a test cell keeps
nbgrader's points only where the judge agrees.
"""

import functools
import hashlib
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

from grader.course import COURSE_ID, source_notebook
from grader.report import replacing

RECORDS = "records"
# Statuses that say a submission is absent; they never replace a grade given before.
ABSENT = ("missing", "not_submitted")
# Outcomes a rerun keeps when nothing changed; a grader_error is always tried again.
FINAL = ("graded", "invalid", "timeout")


# ---- the rule: the judge overrules nbgrader, never the other way round ----

def apply_verdicts(cells, verdicts):
    """Set each cell's ``judge`` and final ``score``: nbgrader's score stands only where the judge
    passed the exercise (or does not know it); a judge's failure sentence makes it 0."""
    for cell in cells:
        verdict = verdicts.get(cell["grade_id"])
        cell["judge"] = verdict or ("passed" if cell["grade_id"] in verdicts else "not judged")
        cell["score"] = 0.0 if verdict else cell["nbgrader_score"]
    return cells


def overruled(cells):
    """``{grade_id: the judge's sentence}`` for cells nbgrader passed and the judge failed."""
    return {c["grade_id"]: c["judge"] for c in cells if c["score"] < c["nbgrader_score"]}


def open_gradebook(path, course_id=COURSE_ID):
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{path}", course_id)


def record_overrides(db_path, assignment, student, cells):
    """In a gradebook holding this submission, a cell the judge overruled gets manual score 0,
    so nbgrader (its feedback page, formgrader, ``nbgrader export``) shows the final score."""
    with open_gradebook(db_path) as gb:
        for grade_id in overruled(cells):
            gb.find_grade(grade_id, assignment, assignment, student).manual_score = 0.0
        gb.db.commit()


def lateness(gb, assignment, student):
    """``(timestamp, seconds_late, late_penalty)`` nbgrader recorded for a submission, from an open gradebook."""
    submission = gb.find_submission(assignment, student)
    penalty = float(submission.late_submission_penalty or 0.0)
    stamp = submission.timestamp.isoformat() if submission.timestamp else None
    return stamp, float(submission.total_seconds_late or 0.0), penalty


def final_score(cells, late_penalty=0.0):
    """What nbgrader export calls ``score``: the cells' sum less any late penalty, never below 0."""
    return max(0.0, sum(cell["score"] for cell in cells) - late_penalty)


# ---- records/: what each submission got ----

def record_key(student, assignment):
    """The file name of a record: a hash, since student and assignment names are submitted (hostile) text."""
    return hashlib.sha256(f"{student}\0{assignment}".encode("utf-8", "backslashreplace")).hexdigest()[:32]


def fingerprint(submission):
    """What a grade was given for: the notebook's bytes, its submission time, the assignment's source."""
    digest = hashlib.sha256()
    with open(submission.notebook, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    digest.update(f"\0{submission.timestamp or ''}\0{_source_digest(submission.assignment)}".encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=None)
def _source_digest(assignment):
    """Read once per assignment, not once per submission of it."""
    return hashlib.sha256(source_notebook(assignment).read_bytes()).hexdigest()


def load_records(out):
    """Every record in ``out``: ``{(student, assignment): record}``. A record that cannot be read
    is reported and left in place (never deleted): its row is missing until the submission is regraded."""
    records = {}
    folder = Path(out) / RECORDS
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            record = json.loads(path.read_text())
            records[(record["student"], record["assignment"])] = record
        except (OSError, ValueError, KeyError, TypeError) as error:
            print(f"grader: record {path} cannot be read ({error}); regrade that submission", flush=True)
    return records


def save_record(out, record):
    folder = Path(out) / RECORDS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record_key(record['student'], record['assignment'])}.json"
    with replacing(path) as partial:
        partial.write_text(json.dumps(record, indent=1, sort_keys=True))


def unchanged(record, submission_fingerprint):
    """True when a rerun may keep ``record``: a final outcome for these same bytes."""
    return bool(record) and record.get("status") in FINAL and record.get("fingerprint") == submission_fingerprint


def now():
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---- gradebook.db: nbgrader's view of the same grades ----

def prepare_course_folder(out, template, assignments, due_dates):
    """Make ``out`` an nbgrader course folder for ``assignments``: ``source/<assignment>/`` and
    their definitions (notebooks, cells, points) in ``out/gradebook.db``, created from the
    template's if there is none yet. A due date given now replaces the gradebook's; without one
    the gradebook's own (an earlier ``--due``, or ``nbgrader db assignment add --duedate``) stands.
    Returns ``{assignment: due date or None}``, the due dates grading uses."""
    out, template = Path(out), Path(template)
    db = out / "gradebook.db"
    if not db.exists():
        with replacing(db) as partial:
            shutil.copyfile(template / "gradebook.db", partial)
    used = {}
    with open_gradebook(template / "gradebook.db") as source, open_gradebook(db) as target:
        for assignment in assignments:
            _copy_definition(source, target, assignment)
            row = target.find_assignment(assignment)
            if due_dates.get(assignment):
                row.duedate = due_dates[assignment]
            used[assignment] = row.duedate
        target.db.commit()
    for assignment in assignments:
        folder = out / "source" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template / "source" / assignment / f"{assignment}.ipynb", folder / f"{assignment}.ipynb")
    return used


def _copy_definition(source, target, assignment):
    """An assignment's notebook and cells, as nbgrader's generate_assignment saved them, into another gradebook."""
    target.update_or_create_assignment(assignment)
    notebook = source.find_notebook(assignment, assignment)
    target.update_or_create_notebook(assignment, assignment, kernelspec=notebook.kernelspec)
    for cell in notebook.grade_cells:
        target.update_or_create_grade_cell(cell.name, assignment, assignment,
                                           max_score=cell.max_score, cell_type=cell.cell_type)
    for cell in notebook.solution_cells:
        target.update_or_create_solution_cell(cell.name, assignment, assignment)
    for cell in notebook.task_cells:
        target.update_or_create_task_cell(cell.name, assignment, assignment,
                                          max_score=cell.max_score, cell_type=cell.cell_type)
    for cell in notebook.source_cells:
        target.update_or_create_source_cell(cell.name, assignment, assignment, cell_type=cell.cell_type,
                                            locked=cell.locked, source=cell.source, checksum=cell.checksum)


def sync(gb, record):
    """Make an open gradebook agree with ``record``: a graded submission's scores go in
    (:func:`write_submission`); for any other outcome the student is listed with no submission,
    so ``nbgrader export`` gives the same 0 as grades.csv, and a submission graded before is removed."""
    from nbgrader.api import MissingEntry

    if record["status"] == "graded":
        write_submission(gb, record)
        return
    gb.update_or_create_student(record["student"])
    try:
        gb.remove_submission(record["assignment"], record["student"])
    except MissingEntry:
        pass
    gb.db.commit()


def write_submission(gb, record):
    """One graded submission's scores into an open gradebook, as nbgrader's autograde leaves them:
    auto_score is nbgrader's own; where the judge overruled it, manual_score 0, so ``grade.score``
    is the final score; the submission time and late penalty as nbgrader recorded them."""
    student, assignment = record["student"], record["assignment"]
    gb.update_or_create_student(student)
    stamp = datetime.fromisoformat(record["timestamp"]) if record.get("timestamp") else None
    gb.update_or_create_submission(assignment, student, timestamp=stamp)
    cells = {c["grade_id"]: c for c in record["cells"]}
    notebook = gb.find_submission_notebook(assignment, assignment, student)
    for grade in notebook.grades:
        cell = cells.get(grade.name, {"nbgrader_score": 0.0, "score": 0.0})
        grade.auto_score = cell["nbgrader_score"]
        grade.manual_score = cell["score"] if cell["score"] != cell["nbgrader_score"] else None
        grade.needs_manual_grade = False
    notebook.late_submission_penalty = record.get("late_penalty") or None
    gb.db.commit()

"""gradebook.db: nbgrader's sqlite gradebook in the output folder, the one truth for grades.

An output folder (``--out``) is an nbgrader course folder. Its gradebook holds the scores of
every graded submission, changed in place for the submissions graded now and only those; a
manual grade (or extra credit, or comment) an instructor gives in formgrader lives here too,
and grades.csv, grades_by_cell.csv and every export are rebuilt from it (:func:`final_grades`,
report.py). The grader never silently overwrites an instructor's manual grade: regrading the
same notebook keeps it; grading a changed notebook replaces it and says so
(:func:`write_submission`). What the grader itself concluded is in records/ (store.py).

The one rule on scores lives here too (:func:`apply_verdicts`): a test cell keeps
nbgrader's points only where the judge agrees.
"""

import shutil
import sys
from datetime import datetime
from pathlib import Path

from grader.course import COURSE_ID
from grader.records.atomic import replacing
from grader.status import Status


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


def due_dates_in(db_path, assignments):
    """``{assignment: due date or None}`` as the gradebook at ``db_path`` holds them (read only)."""
    from nbgrader.api import MissingEntry

    if not Path(db_path).exists():
        return {}
    dates = {}
    with open_gradebook(db_path) as gb:
        for assignment in assignments:
            try:
                dates[assignment] = gb.find_assignment(assignment).duedate
            except MissingEntry:
                pass
    return dates


def sync(gb, record, earlier=None):
    """Make an open gradebook agree with ``record``: a graded submission's scores go in
    (:func:`write_submission`); for any other outcome the student is listed with no submission,
    so ``nbgrader export`` gives the same 0 as grades.csv, and a submission graded before is removed
    (saying so when it carried an instructor's manual grades). ``earlier`` is the record it replaces."""
    from nbgrader.api import MissingEntry

    if record["status"] == Status.GRADED:
        write_submission(gb, record, earlier)
        return
    gb.update_or_create_student(record["student"])
    try:
        manual = _instructor_grades(gb.find_submission_notebook(record["assignment"], record["assignment"],
                                                                record["student"]), earlier)
        gb.remove_submission(record["assignment"], record["student"])
        if manual:
            _say(f"{record['student']}/{record['assignment']} is now {record['status']}: the manual grades of "
                 f"{', '.join(sorted(manual))} given in formgrader went with its submission")
    except MissingEntry:
        pass
    gb.db.commit()


def write_submission(gb, record, earlier=None):
    """One graded submission's scores into an open gradebook, as nbgrader's autograde leaves them:
    auto_score is nbgrader's own; where the judge overruled it, manual_score 0, so ``grade.score``
    is the final score; the submission time and late penalty as nbgrader recorded them.

    A manual score or extra credit the instructor gave (one the grader did not write: ``earlier``,
    the record it replaces, says what the grader wrote) is kept when the notebook's bytes are the
    same as then; for a changed notebook it is replaced, and the grader says so.
    """
    from nbgrader.api import MissingEntry

    student, assignment = record["student"], record["assignment"]
    gb.update_or_create_student(student)
    try:
        manual = _instructor_grades(gb.find_submission_notebook(assignment, assignment, student), earlier)
    except MissingEntry:
        manual = {}
    same_bytes = bool(earlier) and earlier.get("notebook_sha256") == record.get("notebook_sha256")
    if manual and not same_bytes:
        _say(f"{student}/{assignment} changed since it was graded: the manual grades of {', '.join(sorted(manual))} "
             "given in formgrader were for the earlier notebook and are replaced; grade them again in formgrader")
        manual = {}
    stamp = datetime.fromisoformat(record["timestamp"]) if record.get("timestamp") else None
    gb.update_or_create_submission(assignment, student, timestamp=stamp)
    cells = {c["grade_id"]: c for c in record["cells"]}
    notebook = gb.find_submission_notebook(assignment, assignment, student)
    for grade in notebook.grades:
        cell = cells.get(grade.name, {"nbgrader_score": 0.0, "score": 0.0})
        grade.auto_score = cell["nbgrader_score"]
        grade.manual_score, grade.extra_credit = manual.get(grade.name) or (
            cell["score"] if cell["score"] != cell["nbgrader_score"] else None, None)
        grade.needs_manual_grade = False
    notebook.late_submission_penalty = record.get("late_penalty") or None
    gb.db.commit()


def _instructor_grades(notebook, earlier):
    """``{grade_id: (manual_score, extra_credit)}`` of the grades in ``notebook`` the grader did not write."""
    written = {c["grade_id"]: (c["score"] if c["score"] != c["nbgrader_score"] else None, None)
               for c in (earlier or {}).get("cells", [])}
    return {grade.name: (grade.manual_score, grade.extra_credit) for grade in notebook.grades
            if (grade.manual_score, grade.extra_credit) != written.get(grade.name, (None, None))}


def _say(message):
    print(f"grader: {message}", file=sys.stderr, flush=True)


def final_grades(db_path):
    """What the gradebook at ``db_path`` says of every graded submission, read in one query:
    ``{(student, assignment): {"cells": {grade_id: score}, "late_penalty": points, "comments": [text]}}``,
    each score as nbgrader computes it (a manual score over the automatic one, plus extra credit)."""
    from nbgrader.api import (Assignment, BaseCell, Comment, Grade, SubmittedAssignment, SubmittedNotebook)

    if not Path(db_path).exists():
        return {}
    grades = {}
    with open_gradebook(db_path) as gb:
        rows = (gb.db.query(SubmittedAssignment.student_id, Assignment.name, BaseCell.name, Grade.score,
                            SubmittedNotebook.late_submission_penalty)
                .select_from(Grade)
                .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                .join(BaseCell, Grade.cell_id == BaseCell.id))
        for student, assignment, grade_id, score, penalty in rows:
            entry = grades.setdefault((student, assignment), {"cells": {}, "late_penalty": float(penalty or 0.0),
                                                              "comments": []})
            entry["cells"][grade_id] = float(score or 0.0)
        comments = (gb.db.query(SubmittedAssignment.student_id, Assignment.name, BaseCell.name, Comment.manual_comment)
                    .select_from(Comment)
                    .join(SubmittedNotebook, Comment.notebook_id == SubmittedNotebook.id)
                    .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                    .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                    .join(BaseCell, Comment.cell_id == BaseCell.id)
                    .filter(Comment.manual_comment.isnot(None), Comment.manual_comment != ""))
        for student, assignment, cell_name, text in comments:
            if (student, assignment) in grades:
                grades[(student, assignment)]["comments"].append(f"{cell_name}: {text}")
    return grades

"""Report: grades.csv, grades_by_cell.csv, feedback HTML, the autograded notebooks and
an nbgrader gradebook, all written to temporary names first and then renamed, so
an interrupted run leaves the previous results whole and can simply be re-run.

Every text field is cleaned on its way into a CSV file (:func:`clean_field`): a
student controls much of what reaches a reason (folder names, what their code
raises or prints), and the files are opened in spreadsheets and parsed by scripts.
"""

import csv
import io
import os
import re
import shutil
import sys
from pathlib import Path

from grader.submissions import valid_student_id

GRADE_COLUMNS = ["assignment", "student_id", "score", "max_score", "status", "reason"]
CELL_COLUMNS = ["assignment", "student_id", "grade_id", "score", "max_score", "nbgrader_score", "judge"]


def _gradebook(path):
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{path}")


def assignment_max_scores(template, assignments):
    """``{assignment: {grade_id: max_score}}`` from the template course's gradebook."""
    if not assignments:
        return {}
    with _gradebook(Path(template) / "gradebook.db") as gb:
        return {
            assignment: {cell.name: float(cell.max_score) for cell in gb.find_notebook(assignment, assignment).grade_cells}
            for assignment in assignments
        }


def write_reports(out, submissions, template, max_scores):
    """Write every report for ``submissions`` (graded or not); returns the rows of grades.csv.

    ``template`` is the course folder whose gradebook gradebook.db starts from;
    ``max_scores`` is :func:`assignment_max_scores` of it.
    """
    out = Path(out)
    rows, cell_rows = [], []
    for submission in submissions:
        result = submission.result
        cells = result.get("cells") or [
            {"grade_id": grade_id, "score": 0.0, "max_score": points, "nbgrader_score": 0.0, "judge": "not run"}
            for grade_id, points in sorted(max_scores.get(submission.assignment, {}).items())
        ]
        score = sum(cell["score"] for cell in cells)
        maximum = sum(max_scores.get(submission.assignment, {}).values())
        rows.append({"assignment": submission.assignment, "student_id": submission.student,
                     "score": _number(score), "max_score": _number(maximum),
                     "status": submission.status, "reason": submission.reason})
        for cell in cells:
            cell_rows.append({"assignment": submission.assignment, "student_id": submission.student,
                              "grade_id": cell["grade_id"], "score": _number(cell["score"]),
                              "max_score": _number(cell["max_score"]),
                              "nbgrader_score": _number(cell["nbgrader_score"]), "judge": cell["judge"]})
    try:
        _write_csv(out / "grades.csv", GRADE_COLUMNS, rows)
        _write_csv(out / "grades_by_cell.csv", CELL_COLUMNS, cell_rows)
        if max_scores:
            _write_gradebook(out / "gradebook.db", template, submissions, max_scores)
    except OSError as error:
        # A full disk must not lose the grades of this run: they go to the terminal instead.
        print(f"grader: could not write the reports in {out} ({error}); the grades of this run follow", file=sys.stderr)
        sys.stderr.write(_csv_text(GRADE_COLUMNS, rows))
        raise
    return rows


def _number(value):
    return f"{value:g}"


MAX_FIELD_CHARS = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean_field(value, limit=MAX_FIELD_CHARS):
    """One line of at most ``limit`` characters, no control characters, never read as a formula.

    Control characters (CR, LF and tabs among them) become spaces; a value that would start
    like a spreadsheet formula gets a leading apostrophe (OWASP's advice on CSV injection).
    """
    text = _CONTROL.sub(" ", str(value)).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "'" + text if text.startswith(_FORMULA_START) else text


def _atomic_copy(source, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def keep_result_files(out, submission, result):
    """Copy a graded submission's feedback page and autograded notebook into ``out`` as soon as
    it is graded (its working folder is removed right after); returns ``result`` pointing at the copies.

    A copy that fails (a full disk, say) costs that file only: the grade stays and its reason says so.
    """
    if not valid_student_id(submission.student):
        return result
    kept = dict(result)
    name = submission.assignment
    for key, target in (("feedback", out / "feedback" / submission.student / f"{name}.html"),
                        ("autograded", out / "autograded" / submission.student / f"{name}.ipynb")):
        if not result.get(key):
            if key == "feedback" and result.get("status") == "graded":
                kept["reason"] = f"{kept.get('reason', '')}; no feedback page (nbgrader could not write it)"
            continue
        try:
            _atomic_copy(Path(result[key]), target)
            kept[key] = str(target)
        except OSError as error:
            kept[key] = None
            kept["reason"] = f"{kept.get('reason', '')}; {key} file not saved ({error.strerror or error})"
    return kept


def _csv_text(columns, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({column: clean_field(row[column]) for column in columns} for row in rows)
    return buffer.getvalue()


def _write_csv(path, columns, rows):
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(_csv_text(columns, rows))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _write_gradebook(path, template, submissions, max_scores):
    """nbgrader's gradebook with every student's per-cell scores, for formgrader or nbgrader export.

    auto_score is what nbgrader's own autograde gave; where the judge overruled it,
    manual_score is 0, so ``grade.score`` (what nbgrader reports) is the final score.
    """
    partial = path.with_name(path.name + ".partial")
    shutil.copyfile(Path(template) / "gradebook.db", partial)
    with _gradebook(partial) as gb:
        for submission in submissions:
            # nbgrader export prints ids unquoted: only ids that passed the check enter the gradebook.
            if submission.assignment not in max_scores or not valid_student_id(submission.student):
                continue
            gb.update_or_create_student(submission.student)
            gb.update_or_create_submission(submission.assignment, submission.student)
            cells = {c["grade_id"]: c for c in submission.result.get("cells", [])}
            for grade_id in max_scores[submission.assignment]:
                grade = gb.find_grade(grade_id, submission.assignment, submission.assignment, submission.student)
                cell = cells.get(grade_id, {"nbgrader_score": 0.0, "score": 0.0})
                grade.auto_score = cell["nbgrader_score"]
                grade.manual_score = cell["score"] if cell["score"] != cell["nbgrader_score"] else None
                grade.needs_manual_grade = False
        gb.db.commit()
    os.replace(partial, path)

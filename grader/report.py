"""Report: grades.csv, grades_by_cell.csv, feedback HTML, the autograded notebooks and
an nbgrader gradebook, all written to temporary names first and then renamed, so
an interrupted run leaves the previous results whole and can simply be re-run."""

import csv
import io
import os
import shutil
from pathlib import Path

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
        _copy_result_files(out, submission, result)
    _write_csv(out / "grades.csv", GRADE_COLUMNS, rows)
    _write_csv(out / "grades_by_cell.csv", CELL_COLUMNS, cell_rows)
    if max_scores:
        _write_gradebook(out / "gradebook.db", template, submissions, max_scores)
    return rows


def _number(value):
    return f"{value:g}"


def _atomic_copy(source, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def _copy_result_files(out, submission, result):
    name = submission.assignment
    if result.get("feedback"):
        _atomic_copy(Path(result["feedback"]), out / "feedback" / submission.student / f"{name}.html")
    if result.get("autograded"):
        _atomic_copy(Path(result["autograded"]), out / "autograded" / submission.student / f"{name}.ipynb")


def _write_csv(path, columns, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(buffer.getvalue())
    os.replace(partial, path)


def _write_gradebook(path, template, submissions, max_scores):
    """nbgrader's gradebook with every student's per-cell scores, for formgrader or nbgrader export.

    auto_score is what nbgrader's own autograde gave; where the judge overruled it,
    manual_score is 0, so ``grade.score`` (what nbgrader reports) is the final score.
    """
    partial = path.with_name(path.name + ".partial")
    shutil.copyfile(Path(template) / "gradebook.db", partial)
    with _gradebook(partial) as gb:
        for submission in submissions:
            if submission.assignment not in max_scores:
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

"""``python -m grader report GRADES_DIR``: report.html, mistakes.csv and similarity.csv, and the same
at the end of every autograde run (:func:`report_after_grading`, which never fails the run).

The statistics come from grades.csv and grades_by_cell.csv, rebuilt first from records/ and
gradebook.db when the folder has records (so manual grades given in formgrader count); the answers
from autograded/, the templates from source/ (folder.py reads all of them, bounded).
"""

import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from grader.class_report.folder import read_folder
from grader.class_report.page import render_page
from grader.class_report.similarity import class_pairs
from grader.grading.judge import mistake_sentence
from grader.records.atomic import replacing
from grader.records.report import clean_field, write_csv, write_reports
from grader.records.store import FolderBusy, load_records, only_writer, RECORDS
from grader.status import Status

MISTAKE_COLUMNS = ["assignment", "grade_id", "mistake", "students", "share", "examples"]
SIMILARITY_COLUMNS = ["assignment", "student_a", "student_b", "similarity", "flagged"]
EXAMPLES = 3  # students named per mistake
PAIRS_PER_ASSIGNMENT = 1000  # rows of similarity.csv per assignment: the most similar pairs, every flagged one among them
NOT_NAMED = "failed, cause not named"


@dataclass
class Mistake:
    """One mistake of one test cell: ``key`` (the ``mistake`` column, "" if none was named), its
    sentence, the students who made it (sorted) and their share of those graded on the cell."""

    key: str
    sentence: str
    students: list
    share: float


@dataclass
class CellStats:
    """One test cell of an assignment: how many were graded on it, passed it, and the points lost."""

    grade_id: str
    graded: int = 0
    passed: int = 0
    points_lost: float = 0.0
    mistakes: list = field(default_factory=list)


@dataclass
class AssignmentView:
    """What the report says about one assignment; ``scores`` are fractions of the maximum (0 to 1)."""

    name: str
    statuses: Counter
    scores: list
    cells: list
    pairs: list
    answers: dict
    template: dict


def class_report(grades_dir, out=None):
    """Write report.html (at ``out``, default ``GRADES_DIR/report.html``), mistakes.csv and
    similarity.csv (in GRADES_DIR); returns the list of problems (files or rows not read)."""
    grades_dir = Path(grades_dir)
    out = Path(out) if out else grades_dir / "report.html"
    folder = read_folder(grades_dir)
    views = [_assignment_view(folder, name) for name in sorted({row["assignment"] for row in folder.grades})]
    links = os.path.relpath(grades_dir, out.resolve().parent)
    with replacing(out) as partial:
        partial.write_text(render_page(views, _student_table(folder.grades), folder, links), encoding="utf-8")
    write_csv(grades_dir / "mistakes.csv", MISTAKE_COLUMNS, _mistake_rows(views))
    write_csv(grades_dir / "similarity.csv", SIMILARITY_COLUMNS, _similarity_rows(views))
    return folder.problems


def report_after_grading(out):
    """The class report at the end of an autograde run: any failure is one line on stderr, never an exception."""
    try:
        class_report(out)
    except Exception as error:  # noqa: BLE001 -- the report must never change what grading did
        print(f"grader: the class report could not be written ({clean_field(error, 200)}); "
              f"the grades are complete; python -m grader report {out} tries again", file=sys.stderr)


def run_report(args):
    """CLI entry: 0 when the report is written; 2 with one line on stderr when it cannot be."""
    grades_dir, out = args.grades_dir, args.out
    if not grades_dir.is_dir():
        print(f"grader report: {grades_dir} is not a folder; give the --out folder of autograde", file=sys.stderr)
        return 2
    if out and (out.suffix.lower() != ".html" or (grades_dir / "feedback").resolve() in out.resolve().parents):
        print(f"grader report: --out {out} must be an .html file outside the feedback pages", file=sys.stderr)
        return 2
    try:
        with only_writer(grades_dir):  # as at the end of a run: no autograde writes the folder meanwhile
            if (grades_dir / RECORDS).is_dir():
                write_reports(grades_dir, load_records(grades_dir).values())  # gradebook.db's scores, manual grades too
            problems = class_report(grades_dir, out)
    except (OSError, FolderBusy) as error:
        print(f"grader report: {clean_field(error, 200)}", file=sys.stderr)
        return 2
    print(f"class report written to {out or grades_dir / 'report.html'}, with mistakes.csv and "
          f"similarity.csv in {grades_dir}" + (f"; {len(problems)} files or rows could not be read (listed on the page)"
                                              if problems else ""))
    return 0


def _assignment_view(folder, name):
    """The :class:`AssignmentView` of assignment ``name``: its test cells and similarity from its
    graded submissions only (an invalid notebook failing every cell says nothing of a misconception)."""
    grades = [row for row in folder.grades if row["assignment"] == name]
    graded = {row["student_id"] for row in grades if row["status"] == Status.GRADED}
    scores = [row["score"] / row["max_score"] for row in grades
              if row["status"] == Status.GRADED and row["max_score"] > 0]
    answers = folder.answers(name, sorted(graded)) if len(graded) > 1 else {}
    template = folder.template(name) if answers else {}
    pairs = class_pairs(answers, template) if len(answers) > 1 else []
    cells = _test_cells([row for row in folder.cells if row["assignment"] == name and row["student_id"] in graded])
    return AssignmentView(name, Counter(row["status"] for row in grades), scores, cells, pairs, answers, template)


def _test_cells(rows):
    """The assignment's test cells, the one that cost the class most points first, each with its
    mistakes, the most common first (a named one before "cause not named" when as common)."""
    cells, failed = {}, defaultdict(lambda: defaultdict(set))
    for row in rows:
        cell = cells.setdefault(row["grade_id"], CellStats(row["grade_id"]))
        cell.graded += 1
        cell.passed += row["score"] >= row["max_score"]
        cell.points_lost += row["max_score"] - row["score"]
        if row["score"] < row["max_score"]:
            failed[row["grade_id"]][row["mistake"]].add(row["student_id"])
    for grade_id, by_mistake in failed.items():
        cell = cells[grade_id]
        cell.mistakes = sorted((Mistake(key, _sentence(grade_id, key), sorted(students), len(students) / cell.graded)
                                for key, students in by_mistake.items()), key=lambda m: (-len(m.students), not m.key, m.key))
    return sorted(cells.values(), key=lambda c: (-c.points_lost, c.grade_id))


def _sentence(grade_id, key):
    if not key:
        return NOT_NAMED
    return mistake_sentence(grade_id, key) or f"{key} (this course has no sentence for it)"


def _student_table(grades):
    """``(assignments, rows)``: the assignments (sorted) and per student (sorted)
    ``(student, {assignment: (score, max_score)}, total)``."""
    assignments = sorted({row["assignment"] for row in grades})
    by_student = defaultdict(dict)
    for row in grades:
        by_student[row["student_id"]][row["assignment"]] = (row["score"], row["max_score"])
    return assignments, [(student, scores, sum(score for score, _ in scores.values()))
                         for student, scores in sorted(by_student.items())]


def _mistake_rows(views):
    return [{"assignment": view.name, "grade_id": cell.grade_id, "mistake": mistake.key or NOT_NAMED,
             "students": len(mistake.students), "share": f"{mistake.share:.3f}",
             "examples": " ".join(mistake.students[:EXAMPLES])}
            for view in views for cell in view.cells for mistake in cell.mistakes]


def _similarity_rows(views):
    rows = []
    for view in views:
        shown = view.pairs[:PAIRS_PER_ASSIGNMENT] + [p for p in view.pairs[PAIRS_PER_ASSIGNMENT:] if p.flagged]
        rows += [{"assignment": view.name, "student_a": pair.student_a, "student_b": pair.student_b,
                  "similarity": f"{pair.similarity:.3f}", "flagged": "yes" if pair.flagged else "no"}
                 for pair in shown]
    return rows


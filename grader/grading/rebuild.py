"""The rebuild step: a private nbgrader course holding one submission, its notebook rebuilt from the
release with only the student's answer cells put in (matched by grade_id), its hidden tests
replaced by numbers for this submission (hidden_tests.py), its timestamp and due date.
"""

import shutil
import nbformat

from grader.grading.hidden_tests import hide_reference_code
from grader.grading.notebook import load_submission
from grader.records.gradebook import open_gradebook


MAX_ANSWER_CHARS = 100_000  # one answer cell's source


def prepare_course(course, template, job):
    """A private nbgrader course holding this one submission, rebuilt from the release, with its
    timestamp.txt and the assignment's due date, so nbgrader itself records lateness.

    Its gradebook's hidden tests carry numbers for this submission, not reference code
    (hidden_tests.py). Returns the grade_ids of answer cells the submission lacks.
    """
    student, assignment = job.student, job.assignment
    submitted_nb = load_submission(job.notebook)
    shutil.copytree(template / "source" / assignment, course / "source" / assignment)
    shutil.copy2(template / "gradebook.db", course / "gradebook.db")
    hide_reference_code(course / "gradebook.db", assignment)
    if job.due:
        from nbgrader.utils import parse_utc

        with open_gradebook(course / "gradebook.db") as gb:
            gb.update_or_create_assignment(assignment, duedate=parse_utc(job.due))
    submitted = course / "submitted" / student / assignment
    submitted.mkdir(parents=True)
    released = nbformat.read(template / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    rebuilt, lost_answers = rebuild_from_release(released, submitted_nb)
    nbformat.write(rebuilt, submitted / f"{assignment}.ipynb")
    if job.timestamp:
        (submitted / "timestamp.txt").write_text(job.timestamp)
    return lost_answers


def rebuild_from_release(released, submitted):
    """The released notebook with the student's answer cells put in, matched by grade_id.

    Everything else comes from the release: locked and test cells edited, deleted,
    duplicated, renamed or reordered, and extra cells the student added, are simply
    not taken. Only answer cells carry a student's work into grading.

    Returns
    -------
    notebook : NotebookNode
    lost : list of str
        grade_ids of answer cells the submission does not have (or holds more than
        MAX_ANSWER_CHARS in: no answer needs that much, and it would bloat every report).
    """
    answers = {}
    for cell in submitted.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id") not in answers:
            answers[meta.get("grade_id")] = cell.source if len(cell.source) <= MAX_ANSWER_CHARS else None
    rebuilt = nbformat.from_dict(released)
    lost = []
    for cell in rebuilt.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            if answers.get(meta["grade_id"]) is not None:
                cell.source = answers[meta["grade_id"]]
            else:
                lost.append(meta["grade_id"])
    return rebuilt, lost

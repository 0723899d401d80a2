"""Release fails closed: every graded test cell of a source notebook is one the judge re-checks.

The judge (grader/grading/judge.py) re-checks a test cell ``test_<name>`` against ``solutions/``
on fresh inputs only if ``<name>`` is an exercise declared for that notebook
(optim_helpers/exercises.py) with a reference in ``solutions/`` and cases in
``solutions/cases/``. A graded test cell without all three would be scored by nbgrader alone,
by tests a student can fool: release refuses to ship it and names the notebook and the cell.
"""

import nbformat

import solutions

from grader.course import source_notebook
from optim_helpers.exercises import TEST_PREFIX, exercises_of, tested_name
from solutions.cases import CASES


class UnjudgedTestCell(ValueError):
    """A graded test cell the judge could not re-check; the message names the notebook and the cell."""


def unjudged_test_cells(assignment_id):
    """``[(cell number, grade_id, why)]`` for each graded test cell of ``assignment_id``'s source
    notebook that the judge could not re-check (cells numbered from 1, as JupyterLab shows them)."""
    nb = nbformat.read(source_notebook(assignment_id), as_version=4)
    declared = {exercise.name for exercise in exercises_of(assignment_id)}
    found = []
    for number, cell in enumerate(nb.cells, start=1):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            why = _why_unjudged(str(meta.get("grade_id", "")), declared)
            if why:
                found.append((number, meta.get("grade_id"), why))
    return found


def _why_unjudged(grade_id, declared):
    name = tested_name(grade_id)
    if name is None:
        return f"its grade_id is not {TEST_PREFIX}<exercise>"
    if name not in declared:
        return f"{name!r} is not an exercise of this notebook in optim_helpers/exercises.py"
    if not callable(getattr(solutions, name, None)):
        return f"solutions/ has no reference {name}()"
    if name not in CASES:
        return f"solutions/cases/ has no cases for {name} (@cases_for)"
    return None


def refuse_unjudged_test_cells(assignment_ids):
    """Raise :class:`UnjudgedTestCell` naming every graded test cell of ``assignment_ids`` the judge could not re-check."""
    problems = [f"notebooks/{assignment}.ipynb cell {number} ({grade_id}): {why}"
                for assignment in assignment_ids for number, grade_id, why in unjudged_test_cells(assignment)]
    if problems:
        raise UnjudgedTestCell("graded test cells the judge cannot re-check, so nothing was released (declare the "
                               "exercise, its reference and its cases: README.md, Adding an exercise): "
                               + "; ".join(problems))

"""Hidden tests as the student's kernel sees them while grading: numbers, never reference code.

A source notebook's hidden tests compute their expected values inline (a loop that
computes the EWA, say). Student code can watch what its kernel runs (an IPython
``pre_run_cell`` hook, ``sys.settrace``) and print it into its own feedback, so
before each submission is graded, the hidden region of every test cell the judge
knows is replaced, in that submission's private gradebook (from which nbgrader
restores test cells), by inputs drawn fresh for this submission and the outputs
``solutions/`` gives for them, computed here, outside the sandbox. The kernel
only compares (``optim_helpers.verify``). Test cells of exercises the judge does
not know keep their hidden tests as written.
"""

import base64
import copy
import zlib

import numpy as np

import solutions

from grader.grading.judge import exercise_of
from optim_helpers import codec
from solutions.cases import CASES

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def expected_outputs(name, rng):
    """``[(args, kwargs, expected), ...]`` for exercise ``name`` on inputs drawn from ``rng``."""
    reference = getattr(solutions, name)
    return [(args, kwargs, reference(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
            for args, kwargs in CASES[name](rng)]


def data_only_source(source, name, rng):
    """``source`` with its hidden region replaced by a comparison against numbers."""
    before, _, rest = source.partition(BEGIN)
    _, _, after = rest.partition(END)
    payload = base64.b64encode(zlib.compress(codec.dumps(expected_outputs(name, rng)).encode())).decode()
    hidden = (f"{BEGIN}\nfrom optim_helpers.verify import verify_hidden as _verify_hidden\n"
              f"_verify_hidden({name}, {payload!r})\n{END}")
    return before + hidden + after


def hide_reference_code(gradebook_path, assignment, rng=None):
    """Rewrite the hidden tests of ``assignment`` in the gradebook at ``gradebook_path``; returns the grade_ids changed."""
    from nbformat.v4 import new_code_cell
    from nbgrader.api import Gradebook
    from nbgrader.utils import compute_checksum

    rng = rng or np.random.default_rng()
    changed = []
    with Gradebook(f"sqlite:///{gradebook_path}") as gb:
        notebook = gb.find_notebook(assignment, assignment)
        points = {cell.name: cell.max_score for cell in notebook.grade_cells}
        for cell in notebook.source_cells:
            name = exercise_of(cell.name)
            if name and cell.name in points and BEGIN in cell.source and END in cell.source:
                cell.source = data_only_source(cell.source, name, rng)
                # nbgrader restores a locked cell only when the stored checksum matches its source.
                cell.checksum = compute_checksum(new_code_cell(cell.source, metadata={"nbgrader": {
                    "grade_id": cell.name, "grade": True, "solution": False, "locked": cell.locked,
                    "points": points[cell.name]}}))
                changed.append(cell.name)
        gb.db.commit()
    return changed

"""``python -m grader release``: student versions of every notebook.

``OUT/<assignment_id>/<assignment_id>.ipynb`` with answers and hidden tests removed
by nbgrader, next to ``optim_helpers/`` and ``data/``. Nothing is released while a graded test cell
is one the judge could not re-check (exercises.py).
"""

import shutil
import tempfile
from pathlib import Path

from grader.course import assignment_ids, generate_assignments
from grader.handout.exercises import refuse_unjudged_test_cells


def release(out, ids=None):
    """Release ``ids`` (default: all notebooks) into ``out``; returns the released notebook paths.
    Raises :class:`grader.handout.exercises.UnjudgedTestCell` before anything is written if a graded
    test cell is one the judge could not re-check."""
    ids = list(ids or assignment_ids())
    refuse_unjudged_test_cells(ids)
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="grader-release-") as course_dir:
        released = generate_assignments(course_dir, ids)
        paths = []
        for assignment_id in ids:
            target = out / assignment_id
            staging = out / f".{assignment_id}.partial"
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(released / assignment_id, staging)
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)  # a reader never sees a half-written release
            paths.append(target / f"{assignment_id}.ipynb")
    return paths

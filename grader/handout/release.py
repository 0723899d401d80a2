"""``python -m grader release``: student versions of every notebook.

``OUT/<assignment_id>/<assignment_id>.ipynb`` with answers and hidden tests removed
by nbgrader, next to ``optim_helpers/`` and ``data/``.
"""

import shutil
import tempfile
from pathlib import Path

from grader.course import assignment_ids, generate_assignments


def release(out, ids=None):
    """Release ``ids`` (default: all notebooks) into ``out``; returns the released notebook paths."""
    ids = list(ids or assignment_ids())
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

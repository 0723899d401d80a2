"""``python -m grader``: release the course, autograde submissions, build a learner workspace.

The pipeline is nbgrader's own (source -> release -> submitted -> autograded ->
feedback, with its sqlite gradebook); this package drives it so an instructor
never writes nbgrader config, and runs every submission in a sandbox.
"""

import sys as _sys
from pathlib import Path as _Path

# The grader's trusted copy of optim_helpers (codec, the comparison behind check()).
_NOTEBOOKS = str(_Path(__file__).resolve().parent.parent / "notebooks")
if _NOTEBOOKS not in _sys.path:
    _sys.path.insert(0, _NOTEBOOKS)

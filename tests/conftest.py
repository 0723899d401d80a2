"""Shared test setup: import paths and the nbgrader helpers every notebook test needs."""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
for path in (REPO, NOTEBOOKS):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

# Kernels started by nbval and nbclient inherit this: figures need no display.
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: drives JupyterLab in headless chromium (tests/test_e2e_lab.py); "
                                       "select with -m e2e, leave out with -m 'not e2e'")

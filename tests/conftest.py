"""Shared test setup. solutions, grader and optim_helpers are installed into the venv (pyproject.toml)."""

import os

# Kernels started by nbval and nbclient inherit this: figures need no display.
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: drives JupyterLab in headless chromium (tests/test_e2e_lab.py); "
                                       "select with -m e2e, leave out with -m 'not e2e'")

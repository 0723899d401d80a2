"""Preloaded by the forkserver that forks every grading process (autograde.py): the worker's
modules are imported and its first-use costs paid once, then inherited by each fork."""

import traceback

from grader.worker import warm_up

try:
    warm_up()
except Exception:  # noqa: BLE001 - only slower without it; a failure here must not stop the forkserver
    traceback.print_exc()

"""What a grading process (or a Dask worker) sends back, checked before anything is written.

A local grading process is the grader's own code, but it reads what the sandbox sends; a Dask
worker is another machine. Either way the parent takes a result only in the shape it expects:
a known status, one entry per graded cell of the assignment with scores between 0 and the
cell's points, finite lateness, text fields, and files only inside that submission's own
working folder. Anything else becomes a ``grader_error`` for that submission, with the reason,
and nothing of it is written (:func:`checked_result`).
"""

import math
from datetime import datetime
from pathlib import Path

from grader.records.store import bounded, GRADING_STATUSES

# What a worker may send back, per file: three bytes per output character a graded notebook keeps
# (preprocessors.MAX_NOTEBOOK_OUTPUT_CHARS, 10 million). Real ones are far below: a notebook with every
# output at that bound (tests/grader_corpus.py's bloats_outputs) gives a 9.9 MB notebook and a 10.1 MB
# page, an ordinary one 25 kB and 160 kB.
MAX_RETURNED_FILE_BYTES = 30_000_000
RETURNED_FILES = {"autograded": ".ipynb", "feedback": ".html"}
MAX_RESULT_BYTES = 8 * 1024 * 1024
MAX_REASON = 2000  # cleaned to 300 characters later; a longer one is not a result this grader writes
FILE_KEYS = ("autograded", "feedback")
RESULT_KEYS = frozenset({"status", "reason", "cells", "timestamp", "seconds_late", "late_penalty",
                         "autograded", "feedback", "profile"})


class MalformedResult(ValueError):
    """The result is not one the grader's own worker writes (records.bounded raises a ValueError too)."""


def checked_result(result, points, work_dir):
    """``result`` if it is sound for an assignment whose graded cells are ``points`` (``{grade_id: max}``)
    and whose files are under ``work_dir``; else a ``grader_error`` result saying what was wrong."""
    try:
        return _checked(result, points, Path(work_dir).resolve())
    except ValueError as problem:
        return {"status": "grader_error", "cells": [],
                "reason": f"the grading process returned a result that cannot be right ({problem}); nothing of it "
                          "was kept (a broken or rogue worker)"}


def _checked(result, points, work_dir):
    if not isinstance(result, dict):
        raise MalformedResult("not an object")
    status = result.get("status")
    if status not in GRADING_STATUSES:
        raise MalformedResult("unknown status")
    if not isinstance(result.get("reason", ""), str) or len(result.get("reason", "")) > MAX_REASON:
        raise MalformedResult("reason is not short text")
    cells = result.get("cells") or []
    if not isinstance(cells, list):
        raise MalformedResult("cells is not a list")
    seen = set()
    for cell in cells:
        grade_id = cell.get("grade_id") if isinstance(cell, dict) else None
        if grade_id not in points or grade_id in seen:
            raise MalformedResult("a cell that is not one of the assignment's graded cells")
        seen.add(grade_id)
        for name in ("score", "nbgrader_score"):
            bounded(cell.get(name), 0.0, points[grade_id], f"{grade_id}'s {name}")
        for name in ("judge", "mistake"):
            if not isinstance(cell.get(name, ""), str) or len(cell.get(name, "")) > MAX_REASON:
                raise MalformedResult(f"{grade_id}'s {name} is not short text")
    if status == "graded" and seen != set(points):
        raise MalformedResult("graded, but not every graded cell has a score")
    bounded(result.get("seconds_late") or 0.0, 0.0, math.inf, "seconds_late")
    bounded(result.get("late_penalty") or 0.0, 0.0, sum(points.values()), "late_penalty")
    stamp = result.get("timestamp")
    if stamp is not None:
        try:
            datetime.fromisoformat(stamp)
        except (TypeError, ValueError):
            raise MalformedResult("timestamp is not a time") from None
    for key in FILE_KEYS:
        path = result.get(key)
        if path is not None and (not isinstance(path, str) or work_dir not in Path(path).resolve().parents):
            raise MalformedResult(f"its {key} file is not in its own working folder")
    return result

"""The judge: re-checks each exercise where student code cannot tamper with the verdict.

nbgrader scores a test cell by looking at the outputs of the student's own kernel,
which student code controls (it can hide tracebacks, patch assert helpers, return
objects whose ``__eq__`` is always True). The judge runs the student's answer cells
again in a fresh sandbox, calls each exercise on inputs drawn here, fresh for every
submission, and compares the plain numbers that come back with ``solutions/``
outside the sandbox. A test cell keeps nbgrader's score only if the judge agrees.
"""

import copy
import json
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np

import solutions
from grader.sandbox import bwrap_command, open_to_sandbox
from optim_helpers import codec
from optim_helpers.checks._core import explain_difference
from solutions.cases import CASES

HARNESS = Path(__file__).resolve().parent / "harness.py"
MAX_OUTPUT_BYTES = 32 * 1024 * 1024
TEST_PREFIX = "test_"


def exercise_of(grade_id):
    """``test_ewa`` -> ``ewa`` when the judge knows the exercise, else None."""
    name = grade_id[len(TEST_PREFIX):] if grade_id.startswith(TEST_PREFIX) else None
    return name if name in CASES else None


def code_to_rerun(nb):
    """Sources of the answer cells and of the course's read-only, ungraded code cells, in order."""
    sources = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and (meta.get("solution") or (meta.get("locked") and not meta.get("grade"))):
            sources.append(cell.source)
    return sources


def judge(nb, grade_ids, assignment_dir, scratch_dir, limits, seconds_per_exercise):
    """Verdicts ``{grade_id: None if the exercise is right, else the reason}`` for known exercises.

    Parameters
    ----------
    nb : NotebookNode
        The autograded notebook (locked cells already restored by nbgrader).
    grade_ids : iterable of str
        Test cells to judge; those whose exercise the judge does not know are skipped.
    assignment_dir : Path
        Folder with ``optim_helpers/`` (the course's copy), bound read-only.
    scratch_dir : Path
        Empty folder: ``in/`` (job and harness, bound read-only) and ``out/`` (read-write).
    limits : Limits
    seconds_per_exercise : float
        Wall-clock limit for all the calls of one exercise.
    """
    exercises = {grade_id: exercise_of(grade_id) for grade_id in grade_ids if exercise_of(grade_id)}
    if not exercises:
        return {}
    rng = np.random.default_rng()
    cases = {name: CASES[name](rng) for name in sorted(set(exercises.values()))}
    scratch_dir = Path(scratch_dir)
    out_dir = scratch_dir / "out"
    open_to_sandbox(out_dir)
    job = {"cells": code_to_rerun(nb), "cases": {name: codec.dumps(c) for name, c in cases.items()},
           "seconds_per_exercise": seconds_per_exercise}
    (scratch_dir / "in").mkdir()
    (scratch_dir / "in" / "job.json").write_text(json.dumps(job))
    shutil.copy(HARNESS, scratch_dir / "in" / "harness.py")
    command = bwrap_command(assignment_dir, [out_dir], limits, readonly_dirs=[scratch_dir / "in"]) + [
        "python", str(scratch_dir / "in" / "harness.py"), str(scratch_dir / "in" / "job.json"), str(out_dir),
    ]
    _run_with_deadlines(command, out_dir / "ready", seconds_per_exercise, len(cases))
    return {grade_id: _compare(name, cases[name], _read_outputs(out_dir / f"{name}.json"))
            for grade_id, name in exercises.items()}


def _run_with_deadlines(command, ready_marker, seconds_per_exercise, exercises):
    """Run the harness: its answer cells get one ``seconds_per_exercise`` to finish, each exercise
    another (the harness enforces those); whatever was written in time is judged."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    started = time.monotonic()
    cells_deadline = started + seconds_per_exercise + 5
    final_deadline = started + seconds_per_exercise * (exercises + 1) + 10
    while process.poll() is None:
        now = time.monotonic()
        if now > final_deadline or (now > cells_deadline and not ready_marker.exists()):
            process.kill()
        time.sleep(0.02)


def _read_outputs(path):
    if not path.is_file() or path.stat().st_size > MAX_OUTPUT_BYTES:
        return None
    try:
        return json.loads(path.read_text())
    except ValueError:
        return None


def _compare(name, cases, outputs):
    if outputs is None:
        return f"{name} did not finish when re-checked (time limit, crash, os._exit or memory)"
    if not isinstance(outputs, list) or len(outputs) != len(cases):
        return f"{name} could not be re-checked (no answer for every input)"
    reference = getattr(solutions, name)
    for (args, kwargs), output in zip(cases, outputs):
        if not isinstance(output, dict) or "value" not in output:
            error = output.get("error", "no result") if isinstance(output, dict) else "no result"
            return f"{name} failed on fresh inputs: {str(error)[:200]}"
        try:
            value = codec.loads(output["value"])
            inputs_after = codec.loads(output["inputs_after"])
        except (ValueError, KeyError, TypeError) as error:
            return f"{name} returned something that is not numbers ({type(error).__name__})"
        expected = reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        difference = explain_difference(value, expected, "the result")
        if difference:
            return f"{name} is wrong on fresh inputs: {difference}"
        if explain_difference(inputs_after, [list(args), kwargs], "the inputs"):
            return f"{name} modified its inputs in place"
    return None

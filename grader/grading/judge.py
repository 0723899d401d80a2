"""The judge: re-checks each exercise where student code cannot tamper with the verdict.

nbgrader scores a test cell by looking at the outputs of the student's own kernel,
which student code controls (it can hide tracebacks, patch assert helpers, return
objects whose ``__eq__`` is always True). The judge runs the student's answer cells
again in a fresh sandbox, calls each exercise on inputs drawn here, fresh for every
submission, and compares the plain numbers that come back with ``solutions/``
outside the sandbox. A test cell keeps nbgrader's score only if the judge agrees.

For each exercise it fails, the judge also names the mistake that reproduces the student's
outputs on every one of its inputs, with check()'s engine (optim_helpers/checks/_engine.py):
the registered mistakes and the generated ones of that exercise's fixture, run here on the same
fresh inputs. The sandbox only returns outputs; all matching happens here. It is recorded in
grades_by_cell.csv's ``mistake`` column as ``registry:<id>`` (a mistake of solutions/cases),
``generated:<id>`` (a mistake generated from the reference, an 8-digit hash stable across runs;
its sentence is in the fixture's ``generated``) or ``behaviour:mutates_input``, and is empty when
nothing reproduces the outputs: short, stable values a class report can count
(:func:`mistake_sentence` gives each one's sentence).
"""

import copy
import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np

import solutions

from grader.sandbox import harness
from grader.sandbox.bwrap import bwrap_command, SANDBOX_SITE
from grader.sandbox.harness import without_magics
from optim_helpers import codec
from optim_helpers.checks import _engine as engine
from optim_helpers.checks._core import BEHAVIOUR_MISTAKES, load_fixture, mistake_message
from optim_helpers.compare import explain_difference
from optim_helpers.exercises import exercise_tested_by
from solutions import mutants
from solutions.cases import CASES

HARNESS = Path(harness.__file__)
DEFERRED_MATPLOTLIB = SANDBOX_SITE / "deferred_matplotlib.py"
MAX_OUTPUT_BYTES = 16 * 1024 * 1024  # all the harness may send back; past it, the harness is stopped


def exercise_of(grade_id):
    """``test_ewa`` -> ``ewa`` when the judge knows the exercise (declared, with cases), else None."""
    name = exercise_tested_by(grade_id)
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
    """``(verdicts, mistakes)`` for known exercises: ``{grade_id: None if the exercise is right, else
    the reason}``, and ``{grade_id: the mistake reproduced}`` for those it fails where one is (see
    the module's docstring).

    Parameters
    ----------
    nb : NotebookNode
        The autograded notebook (locked cells already restored by nbgrader).
    grade_ids : iterable of str
        Test cells to judge; those whose exercise the judge does not know are skipped.
    assignment_dir : Path
        The released assignment (notebook without answers or hidden tests, ``optim_helpers/``,
        ``data/``), bound read-only: nothing there is worth reading.
    scratch_dir : Path
        Empty folder for the job and the harness, bound read-only; the harness writes nothing.
    limits : Limits
    seconds_per_exercise : float
        Wall-clock limit for all the calls of one exercise.
    """
    exercises = {grade_id: exercise_of(grade_id) for grade_id in grade_ids if exercise_of(grade_id)}
    if not exercises:
        return {}, {}
    rng = np.random.default_rng()
    cases = {name: CASES[name](rng) for name in sorted(set(exercises.values()))}
    scratch_dir = Path(scratch_dir)
    scratch_dir.mkdir(parents=True, exist_ok=True)
    cells = code_to_rerun(nb)
    job = {"cells": cells, "cases": {name: codec.dumps(c) for name, c in cases.items()},
           "seconds_per_exercise": seconds_per_exercise}
    (scratch_dir / "job.json").write_text(json.dumps(job))
    shutil.copy(HARNESS, scratch_dir / "harness.py")
    shutil.copy(DEFERRED_MATPLOTLIB, scratch_dir / DEFERRED_MATPLOTLIB.name)
    command = bwrap_command(assignment_dir, [], limits, readonly_dirs=[scratch_dir]) + [
        "python", str(scratch_dir / "harness.py"), str(scratch_dir / "job.json"),
    ]
    records = _run_with_deadlines(command, seconds_per_exercise, len(cases))
    ready = next((r for r in records if r.get("ready") is True), {})
    outputs = {r["exercise"]: r.get("outputs") for r in records if isinstance(r.get("exercise"), str)}
    broken_cells = _cell_problems(cells, ready.get("cell_errors"))
    verdicts = {grade_id: _verdict(name, cases[name], outputs.get(name), broken_cells)
                for grade_id, name in exercises.items()}
    mistakes = {grade_id: _mistake(name, cases[name], outputs.get(name))
                for grade_id, name in exercises.items() if verdicts[grade_id]}
    return verdicts, {grade_id: mistake for grade_id, mistake in mistakes.items() if mistake}


def _run_with_deadlines(command, seconds_per_exercise, exercises):
    """Run the harness and return the records it sent: its answer cells get one
    ``seconds_per_exercise`` to finish, each exercise another (the harness enforces those);
    whatever arrived in time, and within MAX_OUTPUT_BYTES, is judged."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    received, ready = bytearray(), threading.Event()

    def read():
        while len(received) <= MAX_OUTPUT_BYTES:
            chunk = process.stdout.read1(1 << 16)
            if not chunk:
                return
            received.extend(chunk)
            if b'"ready": true' in received:
                ready.set()
        process.kill()  # it sent more than any honest answer needs

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    started = time.monotonic()
    cells_deadline = started + seconds_per_exercise + 5
    final_deadline = started + seconds_per_exercise * (exercises + 1) + 10
    while process.poll() is None:
        now = time.monotonic()
        if now > final_deadline or (now > cells_deadline and not ready.is_set()):
            process.kill()
        time.sleep(0.02)
    reader.join(timeout=5)
    process.stdout.close()
    return _records(bytes(received[:MAX_OUTPUT_BYTES]))


def _records(data):
    """The well-formed JSON objects among the lines of ``data``; anything else is ignored."""
    records = []
    for line in data.split(b"\n"):
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def _cell_problems(cells, reported):
    """One sentence per answer cell that failed when re-run, or ``[]``.

    A syntax error is found here, by compiling outside the sandbox; for an error raised
    while the cell ran, the harness's word is taken only for Python's own exception classes.
    """
    problems = []
    for source in cells:
        try:
            compile(without_magics(source), "<cell>", "exec")
        except SyntaxError as error:
            problems.append(f"a code cell has a SyntaxError at its line {error.lineno}: {error.msg}")
        except (ValueError, RecursionError, MemoryError):
            problems.append("a code cell could not be compiled")
    if not problems and isinstance(reported, list):
        for error in reported[:5]:
            if isinstance(error, dict) and isinstance(error.get("error"), str):
                problems.append(f"a code cell raised {error['error']} when run")
            elif isinstance(error, dict):
                problems.append("a code cell raised an exception of a class defined by the submission")
    return problems


def _verdict(name, cases, outputs, broken_cells):
    """None when ``outputs`` match solutions/ on every case, else why not; never raises."""
    try:
        return _compare(name, cases, outputs, broken_cells)
    except Exception:  # noqa: BLE001 - absurd values (10**30 as an int, nested 10**5 deep) fail this exercise only
        return f"{name} returned values the grader could not read as numbers"


def _compare(name, cases, outputs, broken_cells):
    if outputs is None:
        return f"{name} did not finish when re-checked (time limit, crash, os._exit, memory or too much output)"
    if not isinstance(outputs, list) or len(outputs) != len(cases):
        return f"{name} could not be re-checked (no answer for every input)"
    reference = getattr(solutions, name)
    for (args, kwargs), output in zip(cases, outputs):
        if not isinstance(output, dict):
            return f"{name} could not be re-checked (no answer for every input)"
        if output.get("undefined"):
            cause = f": {broken_cells[0]}" if broken_cells else ""
            return f"{name} is not defined after running the answer cells{cause}"
        if "value" not in output:
            kind = output.get("error")
            raised = f"raised {kind}" if isinstance(kind, str) else "raised an exception of a class it defined"
            return f"{name} {raised} on fresh inputs: {str(output.get('message', ''))[:200]}"
        value = codec.loads(output["value"])
        inputs_after = codec.loads(output["inputs_after"])
        expected = reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        difference = explain_difference(value, expected, "the result")
        if difference:
            return f"{name} is wrong on fresh inputs: {difference}"
        if explain_difference(inputs_after, [list(args), kwargs], "the inputs"):
            return f"{name} modified its inputs in place"
    return None


def _mistake(name, cases, outputs):
    """The mistake that reproduces ``outputs`` on every case (``"registry:<id>"``, ``"generated:<id>"``,
    ``"behaviour:mutates_input"``), or ``""``; never raises."""
    try:
        return _reproduced(name, cases, outputs)
    except Exception:  # noqa: BLE001 - absurd values name no mistake; the verdict already says why
        return ""


def _reproduced(name, cases, outputs):
    if not isinstance(outputs, list) or len(outputs) != len(cases) or not all(isinstance(o, dict) for o in outputs):
        return ""
    reference = getattr(solutions, name)
    probes, triples = [], []
    for (args, kwargs), output in zip(cases, outputs):
        expected = reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        if "value" in output:
            if explain_difference(codec.loads(output["inputs_after"]), [list(args), kwargs], "the inputs"):
                return "behaviour:mutates_input"
            outcome = codec.loads(output["value"])
        elif isinstance(output.get("error"), str):
            outcome = engine.Raised(output["error"])
        else:
            return ""  # undefined, or an exception class of the student's own
        probes.append(engine.Probe.of(outcome, expected))
        triples.append((args, kwargs, expected))
    table = mutants.registered_table(name, triples) + mutants.generated_table(
        name, triples, load_fixture(name)["generated"])
    found = engine.reproduced(probes, table)
    if not found:
        return ""
    return f"registry:{found[0]}" if found[0] in mutants.MISTAKES.get(name, {}) else f"generated:{found[0]}"


def mistake_sentence(grade_id, mistake):
    """What check() says about ``mistake`` (a value of the ``mistake`` column) in the test cell
    ``grade_id``, starting with the exercise's name; ``""`` for an empty or unknown value."""
    name = exercise_of(grade_id)
    source, _, mistake_id = str(mistake).partition(":")
    try:
        if source == "behaviour" and mistake_id in BEHAVIOUR_MISTAKES:
            return f"{name} " + BEHAVIOUR_MISTAKES[mistake_id].replace("its input {argument}", "an input")
        if name and source in ("registry", "generated"):
            return f"{name} {mistake_message(name, mistake_id)}"
    except (KeyError, OSError, ValueError):
        return ""
    return ""

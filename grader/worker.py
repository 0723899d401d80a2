"""Grade ONE submission: a private nbgrader course, a sandboxed kernel, the judge, feedback.

Runs in its own process (see autograde.py), so the parent can kill it at the
deadline. Student code never runs in this process: only in the sandbox.
"""

import json
import os
import re
import shutil
import traceback
from pathlib import Path

import nbformat

from grader.course import nbgrader_api
from grader.judge import judge
from grader.preprocessors import ExecuteUntilKernelFails, HideHiddenTests
from grader.sandbox import KERNEL_NAME, Limits, open_to_sandbox, write_kernelspec


def _autograde_config(cell_timeout, socket_dir):
    from nbgrader.converters.autograde import Autograde
    from nbgrader.converters.generate_feedback import GenerateFeedback
    from nbgrader.preprocessors import Execute

    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    executing = [ExecuteUntilKernelFails if pp is Execute else pp for pp in defaults]
    return {
        "Autograde.autograde_preprocessors": executing,
        "Execute.kernel_name": KERNEL_NAME,
        "Execute.timeout": int(cell_timeout),
        "Execute.interrupt_on_timeout": True,
        "KernelManager.transport": "ipc",
        "KernelManager.connection_file": str(socket_dir / "connection.json"),
        "GenerateFeedback.preprocessors": [*GenerateFeedback.class_traits()["preprocessors"].default(), HideHiddenTests],
    }


def grade_submission(job):
    """Grade ``job`` (a dict, see autograde.py) and write its result JSON atomically."""
    try:
        result = _grade(job)
    except Exception as error:  # a grader bug must cost this submission only, and say what happened
        traceback.print_exc()
        result = {"status": "grader_error", "reason": f"{type(error).__name__}: {error}"[:500], "cells": []}
    path = Path(job["result_path"])
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(result, indent=1))
    os.replace(partial, path)
    return result


def _grade(job):
    student, assignment = job["student"], job["assignment"]
    work = Path(job["work_dir"])
    course = work / "course"
    shutil.copytree(Path(job["template"]) / "source" / assignment, course / "source" / assignment)
    shutil.copy2(Path(job["template"]) / "gradebook.db", course / "gradebook.db")
    submitted = course / "submitted" / student / assignment
    submitted.mkdir(parents=True)
    released = nbformat.read(Path(job["template"]) / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    rebuilt, lost_answers = rebuild_from_release(released, nbformat.read(job["notebook"], as_version=4))
    nbformat.write(rebuilt, submitted / f"{assignment}.ipynb")

    # The wall-clock deadline is the real limit; the CPU cap only backs it up, with room for start-up.
    limits = Limits(cpu_seconds=int(job["timeout"]) + 30, memory_mb=job["memory_mb"])
    socket_dir = Path(job["socket_dir"])
    open_to_sandbox(socket_dir)
    autograded_dir = course / "autograded" / student / assignment
    os.environ["JUPYTER_PATH"] = str(work / "jupyter")
    os.environ["JUPYTER_RUNTIME_DIR"] = str(socket_dir)
    write_kernelspec(work / "jupyter", autograded_dir, socket_dir, limits)

    api = nbgrader_api(course, **_autograde_config(job["cell_timeout"], socket_dir))
    outcome = api.autograde(assignment, student, force=True, create=True)
    if not outcome["success"]:
        return {"status": "grader_error", "reason": f"nbgrader autograde failed: {_last_line(outcome)}", "cells": []}

    notebook_path = autograded_dir / f"{assignment}.ipynb"
    nb = nbformat.read(notebook_path, as_version=4)
    cells = _cell_scores(course, assignment, student)
    scratch = work / "judge"
    open_to_sandbox(scratch)
    verdicts = judge(nb, [c["grade_id"] for c in cells], autograded_dir, scratch, limits, job["cell_timeout"])
    for cell in cells:
        cell["judge"] = verdicts.get(cell["grade_id"]) or ("passed" if cell["grade_id"] in verdicts else "not judged")
        cell["score"] = 0.0 if verdicts.get(cell["grade_id"]) else cell["nbgrader_score"]
    _record_overrides(course, assignment, student, cells)

    feedback = api.generate_feedback(assignment, student, force=True)
    feedback_html = course / "feedback" / student / assignment / f"{assignment}.html"
    return {
        "status": "graded",
        "reason": _reason(nb, cells, lost_answers),
        "cells": cells,
        "autograded": str(notebook_path),
        "feedback": str(feedback_html) if feedback["success"] and feedback_html.exists() else None,
    }


def rebuild_from_release(released, submitted):
    """The released notebook with the student's answer cells put in, matched by grade_id.

    Everything else comes from the release: locked and test cells edited, deleted,
    duplicated, renamed or reordered, and extra cells the student added, are simply
    not taken. Only answer cells carry a student's work into grading.

    Returns
    -------
    notebook : NotebookNode
    lost : list of str
        grade_ids of answer cells the submission does not have.
    """
    answers = {}
    for cell in submitted.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id") not in answers:
            answers[meta.get("grade_id")] = cell.source
    rebuilt = nbformat.from_dict(released)
    lost = []
    for cell in rebuilt.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            if meta["grade_id"] in answers:
                cell.source = answers[meta["grade_id"]]
            else:
                lost.append(meta["grade_id"])
    return rebuilt, lost


def _cell_scores(course, assignment, student):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(assignment, assignment, student)
        return [
            {"grade_id": grade.name, "nbgrader_score": float(grade.score or 0.0), "max_score": float(grade.max_score)}
            for grade in sorted(notebook.grades, key=lambda g: g.name)
        ]


def _record_overrides(course, assignment, student, cells):
    """Where the judge disagrees, the gradebook gets manual score 0, so feedback shows the real score."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for cell in cells:
            if cell["score"] < cell["nbgrader_score"]:
                grade = gb.find_grade(cell["grade_id"], assignment, assignment, student)
                grade.manual_score = 0.0
        gb.db.commit()


def _reason(nb, cells, lost_answers):
    notes = []
    if lost_answers:
        notes.append(f"answer cell(s) {', '.join(lost_answers)} not found in the submission "
                     "(deleted, or their nbgrader metadata was changed)")
    for number, cell in enumerate(nb.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("ename") == "KernelFailed" and "while running" in str(output.get("evalue")):
                notes.append(f"cell {number}: {output['evalue']}; later cells were not run and scored 0")
    timed_out = [i + 1 for i, c in enumerate(nb.cells) if any(o.get("ename") == "CellTimeoutError" for o in c.get("outputs", []))]
    if timed_out:
        notes.append(f"cell(s) {', '.join(map(str, timed_out))} hit the time limit and were interrupted")
    overruled = [c["grade_id"] for c in cells if c["score"] < c["nbgrader_score"]]
    if overruled:
        details = "; ".join(f"{c['grade_id']}: {c['judge']}" for c in cells if c["grade_id"] in overruled)
        notes.append(f"passed inside the notebook but failed the independent re-check ({details})")
    passed = sum(c["score"] == c["max_score"] for c in cells)
    notes.insert(0, f"{passed}/{len(cells)} test cells passed")
    return "; ".join(notes)


def _last_line(outcome):
    """The most telling error line of nbgrader's log (its last line only says 'see the traceback above')."""
    lines = (outcome.get("log") or outcome.get("error") or "").strip().splitlines()
    errors = [line.strip() for line in lines
              if re.match(r"\s*[\w.]+(Error|Exception):", line) and "NbGraderException" not in line]
    text = errors[-1] if errors else (lines[-1].strip() if lines else "no message")
    return text[:300]

"""Grade ONE submission: a private nbgrader course, a sandboxed kernel, the judge, feedback.

Runs in its own process (started by run/local.py), so the parent can kill it at the
deadline. Student code never runs in this process: only in the sandbox.
"""

import ctypes
import json
import os
import re
import resource
import signal
import time
import traceback
from pathlib import Path
import nbformat

from grader.course import nbgrader_api, traitlets_config
from grader.grading.contract import GradingResult
from grader.grading.feedback_content import feedback_config
from grader.grading.feedback_page import harden_page
from grader.grading.judge import judge
from grader.grading.notebook import InvalidSubmission
from grader.grading.preprocessors import ExecuteUntilKernelFails, HideHiddenTests
from grader.grading.profile import StepClock
from grader.grading.rebuild import prepare_course
from grader.records.atomic import replacing
from grader.records.gradebook import apply_verdicts, lateness, open_gradebook, overruled, record_overrides
from grader.sandbox.bwrap import KERNEL_NAME, Limits, open_to_sandbox, write_kernelspec
from grader.status import Status


WORKER_MEMORY_MB = 3072  # address space of this process (not the sandbox's); see _bound_own_memory
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _autograde_config(job):
    from nbgrader.converters.autograde import Autograde
    from nbgrader.converters.generate_feedback import GenerateFeedback
    from nbgrader.preprocessors import Execute

    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    executing = [ExecuteUntilKernelFails if pp is Execute else pp for pp in defaults]
    return {
        "Autograde.autograde_preprocessors": executing,
        "Execute.kernel_name": KERNEL_NAME,
        "Execute.timeout": int(job.cell_timeout),
        "Execute.interrupt_on_timeout": True,
        # After an interrupt, how long an interrupted kernel may take to say it is idle before it is
        # judged unresponsive (later cells 0); nbclient's 4 s misjudged busy grading machines.
        "Execute.iopub_timeout": 10,
        "Execute.shutdown_kernel": "immediate",  # its sandbox is thrown away: no need to wait for a clean exit
        "KernelManager.transport": "ipc",
        "KernelManager.connection_file": str(Path(job.socket_dir) / "connection.json"),
        "LateSubmissionPlugin.penalty_method": job.late_penalty,
        "ExecuteUntilKernelFails.run_experiments": job.run_experiments,
        "GenerateFeedback.preprocessors": [*GenerateFeedback.class_traits()["preprocessors"].default(), HideHiddenTests],
    }


def grade_submission(job):
    """Grade ``job`` (a :class:`GradingJob`) and write its :class:`GradingResult` to ``job.result_path``
    atomically, as plain data; returns that data."""
    entered = time.time()
    # Ctrl-C reaches the whole terminal's process group: the parent decides, and kills this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    _bound_own_memory()
    clock = StepClock()
    clock.add("start", entered - (job.started_at or entered))
    try:
        result = _grade(job, clock)
    except InvalidSubmission as problem:
        result = GradingResult(Status.INVALID, str(problem))
    except Exception as error:  # a grader bug must cost this submission only, and say what happened
        traceback.print_exc()
        result = GradingResult(Status.GRADER_ERROR, f"{type(error).__name__}: {error}"[:300])
    result.profile = clock.seconds
    plain = result.as_plain()
    with replacing(job.result_path) as partial:
        partial.write_text(json.dumps(plain, indent=1))
    return plain


def _die_with_parent():
    """If the grader is killed outright (SIGKILL), its forkserver exits and this process follows it
    (and the sandboxes follow this one: bwrap --die-with-parent) instead of grading on, unseen."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's deadline still applies
        pass
    if os.getppid() == 1:  # the parent is already gone
        os._exit(1)


def _bound_own_memory():
    """This process reads what the sandbox sends (kernel messages, the judge's records): cap it,
    so that no submission can make the grader itself exhaust the machine. Soft limit only, so the
    sandbox's own prlimit can still set its cap (the kernel's is ``--memory``)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = WORKER_MEMORY_MB * 1024 * 1024
    if hard == resource.RLIM_INFINITY or hard > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _grade(job, clock):
    student, assignment = job.student, job.assignment
    work, template = Path(job.work_dir), Path(job.template)
    course = work / "course"
    # The wall-clock deadline is the real limit; the CPU cap only backs it up, with room for start-up.
    limits = Limits.for_slot(job.slot, cpu_seconds=int(job.timeout) + 30, memory_mb=job.memory_mb)
    with clock.step("prepare"):
        lost_answers = prepare_course(course, template, job)
    nb, autograded_path, kernel_events = _autograde(course, work, limits, job, clock)
    with clock.step("nbgrader after cells"):
        cells, (timestamp, seconds_late, late_penalty) = _what_nbgrader_recorded(course, assignment, student)
    with clock.step("judge"):
        verdicts, mistakes = judge(nb, [c["grade_id"] for c in cells], template / "release" / assignment,
                                   work / "judge", limits, job.judge_timeout)
    apply_verdicts(cells, verdicts)
    for cell in cells:
        cell["mistake"] = mistakes.get(cell["grade_id"], "")
    record_overrides(course / "gradebook.db", assignment, student, cells)
    with clock.step("feedback"):
        feedback = _feedback(course, cells, job)
    return GradingResult(Status.GRADED, _reason(cells, lost_answers, kernel_events, seconds_late, late_penalty),
                         cells, timestamp, seconds_late, late_penalty, autograded=str(autograded_path), feedback=feedback)


def _autograde(course, work, limits, job, clock):
    """nbgrader autograde with the kernel in the sandbox; returns the autograded notebook, its path and
    what happened to the kernel (``ExecuteUntilKernelFails.kernel_events``)."""
    started = time.perf_counter()
    student, assignment, socket_dir = job.student, job.assignment, Path(job.socket_dir)
    open_to_sandbox(socket_dir, limits)
    autograded_dir = course / "autograded" / student / assignment
    os.environ["JUPYTER_PATH"] = str(work / "jupyter")
    os.environ["JUPYTER_RUNTIME_DIR"] = str(socket_dir)
    write_kernelspec(work / "jupyter", autograded_dir, socket_dir, limits,
                     defer_matplotlib=not job.run_experiments)
    config = _autograde_config(job)
    executor = ExecuteUntilKernelFails(config=traitlets_config(config))  # the one that runs: it keeps the kernel's events
    config["Autograde.autograde_preprocessors"] = [executor if pp is ExecuteUntilKernelFails else pp
                                                   for pp in config["Autograde.autograde_preprocessors"]]
    outcome = nbgrader_api(course, **config).autograde(assignment, student, force=True, create=True)
    _split_autograde_time(clock, executor.marks, started, time.perf_counter())
    if not outcome["success"]:
        raise RuntimeError(f"nbgrader autograde failed: {_last_line(outcome)}")
    path = autograded_dir / f"{assignment}.ipynb"
    return nbformat.read(path, as_version=4), path, executor.kernel_events


def _split_autograde_time(clock, marks, started, ended):
    """nbgrader autograde's seconds, split at the ``marks`` its executing preprocessor left."""
    execute, first_cell = marks.get("execute", ended), marks.get("first cell", marks.get("executed", ended))
    executed = marks.get("executed", ended)
    clock.add("nbgrader before kernel", execute - started)
    clock.add("kernel start", first_cell - execute)
    clock.add("cells", executed - first_cell)
    clock.add("nbgrader after cells", ended - executed)


def _feedback(course, cells, job):
    """nbgrader's feedback page for this submission, sanitized, with its Content-Security-Policy and
    the judge's word next to each cell it overruled (feedback_page.py); None if nbgrader could not
    write it. A page is never handed on without its policy."""
    student, assignment = job.student, job.assignment
    config = {**feedback_config(_autograde_config(job)),
              "SafeFeedbackExporter.compiled_templates_dir": str(Path(job.template) / "compiled-templates")}
    api = nbgrader_api(course, **config)
    outcome = api.generate_feedback(assignment, student, force=True)
    page = course / "feedback" / student / assignment / f"{assignment}.html"
    if not (outcome["success"] and page.exists()):
        return None
    try:
        harden_page(page, overruled=overruled(cells), mistakes={c["grade_id"]: c["mistake"] for c in cells})
    except Exception:  # noqa: BLE001 - the grade stands; only the page is withheld
        traceback.print_exc()
        return None
    return str(page)


def _what_nbgrader_recorded(course, assignment, student):
    """Each test cell's score as nbgrader's own autograde gave it, and the submission's lateness
    (nbgrader's AssignLatePenalties ran in that autograde)."""
    with open_gradebook(course / "gradebook.db") as gb:
        notebook = gb.find_submission_notebook(assignment, assignment, student)
        cells = [
            {"grade_id": grade.name, "nbgrader_score": float(grade.score or 0.0), "max_score": float(grade.max_score)}
            for grade in sorted(notebook.grades, key=lambda g: g.name)
        ]
        return cells, lateness(gb, assignment, student)


def _reason(cells, lost_answers, kernel_events, seconds_late=0.0, late_penalty=0.0):
    """What happened, in the grader's own words: built from what this process observed
    (kernel events, scores, the judge's verdicts), never from a name or message the student
    chose. records/report.py bounds and cleans every field again before it reaches a file."""
    passed = sum(c["score"] == c["max_score"] for c in cells)
    notes = [f"{passed}/{len(cells)} test cells passed"]
    if lost_answers:
        notes.append(f"answer cell(s) {', '.join(lost_answers)} not found in the submission "
                     "(deleted, over 100 KB, or their nbgrader metadata was changed)")
    for event in kernel_events:
        if "what" in event:
            notes.append(f"cell {event['cell'] + 1}: {event['what']}; later cells were not run and scored 0")
    timed_out = sorted({e["cell"] + 1 for e in kernel_events if e["event"] == "timeout" and isinstance(e.get("cell"), int)})
    if timed_out:
        notes.append(f"cell(s) {', '.join(map(str, timed_out))} hit the time limit and were interrupted")
    overruled = [c for c in cells if c["score"] < c["nbgrader_score"]]
    if overruled:
        details = "; ".join(f"{c['grade_id']}: {c['judge']}" for c in overruled)
        notes.append(f"passed inside the notebook but failed the independent re-check ({details})")
    failed = [c for c in cells if c["score"] < c["max_score"] and c not in overruled
              and c["judge"] not in ("passed", "not judged")]
    notes += [f"{c['grade_id']}: {c['judge']}" for c in failed]
    if seconds_late > 0:
        notes.append(f"submitted {_duration(seconds_late)} late; late penalty {late_penalty:g} points")
    return "; ".join(notes)


def _duration(seconds):
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} seconds"


def _last_line(outcome):
    """The most telling error line of nbgrader's log (its last line only says 'see the traceback above')."""
    lines = (outcome.get("log") or outcome.get("error") or "").strip().splitlines()
    errors = [line.strip() for line in lines
              if re.match(r"\s*[\w.]+(Error|Exception):", line) and "NbGraderException" not in line]
    text = errors[-1] if errors else (lines[-1].strip() if lines else "no message")
    return text[:300]

"""The contract between the parent and a grading process: the job it is sent and the result it
returns (:class:`GradingJob`, :class:`GradingResult`), the same for a local run and a Dask task;
and the parent's check of what comes back, before anything is written.

A local grading process is the grader's own code, but it reads what the sandbox sends; a Dask
worker is another machine. Either way the parent takes a result only in the shape it expects:
a known status, one entry per graded cell of the assignment with scores between 0 and the
cell's points, finite lateness, text fields, and files only inside that submission's own
working folder. Anything else becomes a ``grader_error`` for that submission, with the reason,
and nothing of it is written (:func:`checked_result`).
"""

import math
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

from grader.records.store import bounded
from grader.status import GRADING_STATUSES, Status

# What a worker may send back, per file: three bytes per output character a graded notebook keeps
# (preprocessors.MAX_NOTEBOOK_OUTPUT_CHARS, 10 million). Real ones are far below: a notebook with every
# output at that bound (tests/grader_corpus.py's bloats_outputs) gives a 9.9 MB notebook and a 10.1 MB
# page, an ordinary one 25 kB and 160 kB.
MAX_RETURNED_FILE_BYTES = 30_000_000
RETURNED_FILES = {"autograded": ".ipynb", "feedback": ".html"}
MAX_RESULT_BYTES = 8 * 1024 * 1024
MAX_REASON = 2000  # cleaned to 300 characters later; a longer one is not a result this grader writes
FILE_KEYS = tuple(RETURNED_FILES)


@dataclass(frozen=True)
class GradingJob:
    """One submission and how to grade it: what the parent (run/local.py) hands a grading process.
    The grading process trusts it; paths are on this machine (a Dask worker's own, for a task)."""

    student: str
    assignment: str
    notebook: str  # the run's private copy of the submitted bytes
    slot: int  # the host slot (sandbox/host.py), which gives the sandbox its uid
    template: str  # a course folder with the assignment's source, release and gradebook
    work_dir: str  # this submission's own working folder: the result and its files go here
    socket_dir: str  # the kernel's socket folder, a small tmpfs
    timestamp: str = None  # when it was submitted, as nbgrader reads it
    due: str = None  # the due date, ISO 8601
    timeout: float = 300.0  # the settings of grader.run.autograde.Settings
    cell_timeout: float = 30.0
    judge_timeout: float = 30.0
    memory_mb: int = 2048
    late_penalty: str = "none"
    run_experiments: bool = False
    started_at: float = None  # time.time() when the parent started the process (profile: "start")

    @property
    def result_path(self):
        return Path(self.work_dir) / "result.json"


@dataclass
class GradingResult:
    """What a grading process writes to result.json and a Dask task returns, as :meth:`as_plain` data.
    The parent reads it as untrusted data, through :func:`checked_result`."""

    status: Status
    reason: str = ""
    cells: list = field(default_factory=list)  # per graded cell: grade_id, score, max_score, nbgrader_score, judge, mistake
    timestamp: str = None
    seconds_late: float = 0.0
    late_penalty: float = 0.0
    autograded: str = None  # the autograded notebook and the feedback page, in the job's work_dir
    feedback: str = None
    profile: dict = None  # {step: seconds} (profile.py)

    def as_plain(self):
        """The fields that are set, as plain data (JSON, msgpack): the status as its string."""
        plain = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
        return {**plain, "status": str(self.status)}


RESULT_KEYS = frozenset(f.name for f in fields(GradingResult))


class MalformedResult(ValueError):
    """The result is not one the grader's own worker writes (records.bounded raises a ValueError too)."""


def checked_result(result, points, work_dir):
    """``result`` if it is sound for an assignment whose graded cells are ``points`` (``{grade_id: max}``)
    and whose files are under ``work_dir``; else a ``grader_error`` result saying what was wrong."""
    try:
        return _checked(result, points, Path(work_dir).resolve())
    except ValueError as problem:
        return GradingResult(Status.GRADER_ERROR, f"the grading process returned a result that cannot be right "
                             f"({problem}); nothing of it was kept (a broken or rogue worker)").as_plain()


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
    if status == Status.GRADED and seen != set(points):
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

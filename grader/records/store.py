"""records/: what the grader concluded about each submission, one JSON file per (student, assignment).

A record holds the status, the reason, the per-cell scores as the grader gave them, the
submission time and lateness, and a fingerprint of what was graded (:func:`fingerprint`: the
notebook's bytes, its submission time, the assignment's source, and every setting that changes
a grade). A record is written last, once the submission's files and gradebook rows are in
place, so a record on disk means that submission is done: an interrupted run resumes from the
records, and a rerun skips what has not changed (:func:`unchanged`).

Records are data the grader wrote, but they live on a disk others may touch: each one is
checked as it is read (:func:`checked_record`: types, statuses, scores within the assignment's
points). One that fails is set aside into ``records/set-aside/`` with a warning naming it, and
its submission counts as never graded, so the next run that finds it grades it again: never a
silent drop, never a crash. The scores an instructor sees come from gradebook.db (report.py),
where manual grades given in formgrader live; records say what the grader itself concluded.
"""

import fcntl
import functools
import hashlib
import json
import math
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from grader.course import assignment_ids, max_scores, source_notebook
from grader.records.atomic import replacing
from grader.status import FINAL, GRADING_STATUSES, Status, STATUSES

RECORDS = "records"
SET_ASIDE = "set-aside"
MAX_TEXT = 300  # every text field of a record is cleaned to at most this many characters (report.clean_field)


def record_key(student, assignment):
    """The file name of a record: a hash, since student and assignment names are submitted (hostile) text."""
    return hashlib.sha256(f"{student}\0{assignment}".encode("utf-8", "backslashreplace")).hexdigest()[:32]


def fingerprint(submission, settings_text):
    """What a grade was given for: the notebook's bytes (their digest, as collect read them), its
    submission time, the assignment's source, and ``settings_text`` (every setting that changes a grade)."""
    text = "\0".join((submission.digest, submission.timestamp or "", _source_digest(submission.assignment),
                      settings_text))
    return hashlib.sha256(text.encode()).hexdigest()


@functools.lru_cache(maxsize=None)
def _source_digest(assignment):
    """Read once per assignment, not once per submission of it."""
    return hashlib.sha256(source_notebook(assignment).read_bytes()).hexdigest()


def unchanged(record, submission_fingerprint):
    """True when a rerun may keep ``record``: a final outcome for these same bytes and settings."""
    return bool(record) and record.get("status") in FINAL and record.get("fingerprint") == submission_fingerprint


def now():
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def final_score(cells, late_penalty=0.0):
    """What nbgrader export calls ``score``: the cells' sum less any late penalty, never below 0."""
    return max(0.0, sum(cell["score"] for cell in cells) - late_penalty)


# ---- reading and writing ----

class FolderBusy(RuntimeError):
    """Another grader command is writing to this output folder."""


@contextmanager
def only_writer(out):
    """One command at a time writes to an output folder (two would each write reports missing the other's grades)."""
    with open(Path(out) / ".grader.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderBusy(f"another grader run is writing to {out}; wait for it to finish") from None
        yield


def load_records(out):
    """Every sound record in ``out``: ``{(student, assignment): record}``. Any other file in records/
    is set aside (:func:`set_aside`) with a warning, and its submission counts as never graded."""
    records = {}
    folder = Path(out) / RECORDS
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            record = checked_record(json.loads(path.read_bytes()), path.stem)
        except (OSError, ValueError, RecursionError) as problem:
            set_aside(path, problem)
            continue
        records[(record["student"], record["assignment"])] = record
    return records


def set_aside(path, problem):
    """Move a record that cannot be trusted out of records/, saying so; the submission is graded again."""
    target = path.parent / SET_ASIDE / f"{path.stem}.{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}.json"
    try:
        target.parent.mkdir(exist_ok=True)
        path.replace(target)
        where = f"moved to {target}"
    except OSError as error:
        where = f"left in place: {error.strerror}"
    print(f"grader: record {path} set aside ({str(problem)[:200]}; {where}); its submission counts as "
          "not graded, and is graded again when a run finds it", file=sys.stderr, flush=True)


def save_record(out, record):
    folder = Path(out) / RECORDS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record_key(record['student'], record['assignment'])}.json"
    with replacing(path) as partial:
        partial.write_text(json.dumps(record, indent=1, sort_keys=True))


# ---- what a sound record is ----

def checked_record(record, stem=None):
    """``record`` if it is one this grader writes (and, given its file's ``stem``, in its own file);
    else :class:`ValueError` saying what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    student, assignment = _text(record, "student"), _text(record, "assignment")
    if stem is not None and stem != record_key(student, assignment):
        raise ValueError("its file name is not its student and assignment's")
    status = _text(record, "status")
    if status not in set(STATUSES) - {Status.PENDING} | set(GRADING_STATUSES):
        raise ValueError(f"unknown status {status[:40]!r}")
    for name in ("reason", "graded_at"):
        _text(record, name)
    for name in ("timestamp", "fingerprint", "notebook_sha256"):
        if record.get(name) is not None:
            _text(record, name)
    points = max_scores(assignment) if assignment in assignment_ids() else {}
    total = sum(points.values())
    if _number(record, "max_score", 0, total) != total:
        raise ValueError(f"max_score is not the assignment's {total:g}")
    cells = record.get("cells")
    if not isinstance(cells, list) or len(cells) > len(points) or any(not isinstance(c, dict) for c in cells):
        raise ValueError("cells is not a list of the assignment's cells")
    for cell in cells:
        grade_id = _text(cell, "grade_id")
        if grade_id not in points:
            raise ValueError(f"cell {grade_id[:40]!r} is not one of the assignment's")
        if _number(cell, "max_score", 0, points[grade_id]) != points[grade_id]:
            raise ValueError(f"cell {grade_id} has the wrong max_score")
        _number(cell, "score", 0, points[grade_id])
        _number(cell, "nbgrader_score", 0, points[grade_id])
        _text(cell, "judge")
        if "mistake" in cell:  # records written before the judge named mistakes have none
            _text(cell, "mistake")
    penalty = _number(record, "late_penalty", 0, total)
    _number(record, "seconds_late", 0, math.inf)
    if not math.isclose(_number(record, "score", 0, total), final_score(cells, penalty), abs_tol=1e-9):
        raise ValueError("score is not its cells' sum less the late penalty")
    return record


def _text(mapping, name):
    value = mapping.get(name)
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ValueError(f"{name} is not text of at most {MAX_TEXT} characters")
    return value


def _number(mapping, name, low, high):
    return bounded(mapping.get(name), low, high, name)


def bounded(value, low, high, name):
    """``value`` as a float if it is a finite number from ``low`` to ``high``, else :class:`ValueError`
    (for the grader's records here, and for what a grading process returns, grading/contract.py)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not low <= value <= high:
        raise ValueError(f"{name} is not a number from {low:g} to {high:g}")
    return float(value)

"""Collect: find every submission and say plainly what is wrong with the ones that cannot be graded.

:func:`collect` takes any of the three inputs nbgrader produces or a teacher has at hand:

- nbgrader's ``submitted/`` layout (what ``nbgrader collect`` writes):
  ``SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb``;
- nbgrader's exchange ``inbound/`` layout (what ``nbgrader submit`` writes):
  ``INBOUND/<student>+<assignment>+<timestamp>[+<random>]/<assignment>.ipynb``, one folder per
  submission; as in ``nbgrader collect``, only each student's latest one per assignment counts;
- one notebook, ``<assignment>.ipynb``.

Anything else (an empty folder, a course folder, one student's folder, a folder with nothing
like a submission in it, another kind of file) raises :class:`WrongInput`, whose one-line
message says what was expected and what was found. A folder holding both inbound submission
folders and student folders is read as an inbound folder, its other entries reported as
``wrong_layout``: anyone who can submit can create folders in inbound/, so nothing a student
puts there may change how the whole folder is read (or stop the run).

Nothing here executes or modifies a submission. Collect only looks at the file system (names,
types, sizes; symbolic links are refused, they could point at the answers) and reads the
submissions' ``timestamp.txt`` (at most 100 bytes each); a notebook's contents are read and
checked by :func:`load_submission` in the grading worker, in parallel, with a size limit and
under the worker's deadline.
"""

import json
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
# Matched against the WHOLE folder name (fullmatch: no trailing newline); the first character
# is a letter or digit, so no id starts like a spreadsheet formula (= + - @).
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}")

TIMESTAMP_FILE = "timestamp.txt"
MAX_TIMESTAMP_BYTES = 100
# What nbgrader's timestamp formats print ("2024-03-01 14:05:09.123456 UTC"). No "/": given a
# time-zone name with one, dateutil would open that file.
TIMESTAMP_TEXT = re.compile(r"[0-9A-Za-z][0-9A-Za-z :.+_-]*")

# Entries of an nbgrader course folder and of an exchange course folder: never students here.
COURSE_ENTRIES = ("source", "release", "submitted", "autograded", "feedback", "nbgrader_config.py", "gradebook.db")
EXCHANGE_ENTRIES = ("inbound", "outbound")

SUBMITTED_LAYOUT = "SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb"
INBOUND_LAYOUT = "INBOUND/<student>+<assignment>+<timestamp>/<assignment>.ipynb"
ANY_LAYOUT = (f"a submitted/ folder ({SUBMITTED_LAYOUT}), an exchange inbound/ folder ({INBOUND_LAYOUT}) "
              "or one <assignment>.ipynb")

STATUSES = {
    "pending": "found and gradable; grading replaces this status with its own (never in a report)",
    "invalid": "the notebook is a symbolic link or not a regular file, empty, or larger than 20 MB",
    "invalid_student_id": "the student id (a student folder's name, or an inbound folder's first part) is not "
                          "valid: letters, digits and _ . @ + - only",
    "wrong_layout": "a file or folder is not where the layout puts it (a notebook directly in the student "
                    "folder, a file or link where a student folder belongs, an inbound/ entry not named "
                    "<student>+<assignment>+<timestamp>)",
    "wrong_file_name": "the assignment folder holds notebooks, but none named <assignment>.ipynb",
    "missing": "the assignment folder holds no notebook",
    "unknown_assignment": "a folder names an assignment the course does not have",
    "not_submitted": "the student submitted something, but nothing for this assignment (others did)",
}


class WrongInput(ValueError):
    """The path is not submissions in a layout collect reads; the one-line message says what was
    expected and what was found."""


@dataclass
class Submission:
    student: str
    assignment: str
    notebook: Path = None  # set when the submission can be graded
    status: str = "pending"  # else why not: one of STATUSES
    reason: str = ""
    result: dict = field(default_factory=dict)  # what grading it produced (worker.py): cells, feedback, ...
    timestamp: str = None  # the text of its timestamp.txt, when nbgrader can read it
    timestamp_file: Path = None  # where that file is (copy the text, not the file: it was checked)
    note: str = ""  # what collect noticed that grading does not change (also in reason)


def visible(name):
    """A file name as it may be shown: control characters escaped (``eve\\n``), at most 100 characters."""
    return name.encode("unicode_escape").decode("ascii")[:100]


def valid_student_id(name):
    return isinstance(name, str) and STUDENT_ID.fullmatch(name) is not None


def collect(path, known_assignments):
    """Every submission found at ``path``, gradable or not, sorted by student then assignment.

    ``path`` is a submitted/ folder, an inbound/ folder or one notebook (see the module's
    docstring). Raises :class:`WrongInput` for anything else.
    """
    path, known = Path(path), set(known_assignments)
    if path.is_dir():
        entries = _entries(path)
        layout = _layout(path, entries, known)
        found = _collect_inbound(entries, known) if layout == "inbound" else _collect_submitted(entries, known)
    elif path.suffix == ".ipynb" and (path.exists() or path.is_symlink()):
        found = [_collect_notebook(path.absolute(), known)]
    elif path.exists():
        raise WrongInput(f"expected {ANY_LAYOUT}, found the file {_shown(path)}")
    else:
        raise WrongInput(f"expected {ANY_LAYOUT}, found nothing at {_shown(path)} (it does not exist)")
    return sorted(found + _not_submitted(found, known), key=lambda s: (s.student, s.assignment))


def _entries(folder):
    return sorted(entry for entry in Path(folder).iterdir() if not entry.name.startswith("."))


# --- Which layout: decided from names and types one or two levels down, never from contents.


def _layout(folder, entries, known):
    shown = _shown(folder)
    if not entries:
        raise WrongInput(f"expected {ANY_LAYOUT}, found an empty folder: {shown}")
    if any(_inbound_name(entry.name, known) for entry in entries):
        return "inbound"
    if any(_holds_assignments(entry, known) for entry in entries
           if entry.name not in COURSE_ENTRIES + EXCHANGE_ENTRIES):
        return "submitted"
    course = [entry for entry in entries if entry.name in COURSE_ENTRIES + EXCHANGE_ENTRIES]
    if any(entry.name in EXCHANGE_ENTRIES for entry in course):
        raise WrongInput(f"expected a folder of submissions, found an nbgrader exchange course folder "
                         f"({shown} has {_listing(course)}): pass {shown}/inbound ({INBOUND_LAYOUT})")
    if course:
        raise WrongInput(f"expected a folder of submissions, found an nbgrader course folder "
                         f"({shown} has {_listing(course)}): pass {shown}/submitted "
                         f"({SUBMITTED_LAYOUT}) or the exchange's <exchange>/<course>/inbound")
    mine = [entry for entry in entries if _is_assignment_entry(entry, known)]
    if mine and (folder.name in known or _inbound_name(folder.name, known)):
        notebook = next((e for e in mine if e.name.endswith(".ipynb")), mine[0])
        every = folder.parent if _inbound_name(folder.name, known) else folder.parent.parent
        raise WrongInput(f"expected a folder of submissions ({SUBMITTED_LAYOUT}), found one submission's "
                         f"folder ({shown} holds {_listing(mine)}): pass the folder that holds every "
                         f"submission, {_shown(every)}, or the notebook {shown}/{visible(notebook.name)} "
                         "to grade it alone")
    if mine:
        raise WrongInput(f"expected a folder of student folders ({SUBMITTED_LAYOUT}), found one student's "
                         f"folder ({shown} holds {_listing(mine)}): pass the folder that holds it, "
                         f"{_shown(folder.parent)}, or one notebook, {shown}/<assignment>/<assignment>.ipynb")
    raise WrongInput(f"expected {SUBMITTED_LAYOUT} or {INBOUND_LAYOUT} for one of the assignments "
                     f"({', '.join(sorted(known))}), found nothing like it in {shown} "
                     f"(it holds {_listing(entries)})")


def _holds_assignments(entry, known):
    """A student folder: a real folder, not named after an assignment, holding an assignment folder or a notebook."""
    if entry.is_symlink() or not entry.is_dir() or entry.name in known:
        return False
    return any(_is_assignment_entry(child, known) for child in _entries(entry))


def _is_assignment_entry(entry, known):
    return entry.name.endswith(".ipynb") or (entry.name in known and entry.is_dir())


def _listing(entries, most=5):
    names = [visible(e.name) + ("/" if e.is_dir() and not e.is_symlink() else "") for e in entries]
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def _shown(path, most=300):
    """A path as a one-line message shows it: unprintable characters escaped (``eve\\n``), the rest as is."""
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(path))
    return text if len(text) <= most else text[:most] + "..."


# --- The submitted/ layout: SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb


def _collect_submitted(entries, known_assignments):
    found = []
    for student_dir in entries:
        if student_dir.is_symlink() or not student_dir.is_dir():
            found.append(Submission(visible(student_dir.stem), "", status="wrong_layout",
                                    reason=f"{visible(student_dir.name)} is not a student folder; expected "
                                    f"{SUBMITTED_LAYOUT}"))
        elif not valid_student_id(student_dir.name):
            found.append(Submission(visible(student_dir.name), "", status="invalid_student_id",
                                    reason="student folder names may use letters, digits and _ . @ + - only"))
        else:
            found += _collect_student(student_dir, known_assignments)
    return found


def _collect_student(student_dir, known_assignments):
    student = student_dir.name
    found = []
    for entry in _entries(student_dir):
        if entry.is_dir() and not entry.is_symlink():
            if entry.name in known_assignments:
                found.append(_check_assignment_folder(student, entry, entry.name))
            else:
                found.append(_unknown_assignment(student, entry.name, known_assignments))
        elif entry.suffix == ".ipynb":
            assignment = entry.stem if entry.stem in known_assignments else entry.name
            found.append(Submission(student, assignment, status="wrong_layout",
                                    reason=f"{visible(entry.name)} is directly in the student folder; expected "
                                    f"{student}/{visible(entry.stem)}/{visible(entry.stem)}.ipynb"))
    return found


def _unknown_assignment(student, name, known_assignments):
    return Submission(student, visible(name), status="unknown_assignment",
                      reason=f"no assignment called {visible(name)!r}; known: {', '.join(sorted(known_assignments))}")


def _check_assignment_folder(student, folder, assignment, note=""):
    """The row for one submission folder that should hold ``<assignment>.ipynb`` (and maybe timestamp.txt)."""
    notebook = folder / f"{assignment}.ipynb"
    if not notebook.exists() and not notebook.is_symlink():
        others = sorted(visible(p.name) for p in folder.glob("*.ipynb"))
        if others:
            return _noted(Submission(student, assignment, status="wrong_file_name",
                                     reason=f"expected {assignment}.ipynb, found {', '.join(others)}"), note)
        return _noted(Submission(student, assignment, status="missing", reason=f"{assignment}.ipynb is missing"), note)
    problem = file_problem(notebook)
    if problem:
        return _noted(Submission(student, assignment, status="invalid", reason=problem), note)
    submission = Submission(student, assignment, notebook=notebook)
    timestamp_note = _add_timestamp(submission, folder / TIMESTAMP_FILE)
    return _noted(submission, "; ".join(n for n in (note, timestamp_note) if n))


def _noted(submission, note):
    if note:
        submission.note = note
        submission.reason = f"{submission.reason}; {note}" if submission.reason else note
    return submission


def _not_submitted(found, known):
    """A row for each assignment someone submitted that a student (with a valid id) has no row for."""
    seen = {s.assignment for s in found if s.assignment in known}
    students = {s.student for s in found if valid_student_id(s.student) and (s.status != "wrong_layout" or s.assignment)}
    rows = []
    for student in sorted(students):
        submitted = {s.assignment for s in found if s.student == student}
        rows += [Submission(student, assignment, status="not_submitted", reason="no submission for this assignment")
                 for assignment in sorted(seen - submitted)]
    return rows


# --- The exchange's inbound/ layout: INBOUND/<student>+<assignment>+<timestamp>[+<random>]/


@dataclass(frozen=True)
class InboundName:
    student: str
    assignment: str
    time: datetime  # the folder's timestamp as nbgrader's parse_utc reads it (naive, UTC)


def _inbound_readings(name):
    """How nbgrader collect reads an inbound folder's name: student, assignment, timestamp.

    nbgrader submit names the folder ``<student>+<assignment>+<timestamp>+<random>`` (the
    random part is URL-safe base64, so holds no "+"; it is left out when ``add_random_string``
    is off) and nbgrader collect splits it with ``rsplit('+', 3)``. That misreads a student id
    holding "+" when there is no random part, so the split without it is tried second.
    """
    if name.count("+") < 2:
        return []
    readings = []
    for parts in (name.rsplit("+", 3), name.rsplit("+", 2)):
        time = _parse_timestamp(parts[2]) if parts[0] else None
        if time is not None:
            readings.append(InboundName(parts[0], parts[1], time))
    return readings


def _inbound_name(name, known):
    """The reading of an inbound folder's name that names a known assignment, else None."""
    return next((r for r in _inbound_readings(name) if r.assignment in known), None)


def _inbound_reading(name, known):
    """The reading that names a known assignment, else nbgrader's own (an unknown assignment), else None."""
    readings = _inbound_readings(name)
    return next((r for r in readings if r.assignment in known), readings[0] if readings else None)


def _collect_inbound(entries, known):
    found, groups = [], {}
    for entry in entries:
        name = _inbound_reading(entry.name, known)
        if name is None:
            found.append(Submission(visible(entry.name), "", status="wrong_layout",
                                    reason=f"{visible(entry.name)} is not an nbgrader submission folder; "
                                    f"this is an inbound folder, expected {INBOUND_LAYOUT}"))
        else:
            groups.setdefault((name.student, name.assignment), []).append((name.time, entry))
    for (student, assignment), folders in sorted(groups.items()):
        _, latest = max(folders)  # nbgrader collect: the latest timestamp counts
        note = f"latest of {len(folders)} submissions" if len(folders) > 1 else ""
        if not valid_student_id(student):
            found.append(Submission(visible(student), visible(assignment), status="invalid_student_id",
                                    reason="student ids may use letters, digits and _ . @ + - only"))
        elif assignment not in known:
            found.append(_unknown_assignment(student, assignment, known))
        elif latest.is_symlink() or not latest.is_dir():
            found.append(_noted(Submission(student, assignment, status="wrong_layout",
                                           reason=f"{visible(latest.name)} is not a folder (or is a symbolic "
                                           f"link); expected {INBOUND_LAYOUT}"), note))
        else:
            found.append(_check_assignment_folder(student, latest, assignment, note))
    return found


# --- One notebook: <assignment>.ipynb, best inside <student>/<assignment>/ or an inbound folder.


def _collect_notebook(path, known):
    assignment = path.stem
    if assignment not in known:
        names = ", ".join(f"{a}.ipynb" for a in sorted(known))
        raise WrongInput(f"expected a notebook named after an assignment ({names}), found {_shown(path)}")
    folder = path.parent
    inbound = _inbound_name(folder.name, known)
    if folder.name == assignment and valid_student_id(folder.parent.name) and folder.parent.name not in COURSE_ENTRIES:
        student, source = folder.parent.name, f"{folder.parent.name}/{assignment}/{assignment}.ipynb"
    elif inbound and inbound.assignment == assignment and valid_student_id(inbound.student):
        student, source = inbound.student, f"the inbound folder {folder.name}"
    else:
        return _noted(_checked_notebook_file("student", assignment, path, None),
                      f"graded as student 'student': the path is not <student>/{assignment}/{assignment}.ipynb "
                      "with a valid student id")
    return _noted(_checked_notebook_file(student, assignment, path, folder / TIMESTAMP_FILE),
                  f"graded as student {student!r}, from {visible(source)}")


def _checked_notebook_file(student, assignment, path, timestamp_file):
    problem = file_problem(path)
    if problem:
        return Submission(student, assignment, status="invalid", reason=problem)
    submission = Submission(student, assignment, notebook=path)
    note = _add_timestamp(submission, timestamp_file) if timestamp_file else ""
    return _noted(submission, note)


# --- timestamp.txt: the submission time nbgrader autograde records (and late penalties use).


def _add_timestamp(submission, path):
    """Set the submission's timestamp from ``path`` if nbgrader can read it; else say why not."""
    if not path.exists() and not path.is_symlink():
        return ""
    text, problem = _read_timestamp(path)
    if problem:
        return f"{TIMESTAMP_FILE} ignored: {problem}"
    submission.timestamp, submission.timestamp_file = text, path
    return ""


def _read_timestamp(path):
    """``(text, None)`` for a timestamp nbgrader reads, else ``(None, what is wrong)``; reads at most 100 bytes."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        return None, f"cannot be opened ({error.strerror or error}; symbolic links are refused)"
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file"
        if info.st_size > MAX_TIMESTAMP_BYTES:
            return None, f"longer than {MAX_TIMESTAMP_BYTES} bytes"
        data = os.read(handle, MAX_TIMESTAMP_BYTES)
    finally:
        os.close(handle)
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    if not text:
        return None, "empty"
    if _parse_timestamp(text) is None:
        return None, "not a timestamp nbgrader can read"  # its text is not repeated: the student wrote it
    return text, None


def _parse_timestamp(text):
    """nbgrader's own reading of a timestamp (a naive UTC datetime), or None if it fails."""
    if not TIMESTAMP_TEXT.fullmatch(text):
        return None
    # Imported here, not at the top: importing nbgrader takes seconds.
    from nbgrader.utils import parse_utc

    try:
        with warnings.catch_warnings():  # dateutil warns about odd time-zone names; None says enough
            warnings.simplefilter("ignore")
            return parse_utc(text)
    except Exception:  # noqa: BLE001 - dateutil raises several kinds (ValueError, OverflowError, ...)
        return None


def file_problem(path):
    """None if ``path`` is a regular, non-empty file within the size limit, else what is wrong.

    Only the file system is asked here (collect stays fast whatever the files hold);
    the contents are checked by :func:`load_submission`, in the grading workers.
    """
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        return "not a regular file (symbolic links and special files are refused)"
    size = path.stat().st_size
    if size == 0:
        return "empty file"
    if size > MAX_NOTEBOOK_BYTES:
        return f"file too large ({size / 1e6:.0f} MB; limit {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB)"
    return None


class InvalidSubmission(ValueError):
    """The file is not a notebook the grader can take answers from; the message says why, in one line."""


def load_submission(path):
    """The submitted notebook as a NotebookNode, checked as far as grading reads it.

    Grading takes only the answer cells' sources from a submission (everything else
    comes from the release), so that is what is checked: UTF-8 JSON, an nbformat 4
    notebook whose ``cells`` are cells with text sources. Outputs are never parsed
    further. Raises :class:`InvalidSubmission` for anything else, however odd the file.
    """
    problem = file_problem(path)
    if problem:
        raise InvalidSubmission(problem)
    with open(path, "rb") as handle:
        data = handle.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise InvalidSubmission(f"file too large (limit {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB)")
    text = _utf8_text(data)
    try:
        content = json.loads(text)
    except RecursionError:
        raise InvalidSubmission("corrupt JSON (nested too deeply to be a notebook)") from None
    except ValueError as error:
        raise InvalidSubmission(f"corrupt JSON ({str(error)[:100]})") from None
    return nbformat.from_dict(_checked_notebook(content))


def _utf8_text(data):
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 1 and b"\x00" in data[:4]):
        raise InvalidSubmission("saved as UTF-16; Jupyter notebooks are UTF-8: open and save it again in Jupyter")
    if data.startswith(b"\xef\xbb\xbf"):
        raise InvalidSubmission("starts with a byte-order mark (UTF-8 BOM), which Jupyter never writes: "
                                "open and save it again in Jupyter")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidSubmission(f"not UTF-8 text (byte {error.start} cannot be decoded)") from None


def _checked_notebook(content):
    if not isinstance(content, dict) or not isinstance(content.get("cells", content.get("worksheets")), list):
        raise InvalidSubmission("not a Jupyter notebook (no list of cells)")
    version, minor = content.get("nbformat"), content.get("nbformat_minor", 0)
    if version != 4 or isinstance(version, bool):
        raise InvalidSubmission(f"notebook format version {_short(version)}, expected 4: "
                                "open and save it with a current Jupyter")
    if not isinstance(minor, int) or isinstance(minor, bool) or not 0 <= minor < 100:
        raise InvalidSubmission(f"nbformat_minor is {_short(minor)}, expected a small whole number")
    if "cells" not in content:
        raise InvalidSubmission("not a Jupyter notebook (no cells)")
    if not isinstance(content.get("metadata", {}), dict):
        raise InvalidSubmission("notebook metadata is not a JSON object")
    cells = []
    for number, cell in enumerate(content["cells"], start=1):
        cells.append(_checked_cell(cell, number))
    return {"nbformat": 4, "nbformat_minor": minor, "metadata": {}, "cells": cells}


def _checked_cell(cell, number):
    """A plain copy of what grading reads from one cell: type, source, nbgrader metadata."""
    if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
        raise InvalidSubmission(f"cell {number} is not a code, markdown or raw cell")
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        source = "".join(source)
    if not isinstance(source, str):
        raise InvalidSubmission(f"cell {number} has a source that is not text")
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidSubmission(f"cell {number} holds text that is not valid Unicode (a lone surrogate)") from None
    metadata = cell.get("metadata", {})
    nbgrader = metadata.get("nbgrader", {}) if isinstance(metadata, dict) else {}
    if not isinstance(nbgrader, dict):
        nbgrader = {}
    kept = {key: nbgrader[key] for key in ("grade_id", "solution", "grade", "locked")
            if isinstance(nbgrader.get(key), (str, bool))}
    plain = {"cell_type": cell["cell_type"], "source": source, "metadata": {"nbgrader": kept} if kept else {}}
    if cell["cell_type"] == "code":
        plain.update(outputs=[], execution_count=None)
    return plain


def _short(value):
    text = repr(value)
    return text if len(text) <= 20 else text[:17] + "..."

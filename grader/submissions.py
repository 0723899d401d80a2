"""Collect: find every submission, read each one once, and say plainly what is wrong with the ones that cannot be graded.

:func:`collect` takes any of the three inputs nbgrader produces or a teacher has at hand:

- nbgrader's ``submitted/`` layout (what ``nbgrader collect`` writes):
  ``SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb``;
- nbgrader's exchange ``inbound/`` layout (what ``nbgrader submit`` writes):
  ``INBOUND/<student>+<assignment>+<timestamp>[+<random>]/<assignment>.ipynb``, one folder per
  submission; as in ``nbgrader collect``, only each student's latest one per assignment counts,
  and only entries the student made count (identity.py: who and when, from what a student
  cannot write);
- one notebook, ``<assignment>.ipynb``.

Anything else (an empty folder, a course folder, one student's folder, a folder with nothing
like a submission in it, another kind of file) raises :class:`WrongInput`, whose one-line
message says what was expected and what was found. A folder holding both inbound submission
folders and student folders is read as an inbound folder, its other entries reported as
``wrong_layout``: anyone who can submit can create entries in inbound/, so nothing a student
puts there may change how the whole folder is read, stop the run, or replace a classmate's grade.

Nothing here executes or modifies a submission. The folder is walked through descriptors
(snapshots.py): links are never followed below the folder the instructor named, and each
gradable notebook is read once into the run's private copy, which is all that grading ever
reads; its contents are checked by :func:`load_submission` in the grading worker, in parallel,
with a size limit and under the worker's deadline.
"""

import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.identity import Owners, nbgrader_time, submission_time
from grader.snapshots import MAX_NOTEBOOK_BYTES, Folder, NotThere, Unreadable

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
    "invalid": "the notebook is a symbolic link or not a regular file, has other hard links, is empty, or is "
               "larger than 20 MB",
    "unreadable": "the grader could not open or list the folder or file (its permissions); it is not graded",
    "invalid_student_id": "the student id (a student folder's name, or an inbound folder's first part) is not "
                          "valid: letters, digits and _ . @ + - only",
    "wrong_layout": "a file or folder is not where the layout puts it (a notebook directly in the student "
                    "folder, a file or link where a student folder belongs, an inbound/ entry not named "
                    "<student>+<assignment>+<timestamp>)",
    "wrong_owner": "an inbound/ entry made by someone other than the student it names (--owners); it counts for "
                   "nobody, and its row is named after the entry",
    "not_on_roster": "the student is not on the roster (--roster); nothing of theirs is graded or added",
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
    student: str  # a student id, or, where ``names_student`` is False, the name of the entry the row is about
    assignment: str
    notebook: Path = None  # set when the submission can be graded: the grader's private copy of its bytes
    status: str = "pending"  # else why not: one of STATUSES
    reason: str = ""
    timestamp: str = None  # when it was submitted, as nbgrader reads it (identity.py says from what)
    note: str = ""  # what collect noticed that grading does not change (also in reason)
    source: str = ""  # where the notebook was found, as shown to the instructor
    digest: str = None  # sha256 of the notebook's bytes, as read once
    names_student: bool = True


def visible(name):
    """A file name as it may be shown: control characters escaped (``eve\\n``), at most 100 characters."""
    return name.encode("unicode_escape").decode("ascii")[:100]


def valid_student_id(name):
    return isinstance(name, str) and STUDENT_ID.fullmatch(name) is not None


def collect(path, known_assignments, snapshots, owners=None, roster=None):
    """Every submission found at ``path``, gradable or not, sorted by student then assignment.

    ``path`` is a submitted/ folder, an inbound/ folder or one notebook (see the module's
    docstring); each gradable notebook is copied into ``snapshots`` (:class:`grader.snapshots.Snapshots`).
    ``owners`` (:class:`grader.identity.Owners`, default: the system's users) decides whose
    inbound entries count; with a ``roster`` (:class:`grader.identity.Roster`), students not on
    it get one ``not_on_roster`` row each. Raises :class:`WrongInput` for anything else.
    One row per (student, assignment).
    """
    path, known, owners = Path(path), set(known_assignments), owners or Owners("system")
    if path.is_dir():
        try:
            root = Folder.open(path)
        except OSError as error:
            raise WrongInput(f"expected {ANY_LAYOUT}, found {_shown(path)}, which cannot be opened "
                             f"({error.strerror})") from None
        with root:
            try:
                entries = root.entries()
            except Unreadable as problem:
                raise WrongInput(f"expected {ANY_LAYOUT}, found {_shown(path)}, which {problem}") from None
            if _layout(root, path, entries, known) == "inbound":
                found = _collect_inbound(root, entries, known, snapshots, owners)
            else:
                found = _collect_submitted(root, entries, known, snapshots)
    elif path.suffix == ".ipynb" and (path.exists() or path.is_symlink()):
        found = [_collect_notebook(path.absolute(), known, snapshots, owners)]
    elif path.exists():
        raise WrongInput(f"expected {ANY_LAYOUT}, found the file {_shown(path)}")
    else:
        raise WrongInput(f"expected {ANY_LAYOUT}, found nothing at {_shown(path)} (it does not exist)")
    found = _outside_roster(_one_row_each(found), roster)
    return sorted(found + _not_submitted(found, known), key=lambda s: (s.student, s.assignment))


def _one_row_each(found):
    """One row per (student, assignment): a gradable one if there is one, the others noted in it.
    (A stray copy beside the right folder must never take the place of the submission.)"""
    rows = {}
    for submission in found:
        rows.setdefault((submission.student, submission.assignment), []).append(submission)
    kept = []
    for candidates in rows.values():
        chosen = next((s for s in candidates if s.notebook is not None), candidates[0])
        for other in candidates:
            if other is not chosen:
                _noted(chosen, f"not graded: {other.reason}")
        kept.append(chosen)
    return kept


def _outside_roster(found, roster):
    """Rows of students not on ``roster`` become one ``not_on_roster`` row per student."""
    if roster is None:
        return found
    kept, outside = [], {}
    for submission in found:
        if submission.names_student and valid_student_id(submission.student) and submission.student not in roster:
            outside.setdefault(submission.student, []).append(submission)
        else:
            kept.append(submission)
    for student, rows in sorted(outside.items()):
        kept.append(Submission(student, "", status="not_on_roster",
                               reason=f"not on the roster ({visible(roster.shown)}); {len(rows)} entr"
                               f"{'y' if len(rows) == 1 else 'ies'} found, none graded or added"))
    return kept


# --- Which layout: decided from names and types one or two levels down, never from contents.


def _layout(root, path, entries, known):
    shown = _shown(path)
    if not entries:
        raise WrongInput(f"expected {ANY_LAYOUT}, found an empty folder: {shown}")
    if any(_inbound_name(entry.name, known) for entry in entries):
        return "inbound"
    if any(_holds_assignments(root, entry, known) for entry in entries
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
    if mine and (path.name in known or _inbound_name(path.name, known)):
        notebook = next((e for e in mine if e.name.endswith(".ipynb")), mine[0])
        every = path.parent if _inbound_name(path.name, known) else path.parent.parent
        raise WrongInput(f"expected a folder of submissions ({SUBMITTED_LAYOUT}), found one submission's "
                         f"folder ({shown} holds {_listing(mine)}): pass the folder that holds every "
                         f"submission, {_shown(every)}, or the notebook {shown}/{visible(notebook.name)} "
                         "to grade it alone")
    if mine:
        raise WrongInput(f"expected a folder of student folders ({SUBMITTED_LAYOUT}), found one student's "
                         f"folder ({shown} holds {_listing(mine)}): pass the folder that holds it, "
                         f"{_shown(path.parent)}, or one notebook, {shown}/<assignment>/<assignment>.ipynb")
    raise WrongInput(f"expected {SUBMITTED_LAYOUT} or {INBOUND_LAYOUT} for one of the assignments "
                     f"({', '.join(sorted(known))}), found nothing like it in {shown} "
                     f"(it holds {_listing(entries)})")


def _holds_assignments(root, entry, known):
    """A student folder: a real folder, not named after an assignment, holding an assignment folder or a notebook."""
    if not entry.is_folder or entry.name in known:
        return False
    try:
        with root.sub(entry.name) as folder:
            return any(_is_assignment_entry(child, known) for child in folder.entries())
    except Unreadable:
        return False  # it gets its own row, if it turns out to be a student's


def _is_assignment_entry(entry, known):
    return entry.name.endswith(".ipynb") or (entry.name in known and entry.is_folder)


def _listing(entries, most=5):
    names = [visible(e.name) + ("/" if e.is_folder else "") for e in entries]
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def _shown(path, most=300):
    """A path as a one-line message shows it: unprintable characters escaped (``eve\\n``), the rest as is."""
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(path))
    return text if len(text) <= most else text[:most] + "..."


def _entry_row(name, status, reason):
    """A row about an entry that is nobody's submission (misplaced, or made by someone else): named after it."""
    return Submission(visible(name), "", status=status, reason=reason, names_student=False)


# --- The submitted/ layout: SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb


def _collect_submitted(root, entries, known_assignments, snapshots):
    found = []
    for entry in entries:
        if not entry.is_folder:
            found.append(_entry_row(Path(entry.name).stem, "wrong_layout",
                                    f"{visible(entry.name)} is not a student folder; expected {SUBMITTED_LAYOUT}"))
        elif not valid_student_id(entry.name):
            found.append(Submission(visible(entry.name), "", status="invalid_student_id",
                                    reason="student folder names may use letters, digits and _ . @ + - only"))
        else:
            try:
                with root.sub(entry.name) as student_folder:
                    found += _collect_student(student_folder, entry.name, known_assignments, snapshots)
            except Unreadable as problem:
                found.append(Submission(entry.name, "", status="unreadable", reason=f"the student folder {problem}"))
    return found


def _collect_student(student_folder, student, known_assignments, snapshots):
    found = []
    for entry in student_folder.entries():
        if entry.is_folder:
            if entry.name in known_assignments:
                found.append(_check_assignment_folder(student, student_folder, entry.name, entry.name, snapshots))
            else:
                found.append(_unknown_assignment(student, entry.name, known_assignments))
        elif entry.kind == "link" and entry.name in known_assignments:
            found.append(Submission(student, entry.name, status="wrong_layout",
                                    reason=f"{entry.name} is a symbolic link, which is refused (it could point at "
                                    "the answers); expected a folder"))
        elif entry.name.endswith(".ipynb"):
            stem = Path(entry.name).stem
            assignment = stem if stem in known_assignments else entry.name
            found.append(Submission(student, assignment, status="wrong_layout",
                                    reason=f"{visible(entry.name)} is directly in the student folder; expected "
                                    f"{student}/{visible(stem)}/{visible(stem)}.ipynb"))
    return found


def _unknown_assignment(student, name, known_assignments):
    return Submission(student, visible(name), status="unknown_assignment",
                      reason=f"no assignment called {visible(name)!r}; known: {', '.join(sorted(known_assignments))}")


@dataclass(frozen=True)
class InboundClaim:
    """What an inbound entry's name claims, to be checked against the entry itself."""

    entry: str  # the entry's name
    time: object  # the time in its name (naive UTC datetime)
    owners: Owners


def _check_assignment_folder(student, parent, folder_name, assignment, snapshots, claim=None, timestamp=True,
                             note=""):
    """The row for one submission folder that should hold ``<assignment>.ipynb``.

    Its time comes from ``claim`` (an inbound entry: checked against the entry's owner and
    ctime), else from its timestamp.txt if ``timestamp``, else there is none.
    """
    try:
        folder = parent.sub(folder_name)
    except Unreadable as problem:
        return _noted(Submission(student, assignment, status="unreadable", reason=f"{visible(folder_name)} {problem}"),
                      note)
    with folder:
        try:
            names = [entry.name for entry in folder.entries()]
        except Unreadable as problem:
            return _noted(Submission(student, assignment, status="unreadable",
                                     reason=f"{visible(folder_name)} {problem}"), note)
        notebook = f"{assignment}.ipynb"
        if notebook not in names:
            others = sorted(visible(name) for name in names if name.endswith(".ipynb"))
            if others:
                return _noted(Submission(student, assignment, status="wrong_file_name",
                                         reason=f"expected {notebook}, found {', '.join(others)}"), note)
            return _noted(Submission(student, assignment, status="missing", reason=f"{notebook} is missing"), note)
        if claim:
            refusal = claim.owners.refusal(student, folder.stat().st_uid)
            if refusal:  # it changed hands since it was listed
                return _entry_row(claim.entry, "wrong_owner", f"{visible(claim.entry)}: {refusal}")
        try:
            snapshot = folder.copy_notebook(notebook, snapshots)
        except Unreadable as problem:
            return _noted(Submission(student, assignment, status="invalid", reason=str(problem)), note)
        submission = Submission(student, assignment, notebook=snapshot.path, digest=snapshot.digest,
                                source=f"{folder.shown}/{notebook}")
        if claim:
            refusal = claim.owners.refusal(student, snapshot.uid)
            if refusal:
                return _entry_row(claim.entry, "wrong_owner", f"{visible(claim.entry)}/{notebook}: {refusal}")
            moment, time_note = submission_time(claim.time, max(folder.stat().st_ctime, snapshot.ctime), claim.owners)
            submission.timestamp = nbgrader_time(moment)
        else:
            time_note = _add_timestamp(submission, folder) if timestamp else ""
        return _noted(submission, "; ".join(n for n in (note, time_note) if n))


def _noted(submission, note):
    if note:
        submission.note = f"{submission.note}; {note}" if submission.note else note
        submission.reason = f"{submission.reason}; {note}" if submission.reason else note
    return submission


def _not_submitted(found, known):
    """A row for each assignment someone submitted that a student (with a valid id) has no row for."""
    seen = {s.assignment for s in found if s.assignment in known}
    students = {s.student for s in found if s.names_student and valid_student_id(s.student)
                and s.status != "not_on_roster" and (s.status != "wrong_layout" or s.assignment)}
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
    time: object  # the folder's timestamp as nbgrader's parse_utc reads it (a naive UTC datetime)


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


def _collect_inbound(root, entries, known, snapshots, owners):
    """Each student's latest entry per assignment, among the entries that student made."""
    found, groups = [], {}
    for entry in entries:
        name = _inbound_reading(entry.name, known)
        if name is None:
            found.append(_entry_row(entry.name, "wrong_layout", f"{visible(entry.name)} is not an nbgrader submission "
                                    f"folder; this is an inbound folder, expected {INBOUND_LAYOUT}"))
            continue
        refusal = owners.refusal(name.student, entry.uid) if valid_student_id(name.student) else None
        if refusal:
            found.append(_entry_row(entry.name, "wrong_owner", f"{visible(entry.name)}: {refusal}"))
            continue
        time, _ = submission_time(name.time, entry.ctime, owners)
        groups.setdefault((name.student, name.assignment), []).append((time, entry.name, entry, name))
    for (student, assignment), candidates in sorted(groups.items()):
        _, _, latest, name = max(candidates)  # nbgrader collect: the latest counts (then the last name)
        note = f"latest of {len(candidates)} submissions" if len(candidates) > 1 else ""
        if not valid_student_id(student):
            found.append(Submission(visible(student), visible(assignment), status="invalid_student_id",
                                    reason="student ids may use letters, digits and _ . @ + - only"))
        elif assignment not in known:
            found.append(_unknown_assignment(student, assignment, known))
        elif not latest.is_folder:
            found.append(_noted(Submission(student, assignment, status="wrong_layout",
                                           reason=f"{visible(latest.name)} is not a folder (or is a symbolic "
                                           f"link); expected {INBOUND_LAYOUT}"), note))
        else:
            claim = InboundClaim(latest.name, name.time, owners)
            found.append(_check_assignment_folder(student, root, latest.name, assignment, snapshots, claim=claim,
                                                  note=note))
    return found


# --- One notebook: <assignment>.ipynb, best inside <student>/<assignment>/ or an inbound folder.


def _collect_notebook(path, known, snapshots, owners):
    assignment = path.stem
    if assignment not in known:
        names = ", ".join(f"{a}.ipynb" for a in sorted(known))
        raise WrongInput(f"expected a notebook named after an assignment ({names}), found {_shown(path)}")
    folder = path.parent
    inbound = _inbound_name(folder.name, known)
    if folder.name == assignment and valid_student_id(folder.parent.name) and folder.parent.name not in COURSE_ENTRIES:
        student, source, claim = folder.parent.name, f"{folder.parent.name}/{assignment}/{assignment}.ipynb", None
    elif inbound and inbound.assignment == assignment and valid_student_id(inbound.student):
        student, source = inbound.student, f"the inbound folder {folder.name}"
        claim = InboundClaim(folder.name, inbound.time, owners)
    else:
        return _noted(_one_notebook("student", assignment, folder, snapshots, None, timestamp=False),
                      f"graded as student 'student': the path is not <student>/{assignment}/{assignment}.ipynb "
                      "with a valid student id")
    return _noted(_one_notebook(student, assignment, folder, snapshots, claim),
                  f"graded as student {student!r}, from {visible(source)}")


def _one_notebook(student, assignment, folder, snapshots, claim, timestamp=True):
    try:
        parent = Folder.open(folder.parent)
    except OSError as error:
        return Submission(student, assignment, status="unreadable", reason=f"cannot be opened ({error.strerror})")
    with parent:  # an inbound claim is checked there, against the folder's owner as its descriptor says
        return _check_assignment_folder(student, parent, folder.name, assignment, snapshots, claim=claim,
                                        timestamp=timestamp)


# --- timestamp.txt of the submitted/ layout: the submission time nbgrader autograde records.


def _add_timestamp(submission, folder):
    """Set the submission's timestamp from its folder's timestamp.txt if nbgrader can read it; else say why not."""
    try:
        data = folder.read_small(TIMESTAMP_FILE, MAX_TIMESTAMP_BYTES)
    except NotThere:
        return ""
    except Unreadable as problem:
        return f"{TIMESTAMP_FILE} ignored: {problem}"
    text, problem = _checked_timestamp(data)
    if problem:
        return f"{TIMESTAMP_FILE} ignored: {problem}"
    submission.timestamp = text
    return ""


def _checked_timestamp(data):
    """``(text, None)`` for a timestamp nbgrader reads, else ``(None, what is wrong)``."""
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

    For the grader's own copies (the worker checks the one it is given before reading it).
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

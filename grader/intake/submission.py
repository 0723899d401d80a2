"""What collect finds: one :class:`Submission` per student and assignment, gradable (its notebook
read once into the run's private copy) or not (a status and a one-line reason), and the checks of
one assignment folder, its notebook and its timestamp that every layout shares.
"""

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from grader.intake.identity import nbgrader_time, Owners, submission_time
from grader.intake.snapshots import Folder, NotThere, Unreadable
from grader.status import Status


SUBMITTED_LAYOUT = "SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb"
INBOUND_LAYOUT = "INBOUND/<student>+<assignment>+<timestamp>/<assignment>.ipynb"
ANY_LAYOUT = (f"a submitted/ folder ({SUBMITTED_LAYOUT}), an exchange inbound/ folder ({INBOUND_LAYOUT}) "
              "or one <assignment>.ipynb")
TIMESTAMP_FILE = "timestamp.txt"
MAX_TIMESTAMP_BYTES = 100
# What nbgrader's timestamp formats print ("2024-03-01 14:05:09.123456 UTC"). No "/": given a
# time-zone name with one, dateutil would open that file.
TIMESTAMP_TEXT = re.compile(r"[0-9A-Za-z][0-9A-Za-z :.+_-]*")


class WrongInput(ValueError):
    """The path is not submissions in a layout collect reads; the one-line message says what was
    expected and what was found."""


@dataclass
class Submission:
    student: str  # a student id, or, where ``names_student`` is False, the name of the entry the row is about
    assignment: str
    notebook: Path = None  # set when the submission can be graded: the grader's private copy of its bytes
    status: Status = Status.PENDING  # else why not: one of grader.status.STATUSES
    reason: str = ""
    timestamp: str = None  # when it was submitted, as nbgrader reads it (identity.py says from what)
    note: str = ""  # what collect noticed that grading does not change (also in reason)
    source: str = ""  # where the notebook was found, as shown to the instructor
    digest: str = None  # sha256 of the notebook's bytes, as read once
    names_student: bool = True


def visible(name):
    """A file name as it may be shown: control characters escaped (``eve\\n``), at most 100 characters."""
    return name.encode("unicode_escape").decode("ascii")[:100]


def entry_row(name, status, reason):
    """A row about an entry that is nobody's submission (misplaced, or made by someone else): named after it."""
    return Submission(visible(name), "", status=status, reason=reason, names_student=False)


@dataclass(frozen=True)
class InboundClaim:
    """What an inbound entry's name claims, to be checked against the entry itself."""

    entry: str  # the entry's name
    time: object  # the time in its name (naive UTC datetime)
    owners: Owners


def check_assignment_folder(student, parent, folder_name, assignment, snapshots, claim=None, timestamp=True,
                             note=""):
    """The row for one submission folder that should hold ``<assignment>.ipynb``.

    Its time comes from ``claim`` (an inbound entry: checked against the entry's owner and
    ctime), else from its timestamp.txt if ``timestamp``, else there is none.
    """
    try:
        folder = parent.sub(folder_name)
    except Unreadable as problem:
        return with_note(Submission(student, assignment, status=Status.UNREADABLE, reason=f"{visible(folder_name)} {problem}"),
                      note)
    with folder:
        try:
            names = [entry.name for entry in folder.entries()]
        except Unreadable as problem:
            return with_note(Submission(student, assignment, status=Status.UNREADABLE,
                                     reason=f"{visible(folder_name)} {problem}"), note)
        notebook = f"{assignment}.ipynb"
        if notebook not in names:
            others = sorted(visible(name) for name in names if name.endswith(".ipynb"))
            if others:
                return with_note(Submission(student, assignment, status=Status.WRONG_FILE_NAME,
                                         reason=f"expected {notebook}, found {', '.join(others)}"), note)
            return with_note(Submission(student, assignment, status=Status.MISSING, reason=f"{notebook} is missing"), note)
        if claim:
            refusal = claim.owners.refusal(student, folder.stat().st_uid)
            if refusal:  # it changed hands since it was listed
                return entry_row(claim.entry, Status.WRONG_OWNER, f"{visible(claim.entry)}: {refusal}")
        try:
            snapshot = folder.copy_notebook(notebook, snapshots)
        except Unreadable as problem:
            return with_note(Submission(student, assignment, status=Status.INVALID, reason=str(problem)), note)
        submission = Submission(student, assignment, notebook=snapshot.path, digest=snapshot.digest,
                                source=f"{folder.shown}/{notebook}")
        if claim:
            refusal = claim.owners.refusal(student, snapshot.uid)
            if refusal:
                return entry_row(claim.entry, Status.WRONG_OWNER, f"{visible(claim.entry)}/{notebook}: {refusal}")
            moment, time_note = submission_time(claim.time, max(folder.stat().st_ctime, snapshot.ctime), claim.owners)
            submission.timestamp = nbgrader_time(moment)
        else:
            time_note = _add_timestamp(submission, folder) if timestamp else ""
        return with_note(submission, "; ".join(n for n in (note, time_note) if n))


def with_note(submission, note):
    if note:
        submission.note = f"{submission.note}; {note}" if submission.note else note
        submission.reason = f"{submission.reason}; {note}" if submission.reason else note
    return submission


def one_notebook(student, assignment, folder, snapshots, claim, timestamp=True):
    try:
        parent = Folder.open(folder.parent)
    except OSError as error:
        return Submission(student, assignment, status=Status.UNREADABLE, reason=f"cannot be opened ({error.strerror})")
    with parent:  # an inbound claim is checked there, against the folder's owner as its descriptor says
        return check_assignment_folder(student, parent, folder.name, assignment, snapshots, claim=claim,
                                        timestamp=timestamp)


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
    if parse_timestamp(text) is None:
        return None, "not a timestamp nbgrader can read"  # its text is not repeated: the student wrote it
    return text, None


def parse_timestamp(text):
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


def unknown_assignment_row(student, name, known_assignments):
    return Submission(student, visible(name), status=Status.UNKNOWN_ASSIGNMENT,
                      reason=f"no assignment called {visible(name)!r}; known: {', '.join(sorted(known_assignments))}")

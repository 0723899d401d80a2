"""Who made a submission and when, from what a student cannot write.

nbgrader's exchange ``inbound/`` folder is writable by every student, and an entry's name
(``<student>+<assignment>+<timestamp>+<random>``) is chosen by whoever makes it. So:

- **who**: an entry counts for the student it names only if that student owns it
  (:class:`Owners`): by default the local user of that name (``--owners system``: students
  submit from their own accounts, as nbgrader's exchange expects); or the uids of a file
  (``--owners FILE.csv``, for a hub whose users have uids not named like them); or nobody is
  checked (``--owners any``: only where the exchange is written by a trusted service, since
  then anyone who can write to inbound/ can submit in anyone's name, at any time).
- **which students**: with a roster (:class:`Roster`: ``--roster`` names a file of ids or an
  nbgrader gradebook, whose ``nbgrader db student`` list is the course's roster), a student
  who is not on it is reported and never added to the grades.
- **when**: the time nbgrader's exchange puts in the entry's name, checked against the
  ctime of the entry and of its notebook (set by the kernel, not by users): an entry changed
  more than :data:`CTIME_SLACK_SECONDS` away from the time in its name gets its ctime.
  A ``timestamp.txt`` inside an inbound entry is never read: the student wrote it.
"""

import csv
import io
import pwd
import re
from datetime import datetime, timezone
from pathlib import Path

# nbgrader submit takes its timestamp, then copies the files: an honest entry's ctime follows its name within seconds.
CTIME_SLACK_SECONDS = 120
NBGRADER_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"  # nbgrader's default timestamp_format, in UTC
# Matched against the WHOLE folder name (fullmatch: no trailing newline); the first character
# is a letter or digit, so no id starts like a spreadsheet formula (= + - @).
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}")


def valid_student_id(name):
    return isinstance(name, str) and STUDENT_ID.fullmatch(name) is not None


class IdentityError(ValueError):
    """An --owners or --roster that cannot be used; the message says why, in one line."""


def _account_name(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


class Owners:
    """Which uid may make an inbound entry in a student's name."""

    def __init__(self, kind, uids=None, shown=""):
        self.kind, self._uids, self.shown = kind, uids or {}, shown or kind

    @classmethod
    def parse(cls, spec):
        """``system``, ``any``, or a CSV file with columns ``student_id`` and ``uid``."""
        if spec in (None, "system"):
            return cls("system")
        if spec == "any":
            return cls("any")
        path = Path(spec)
        try:
            rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
            return cls("file", {row["student_id"]: int(row["uid"]) for row in rows}, shown=str(path))
        except (OSError, UnicodeDecodeError, KeyError, TypeError, ValueError, csv.Error) as error:
            raise IdentityError(f"--owners {spec}: expected system, any, or a CSV file with columns "
                                f"student_id,uid ({type(error).__name__}: {str(error)[:100]})") from None

    @property
    def checks(self):
        return self.kind != "any"

    def uid_of(self, student):
        if self.kind == "file":
            return self._uids.get(student)
        try:
            return pwd.getpwnam(student).pw_uid
        except KeyError:
            return None

    def refusal(self, student, uid):
        """None if ``uid`` may submit as ``student``, else why not (one line, no student-chosen text but the id)."""
        if not self.checks:
            return None
        expected = self.uid_of(student)
        if expected is None:
            where = "in " + self.shown if self.kind == "file" else "on this machine"
            return f"made by {_account_name(uid)}, and there is no user {student} {where} (--owners {self.shown})"
        if uid != expected:
            return f"made by {_account_name(uid)}, not by {student}: only a student's own entries count"
        return None


class Roster:
    """The students of the course: ids from a text file (one per line, or a CSV with an ``id`` or
    ``student_id`` column, as ``nbgrader db student import`` reads) or from an nbgrader gradebook."""

    def __init__(self, ids, shown):
        self.ids, self.shown = frozenset(ids), shown

    def __contains__(self, student):
        return student in self.ids

    @classmethod
    def load(cls, path):
        path = Path(path)
        if not path.is_file():
            raise IdentityError(f"--roster {path}: no such file")
        ids = cls._from_gradebook(path) if path.suffix == ".db" else cls._from_text(path)
        if not ids:
            raise IdentityError(f"--roster {path}: holds no student")
        return cls(ids, str(path))

    @staticmethod
    def _from_gradebook(path):
        from nbgrader.api import Gradebook

        try:
            with Gradebook(f"sqlite:///{path}") as gb:
                return [student.id for student in gb.students]
        except Exception as error:  # noqa: BLE001 - sqlalchemy raises several kinds for a file that is no gradebook
            raise IdentityError(f"--roster {path}: not an nbgrader gradebook ({type(error).__name__})") from None

    @staticmethod
    def _from_text(path):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise IdentityError(f"--roster {path}: cannot be read as UTF-8 text ({type(error).__name__})") from None
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines and "," in lines[0]:
            reader = csv.DictReader(io.StringIO(text))
            column = next((c for c in ("id", "student_id") if c in (reader.fieldnames or [])), None)
            if column is None:
                raise IdentityError(f"--roster {path}: a CSV roster needs an id or student_id column")
            return [row[column].strip() for row in reader if (row.get(column) or "").strip()]
        return lines


def submission_time(name_time, ctime, owners):
    """``(time, note)``: when an inbound entry was submitted, as a naive UTC datetime.

    ``name_time`` is the time in the entry's name (naive UTC, as nbgrader reads it), ``ctime``
    the latest ctime of the entry and its notebook. With owners checked, an entry changed more
    than :data:`CTIME_SLACK_SECONDS` away from its name gets its ctime, and ``note`` says so.
    """
    if not owners.checks or ctime is None:
        return name_time, ""
    changed = datetime.fromtimestamp(ctime, timezone.utc).replace(tzinfo=None)
    if abs((changed - name_time).total_seconds()) <= CTIME_SLACK_SECONDS:
        return name_time, ""
    return changed, (f"submission time {nbgrader_time(changed)} (when the entry last changed), "
                     f"not {nbgrader_time(name_time)} as its name says")


def nbgrader_time(moment):
    """A naive UTC datetime as nbgrader writes timestamps (and reads them back with parse_utc)."""
    return moment.strftime(NBGRADER_TIME_FORMAT)

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

from pathlib import Path

from grader.intake.identity import Owners, valid_student_id
from grader.intake.inbound import collect_inbound, inbound_name
from grader.intake.snapshots import Folder, Unreadable
from grader.intake.submission import (ANY_LAYOUT, check_assignment_folder, entry_row, INBOUND_LAYOUT,
                                      InboundClaim, one_notebook, Submission, SUBMITTED_LAYOUT,
                                      unknown_assignment_row, visible, with_note, WrongInput)
from grader.status import Status


# Entries of an nbgrader course folder and of an exchange course folder: never students here.
COURSE_ENTRIES = ("source", "release", "submitted", "autograded", "feedback", "nbgrader_config.py", "gradebook.db")
EXCHANGE_ENTRIES = ("inbound", "outbound")




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
                found = collect_inbound(root, entries, known, snapshots, owners)
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
                with_note(chosen, f"not graded: {other.reason}")
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
        kept.append(Submission(student, "", status=Status.NOT_ON_ROSTER,
                               reason=f"not on the roster ({visible(roster.shown)}); {len(rows)} entr"
                               f"{'y' if len(rows) == 1 else 'ies'} found, none graded or added"))
    return kept


def _layout(root, path, entries, known):
    shown = _shown(path)
    if not entries:
        raise WrongInput(f"expected {ANY_LAYOUT}, found an empty folder: {shown}")
    if any(inbound_name(entry.name, known) for entry in entries):
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
    if mine and (path.name in known or inbound_name(path.name, known)):
        notebook = next((e for e in mine if e.name.endswith(".ipynb")), mine[0])
        every = path.parent if inbound_name(path.name, known) else path.parent.parent
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


def _collect_submitted(root, entries, known_assignments, snapshots):
    found = []
    for entry in entries:
        if not entry.is_folder:
            found.append(entry_row(Path(entry.name).stem, Status.WRONG_LAYOUT,
                                    f"{visible(entry.name)} is not a student folder; expected {SUBMITTED_LAYOUT}"))
        elif not valid_student_id(entry.name):
            found.append(Submission(visible(entry.name), "", status=Status.INVALID_STUDENT_ID,
                                    reason="student folder names may use letters, digits and _ . @ + - only"))
        else:
            try:
                with root.sub(entry.name) as student_folder:
                    found += _collect_student(student_folder, entry.name, known_assignments, snapshots)
            except Unreadable as problem:
                found.append(Submission(entry.name, "", status=Status.UNREADABLE, reason=f"the student folder {problem}"))
    return found


def _collect_student(student_folder, student, known_assignments, snapshots):
    found = []
    for entry in student_folder.entries():
        if entry.is_folder:
            if entry.name in known_assignments:
                found.append(check_assignment_folder(student, student_folder, entry.name, entry.name, snapshots))
            else:
                found.append(unknown_assignment_row(student, entry.name, known_assignments))
        elif entry.kind == "link" and entry.name in known_assignments:
            found.append(Submission(student, entry.name, status=Status.WRONG_LAYOUT,
                                    reason=f"{entry.name} is a symbolic link, which is refused (it could point at "
                                    "the answers); expected a folder"))
        elif entry.name.endswith(".ipynb"):
            stem = Path(entry.name).stem
            assignment = stem if stem in known_assignments else entry.name
            found.append(Submission(student, assignment, status=Status.WRONG_LAYOUT,
                                    reason=f"{visible(entry.name)} is directly in the student folder; expected "
                                    f"{student}/{visible(stem)}/{visible(stem)}.ipynb"))
    return found



def _not_submitted(found, known):
    """A row for each assignment someone submitted that a student (with a valid id) has no row for."""
    seen = {s.assignment for s in found if s.assignment in known}
    students = {s.student for s in found if s.names_student and valid_student_id(s.student)
                and s.status != Status.NOT_ON_ROSTER and (s.status != Status.WRONG_LAYOUT or s.assignment)}
    rows = []
    for student in sorted(students):
        submitted = {s.assignment for s in found if s.student == student}
        rows += [Submission(student, assignment, status=Status.NOT_SUBMITTED, reason="no submission for this assignment")
                 for assignment in sorted(seen - submitted)]
    return rows


def _collect_notebook(path, known, snapshots, owners):
    assignment = path.stem
    if assignment not in known:
        names = ", ".join(f"{a}.ipynb" for a in sorted(known))
        raise WrongInput(f"expected a notebook named after an assignment ({names}), found {_shown(path)}")
    folder = path.parent
    inbound = inbound_name(folder.name, known)
    if folder.name == assignment and valid_student_id(folder.parent.name) and folder.parent.name not in COURSE_ENTRIES:
        student, source, claim = folder.parent.name, f"{folder.parent.name}/{assignment}/{assignment}.ipynb", None
    elif inbound and inbound.assignment == assignment and valid_student_id(inbound.student):
        student, source = inbound.student, f"the inbound folder {folder.name}"
        claim = InboundClaim(folder.name, inbound.time, owners)
    else:
        return with_note(one_notebook("student", assignment, folder, snapshots, None, timestamp=False),
                      f"graded as student 'student': the path is not <student>/{assignment}/{assignment}.ipynb "
                      "with a valid student id")
    return with_note(one_notebook(student, assignment, folder, snapshots, claim),
                  f"graded as student {student!r}, from {visible(source)}")

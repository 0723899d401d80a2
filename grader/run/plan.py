"""What a run grades: the selection, the input and output folders kept apart, the due dates, and
the split of what collect found into submissions to grade now and rows decided without grading
(collect's own verdicts, and grades kept from earlier runs for the same bytes and settings).
"""

import json
import sys

from grader.course import assignment_ids, course_digest
from grader.intake.submission import WrongInput
from grader.records import store as records
from grader.records.report import clean_field
from grader.run.keep import record_of
from grader.status import ABSENT, Status


def refuse_nested(submissions_dir, out):
    """--out inside the submissions (its source/ would be graded as a student's), or the reverse: exit 2."""
    submissions = submissions_dir.resolve()
    if out == submissions or submissions in out.parents:
        raise WrongInput(f"--out {out} is inside the submissions {submissions}: the next run would grade the "
                         "grader's own files as students'; choose an --out outside it")
    if out in submissions.parents:
        raise WrongInput(f"the submissions {submissions} are inside --out {out}: choose an --out outside them")


def fingerprinted_settings(settings, due):
    """``{assignment: text}``: every setting that changes an assignment's grades, for the fingerprint."""
    return {a: json.dumps({"due": due[a].isoformat() if due.get(a) else None, "late_penalty": settings.late_penalty,
                           "run_experiments": settings.run_experiments, "course": course_digest()}, sort_keys=True)
            for a in assignment_ids()}


def wanted_submissions(found, selection):
    """The submissions ``--student`` and ``--assignment`` ask for; an id that matches nothing is an error."""
    for flag, wanted, have in (("--student", selection.students, {s.student for s in found}),
                               ("--assignment", selection.assignments, {s.assignment for s in found})):
        unknown = sorted(set(wanted) - have)
        if unknown:
            raise WrongInput(f"{flag} {', '.join(map(repr, unknown))}: no such submission here "
                             f"(found {len(have)}: {', '.join(sorted(map(repr, have))[:10])})")
    return [s for s in found if (not selection.students or s.student in selection.students)
            and (not selection.assignments or s.assignment in selection.assignments)]


def plan_grading(found, earlier, force, grading_settings, in_gradebook):
    """Split what was found into submissions to grade now and records decided without grading:
    collect's own verdicts (missing, invalid id, ...) and unchanged grades kept from ``earlier``
    (a final outcome for the same bytes, time and settings, still in gradebook.db if it was graded).
    A missing or not-submitted row never replaces a grade given before: that grade is kept."""
    to_grade, decided = [], {}
    for submission in found:
        key = (submission.student, submission.assignment)
        before = earlier.get(key)
        if submission.notebook is None:
            if submission.status in ABSENT and before and before["status"] not in ABSENT:
                print(f"grader: kept the earlier grade of {clean_field(key)}: its submission is no longer here",
                      file=sys.stderr)
                continue
            decided[key] = record_of(submission, {"status": submission.status, "reason": submission.reason})
            continue
        submission.fingerprint = records.fingerprint(submission, grading_settings[submission.assignment])
        if not force and records.unchanged(before, submission.fingerprint) and (
                before["status"] != Status.GRADED or key in in_gradebook):
            continue  # graded before, nothing changed: the earlier record stands
        to_grade.append(submission)
    return to_grade, decided


def given_due_dates(due, assignments):
    """``--due`` values per assignment: ``{"*": date}`` applies to all; naive UTC datetimes as nbgrader keeps them."""
    from nbgrader.utils import parse_utc

    due = due or {}
    return {a: parse_utc(due.get(a) or due.get("*")) for a in assignments if due.get(a) or due.get("*")}


def parse_due(values):
    """``--due DATE`` (every assignment) or ``--due ASSIGNMENT=DATE``, as ``{assignment or "*": DATE}``."""
    from nbgrader.utils import parse_utc

    due = {}
    for value in values:
        assignment, _, date = value.rpartition("=") if "=" in value else ("*", "", value)
        try:
            parse_utc(date)
        except (ValueError, OverflowError):
            raise WrongInput(f"--due {value!r}: not a date (use e.g. 2026-12-01T23:59:00+01:00)") from None
        due[assignment or "*"] = date
    return due

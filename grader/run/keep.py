"""Keeping what a submission got, as each one finishes: its record built from the checked result,
its gradebook rows, then its record saved (records/), in that order; the profile of its steps.
"""

import sys
from contextlib import ExitStack

from grader.course import assignment_ids, max_scores
from grader.intake.identity import valid_student_id
from grader.records import gradebook, store as records
from grader.records.report import clean_field
from grader.status import FINAL, Status


def record_of(submission, result):
    """What a submission got, as records/store.py keeps it: every field bounded and clean. ``result`` is
    collect's verdict or a grading result that :func:`checked_result` passed."""
    points = max_scores(submission.assignment) if submission.assignment in assignment_ids() else {}
    by_id = {c["grade_id"]: c for c in result.get("cells") or []}
    cells = [by_id.get(grade_id) or {"grade_id": grade_id, "score": 0.0, "max_score": maximum,
                                     "nbgrader_score": 0.0, "judge": "not run"}
             for grade_id, maximum in sorted(points.items())]
    cells = [{"grade_id": c["grade_id"], "score": float(c["score"]), "max_score": points[c["grade_id"]],
              "nbgrader_score": float(c["nbgrader_score"]), "judge": clean_field(c["judge"]),
              "mistake": clean_field(c.get("mistake", ""))} for c in cells]
    late_penalty = min(float(result.get("late_penalty") or 0.0), sum(points.values()))
    return {
        "student": submission.student,
        "assignment": submission.assignment,
        "status": result.get("status", Status.GRADER_ERROR),
        "reason": clean_field("; ".join(filter(None, (result.get("reason", ""), submission.note)))),
        "score": records.final_score(cells, late_penalty),
        "max_score": sum(points.values()),
        "cells": cells,
        "timestamp": result.get("timestamp") or submission.timestamp,
        "seconds_late": float(result.get("seconds_late") or 0.0),
        "late_penalty": late_penalty,
        "fingerprint": getattr(submission, "fingerprint", None),
        "notebook_sha256": submission.digest,
        "graded_at": records.now(),
    }


def keep_decided(out, decided, earlier):
    """Records decided without grading (missing, invalid ids, ...): saved, and the gradebook told."""
    db_path = out / "gradebook.db"
    with ExitStack() as stack:
        db = stack.enter_context(gradebook.open_gradebook(db_path)) if db_path.exists() else None
        for key, record in decided.items():
            if db is not None and valid_student_id(record["student"]) and record["assignment"] in assignment_ids():
                gradebook.sync(db, record, earlier.get(key))
            records.save_record(out, record)


def keep_graded(out, db, submission, result, earlier):
    """A submission's gradebook rows, then its record. A grader_error never replaces a grade given
    before (the run did not grade it; the error is reported). A disk that fills costs the record
    only: the grade still reaches grades.csv, and the next run grades that submission again."""
    record = record_of(submission, result)
    before = earlier.get((submission.student, submission.assignment))
    if record["status"] == Status.GRADER_ERROR and before and before["status"] in FINAL:
        print(f"grader: could not grade {clean_field((submission.student, submission.assignment))} "
              f"({record['reason']}); its earlier grade is kept", file=sys.stderr)
        return before
    if valid_student_id(submission.student):
        try:
            gradebook.sync(db, record, before)
        except Exception as error:  # noqa: BLE001 - sqlite errors too: this submission's row only
            db.db.rollback()
            record["reason"] = clean_field(f"{record['reason']}; not written to gradebook.db ({error})")
            record["fingerprint"] = None  # so that the next run grades it again
    try:
        records.save_record(out, record)
    except OSError as error:
        print(f"grader: the record of {clean_field((submission.student, submission.assignment))} was not saved "
              f"({error.strerror}); the next run grades it again", file=sys.stderr)
    return record


def add_profile(profiles, result, keep_seconds):
    profile = result.get("profile")
    if result.get("status") == Status.GRADED and isinstance(profile, dict):
        profiles.append({**{str(k): float(v) for k, v in profile.items() if isinstance(v, (int, float))},
                         "keep": keep_seconds})

"""Report: grades.csv and grades_by_cell.csv, rebuilt from the output folder's records and its
gradebook.db (the scores, manual grades given in formgrader included), and each graded
submission's feedback page and autograded notebook, all written to temporary names first and
then renamed, so an interrupted run leaves the previous results whole.

Every text field is cleaned on its way into a CSV file (:func:`clean_field`): a
student controls much of what reaches a reason (folder names, what their code
raises or prints), and the files are opened in spreadsheets and parsed by scripts.
"""

import csv
import io
import re
import sys
from pathlib import Path

from grader.intake.identity import valid_student_id
from grader.records.atomic import atomic_copy, replacing
from grader.records.gradebook import final_grades
from grader.records.store import final_score, load_records, only_writer
from grader.status import Status

# score is final: the cells' points less any late penalty (what ``nbgrader export`` calls score).
GRADE_COLUMNS = ["assignment", "student_id", "score", "max_score", "status", "reason",
                 "timestamp", "seconds_late", "late_penalty", "comments"]
CELL_COLUMNS = ["assignment", "student_id", "grade_id", "score", "max_score", "nbgrader_score", "judge", "mistake"]


def write_reports(out, records):
    """Write grades.csv and grades_by_cell.csv, one row per (student, assignment) in the output
    folder whichever run graded it: each record (store.py) with the scores ``out/gradebook.db``
    holds for it now; returns the rows of grades.csv."""
    out = Path(out)
    book = final_grades(out / "gradebook.db")
    rows, cell_rows = [], []
    for record in sorted(records, key=lambda r: (r["student"], r["assignment"])):
        record = as_in_gradebook(record, book)
        rows.append({"assignment": record["assignment"], "student_id": record["student"],
                     "score": _number(record["score"]), "max_score": _number(record["max_score"]),
                     "status": record["status"], "reason": record["reason"],
                     "timestamp": record.get("timestamp") or "",
                     "seconds_late": _number(record.get("seconds_late") or 0),
                     "late_penalty": _number(record.get("late_penalty") or 0),
                     "comments": record.get("comments", "")})
        for cell in record["cells"]:
            cell_rows.append({"assignment": record["assignment"], "student_id": record["student"],
                              "grade_id": cell["grade_id"], "score": _number(cell["score"]),
                              "max_score": _number(cell["max_score"]),
                              "nbgrader_score": _number(cell["nbgrader_score"]), "judge": cell["judge"],
                              "mistake": cell.get("mistake", "")})
    try:
        write_csv(out / "grades.csv", GRADE_COLUMNS, rows)
        write_csv(out / "grades_by_cell.csv", CELL_COLUMNS, cell_rows)
    except OSError as error:
        # A full disk must not lose the grades of this run: they go to the terminal instead.
        print(f"grader: could not write the reports in {out} ({error}); the grades follow", file=sys.stderr)
        sys.stderr.write(_csv_text(GRADE_COLUMNS, rows))
        raise
    return rows


def refresh_reports(out):
    """Rebuild grades.csv and grades_by_cell.csv of an output folder from its records and gradebook.db
    (manual grades given in formgrader since the last run included); returns the rows of grades.csv."""
    with only_writer(out):
        return write_reports(out, load_records(out).values())


def as_in_gradebook(record, book):
    """``record`` with the scores the gradebook holds for it (``book``: gradebook.final_grades), the
    instructor's manual grades and comments noted; other outcomes are not in the gradebook and stand."""
    if record["status"] != Status.GRADED or not valid_student_id(record["student"]):
        return record
    entry = book.get((record["student"], record["assignment"]))
    if entry is None:
        return {**record, "reason": f"{record['reason']}; not in gradebook.db: the next run grades it again"}
    cells, notes = [], []
    for cell in record["cells"]:
        given = entry["cells"].get(cell["grade_id"], cell["score"])
        score = min(max(given, 0.0), cell["max_score"])
        if given != cell["score"]:
            notes.append(f"{cell['grade_id']} {_number(given)} (the grader gave {_number(cell['score'])})")
        if score != given:
            notes.append(f"{cell['grade_id']} counted as {_number(score)}, its points")
        cells.append({**cell, "score": score})
    reason = record["reason"] + (f"; graded in formgrader: {', '.join(notes)}" if notes else "")
    penalty = min(entry["late_penalty"], record["max_score"])
    return {**record, "cells": cells, "score": final_score(cells, penalty), "late_penalty": penalty,
            "reason": reason, "comments": "; ".join(entry["comments"])}


def _number(value):
    return f"{value:g}"


MAX_FIELD_CHARS = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean_field(value, limit=MAX_FIELD_CHARS):
    """One line of at most ``limit`` characters, no control characters, never read as a formula.

    Control characters (CR, LF and tabs among them) become spaces; a value that would start
    like a spreadsheet formula gets a leading apostrophe (OWASP's advice on CSV injection).
    """
    text = _CONTROL.sub(" ", str(value)).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "'" + text if text.startswith(_FORMULA_START) else text


def keep_result_files(out, submission, result):
    """Copy a graded submission's feedback page and autograded notebook into ``out`` as soon as
    it is graded (its working folder is removed right after), in nbgrader's course layout:
    ``autograded/<student>/<assignment>/`` and ``feedback/<student>/<assignment>/``, each with the
    submission's timestamp.txt when it has one. Returns ``result`` pointing at the copies.

    A copy that fails (a full disk, say) costs that file only: the grade stays and its reason says so.
    """
    if not valid_student_id(submission.student):
        return result
    kept = dict(result)
    name = submission.assignment
    for key in ("feedback", "autograded"):
        target_dir = out / key / submission.student / name
        if not result.get(key):
            if key == "feedback" and result.get("status") == Status.GRADED:
                kept["reason"] = f"{kept.get('reason', '')}; no feedback page (nbgrader could not write it)"
            continue
        source = Path(result[key])
        try:
            atomic_copy(source, target_dir / source.name)
            if (source.parent / "timestamp.txt").is_file():
                atomic_copy(source.parent / "timestamp.txt", target_dir / "timestamp.txt")
            kept[key] = str(target_dir / source.name)
        except OSError as error:
            kept[key] = None
            kept["reason"] = f"{kept.get('reason', '')}; {key} file not saved ({error.strerror or error})"
    return kept


def _csv_text(columns, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({column: clean_field(row[column]) for column in columns} for row in rows)
    return buffer.getvalue()


def write_csv(path, columns, rows):
    """Write ``rows`` (dicts) to ``path`` as CSV with ``columns``, every field cleaned, atomically."""
    with replacing(path) as partial:
        partial.write_text(_csv_text(columns, rows))

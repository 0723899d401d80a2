"""Export: ``python -m grader export GRADES_DIR --format canvas|moodle|csv --out FILE`` turns
``GRADES_DIR/grades.csv`` (one row per student and assignment) into one row per student and
one column per assignment (sorted by id), in the layout a gradebook import accepts.

**csv** — ``student_id``, one column per assignment, ``total`` (the sum of the row).

**canvas** — Gradebook → Import. Header ``Student, ID, SIS User ID, SIS Login ID, Section``,
then one column per assignment, then a ``Points Possible`` row, then one row per student with
the student id in *SIS Login ID* and the other four student columns empty. Checked against
Canvas's importer (https://github.com/instructure/canvas-lms/blob/master/lib/gradebook_importer.rb)
and the CSV guide https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades
(Canvas's own guide: https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807):

- the header must start with a column containing "Student" and one containing "ID"; when
  "SIS User ID" is followed by "SIS Login ID" a student is found by either, and the last
  student column must be "Section";
- an empty ID and SIS User ID make Canvas match on SIS Login ID (our ids are login names);
  the name stays empty too, so Canvas's last resort, matching by display name, never fires;
- a column whose header is an existing assignment's title (or ``Title (canvas id)``) updates it;
  any other header creates a new assignment of that title: our assignment ids are the titles;
- a row whose first cell contains "Points Possible" sets each assignment's points (for new
  assignments that is their only source); Canvas's own export writes the same row;
- no total column: Canvas computes its own, and an unknown header would become an assignment.

**moodle** — Grades → Import → CSV file. Header ``username`` and one column per assignment, no
points row (every row after the header must be a student) and no total (Moodle computes it).
In the import form choose *Identify user by*: **Map from** ``username`` → **Map to**
``username``, then map each assignment column to its grade item, or to *New grade item*
(new items get Moodle's default maximum of 100: set it to the assignment's points).
Usernames are written in lower case, as Moodle stores them; two ids that differ only in case
are refused. Moodle stops the whole import at the first username it does not know.
Sources: https://docs.moodle.org/311/en/Grade_import ,
https://github.com/moodle/moodle/blob/main/grade/import/csv/classes/load_data.php (map-to
``username``; an empty cell or ``-`` *removes* a grade), https://docs.moodle.org/311/en/error/moodle/invalidusername .

**One truth.** In an output folder of ``python -m grader autograde`` (it has ``records/``),
grades.csv and grades_by_cell.csv are first rebuilt from gradebook.db and the records, so a
manual grade given in formgrader since the last grading run is exported too.

**Which rows, which numbers.** The score column is the grade whatever the status: the grader
writes 0 for missing, not_submitted, invalid, timeout and the rest, and those are exported as 0,
not left empty. A zero is what the course's rules give, the LMS totals then equal ours, and an
empty cell means "no grade" (Canvas leaves it out of the current score; Moodle removes a grade
already there). A student with no row at all in grades.csv (nothing submitted for any assignment)
is not in the export. Left out, and counted on stderr:

- rows whose student_id is not a login name ``[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}`` (the grader
  writes hostile folder names escaped, sometimes behind an apostrophe: never a real account);
- rows for an assignment with max_score 0 (a folder or file named like no course assignment).

If a student has two rows for one assignment (a notebook in the right folder and a stray copy
beside it), the higher score counts. Every field goes through :func:`grader.report.clean_field`.
"""

import csv
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from grader.intake.identity import valid_student_id
from grader.records.atomic import replacing
from grader.records.report import clean_field, refresh_reports
from grader.records.store import FolderBusy, RECORDS

NEEDED_COLUMNS = ("assignment", "student_id", "score", "max_score")
CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


class ExportError(ValueError):
    """grades.csv cannot be exported; the message says why in one line."""


@dataclass
class GradeTable:
    """``scores[student][assignment]`` in points; ``max_points[assignment]``; ``left_out[reason]`` row counts."""

    scores: dict = field(default_factory=dict)
    max_points: dict = field(default_factory=dict)
    left_out: Counter = field(default_factory=Counter)

    @property
    def assignments(self):
        return sorted(self.max_points)

    @property
    def students(self):
        return sorted(self.scores, key=lambda student: (student.lower(), student))


def read_grades(path):
    """The :class:`GradeTable` of a grades.csv written by :mod:`grader.report`."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [name for name in NEEDED_COLUMNS if name not in (reader.fieldnames or [])]
            if missing:
                raise ExportError(f"{path} has no column {', '.join(missing)}; is it a grades.csv from the grader?")
            table = GradeTable()
            for row in reader:
                _add_row(table, row, f"{path} line {reader.line_num}")
    except UnicodeDecodeError:
        raise ExportError(f"{path} is not UTF-8 text; is it a grades.csv from the grader?") from None
    except csv.Error as error:
        raise ExportError(f"{path} is not a readable CSV file ({error})") from None
    return table


def _add_row(table, row, where):
    student, assignment = row["student_id"], row["assignment"]
    if not valid_student_id(student):
        table.left_out["student_id is not a login name (hostile or escaped folder name)"] += 1
        return
    score, maximum = _number(row["score"], "score", where), _number(row["max_score"], "max_score", where)
    if maximum == 0:
        table.left_out["not a course assignment (max_score 0)"] += 1
        return
    if score > maximum:
        raise ExportError(f"{where}: score {row['score']} is above max_score {row['max_score']}")
    if table.max_points.setdefault(assignment, maximum) != maximum:
        raise ExportError(f"{where}: {assignment} has max_score {row['max_score']} here and "
                          f"{table.max_points[assignment]:g} on another line")
    scores = table.scores.setdefault(student, {})
    scores[assignment] = max(scores.get(assignment, score), score)


def _number(text, column, where):
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ExportError(f"{where}: {column} {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise ExportError(f"{where}: {column} {text!r} is not a number of points")
    return value + 0.0  # no -0.0: a field starting with "-" reads as a formula


def points(value):
    """Points as plain decimals (no exponent, at most 6 decimals): 7.5, 10, 0.333333."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _cell(scores, assignment):
    return points(scores[assignment]) if assignment in scores else ""


def csv_rows(table):
    rows = [["student_id", *table.assignments, "total"]]
    for student in table.students:
        scores = table.scores[student]
        rows.append([student, *(_cell(scores, a) for a in table.assignments), points(sum(scores.values()))])
    return rows


def canvas_rows(table):
    blank = [""] * len(CANVAS_STUDENT_COLUMNS)
    rows = [[*CANVAS_STUDENT_COLUMNS, *table.assignments],
            ["Points Possible", *blank[1:], *(points(table.max_points[a]) for a in table.assignments)]]
    for student in table.students:
        student_columns = ["", "", "", student, ""]
        rows.append([*student_columns, *(_cell(table.scores[student], a) for a in table.assignments)])
    return rows


def moodle_rows(table):
    usernames = {}
    for student in table.students:
        other = usernames.setdefault(student.lower(), student)
        if other != student:
            raise ExportError(f"{other} and {student} are the same Moodle username (Moodle lower-cases "
                              "usernames); rename one of the two student folders and grade again")
    rows = [["username", *table.assignments]]
    for username, student in usernames.items():
        rows.append([username, *(_cell(table.scores[student], a) for a in table.assignments)])
    return rows


FORMATS = {"canvas": canvas_rows, "moodle": moodle_rows, "csv": csv_rows}
HINTS = {
    "canvas": "in Canvas: Grades > Import; students are matched by SIS Login ID",
    "moodle": "in Moodle: Grades > Import > CSV file; Map from 'username' to 'username', "
              "then map each assignment column to its grade item",
    "csv": "",
}


def export(grades_dir, format_name, out):
    """Write ``GRADES_DIR/grades.csv`` to ``out`` in ``format_name``; returns the :class:`GradeTable`."""
    if format_name not in FORMATS:
        raise ExportError(f"unknown format {format_name!r}; choose one of {', '.join(FORMATS)}")
    source = Path(grades_dir) / "grades.csv"
    if not source.is_file():
        raise ExportError(f"no grades.csv in {grades_dir}; run python -m grader autograde first")
    if Path(out).resolve() == source.resolve():
        raise ExportError(f"--out {out} is grades.csv itself; choose another file")
    if (Path(grades_dir) / RECORDS).is_dir():
        refresh_reports(grades_dir)
    table = read_grades(source)
    rows = FORMATS[format_name](table)
    _write_rows(Path(out), rows)
    return table


def _write_rows(path, rows):
    """Write ``rows`` as CSV (RFC 4180, UTF-8), every field cleaned, atomically."""
    with replacing(path) as partial, open(partial, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([clean_field(value) for value in row] for row in rows)


def run_export(args):
    """CLI entry: 0 when the file is written; 2 with one line on stderr when it cannot be."""
    try:
        table = export(args.grades_dir, args.format, args.out)
    except (ExportError, OSError, FolderBusy) as error:
        print(f"grader export: {error}", file=sys.stderr)
        return 2
    for reason, count in sorted(table.left_out.items()):
        print(f"grader export: left out {count} row{'s' * (count != 1)}: {reason}", file=sys.stderr)
    print(f"{len(table.scores)} students x {len(table.max_points)} assignments written to {args.out} ({args.format})")
    if HINTS[args.format]:
        print(HINTS[args.format])
    return 0


def add_export_command(commands):
    """Add ``export`` to ``commands``, the subparsers object of ``python -m grader``."""
    export_parser = commands.add_parser(
        "export", help="grades.csv -> a gradebook import file for Canvas or Moodle, or a plain table",
        description="Write GRADES_DIR/grades.csv as a file to import: canvas (Grades > Import), moodle "
                    "(Grades > Import > CSV file) or csv (one row per student, with a total). "
                    "See grader/records/export.py for the layouts and the documentation they follow.")
    export_parser.add_argument("grades_dir", type=Path, metavar="GRADES_DIR", help="the folder with grades.csv")
    export_parser.add_argument("--format", default="csv", metavar="{canvas,moodle,csv}", help="default: csv")
    export_parser.add_argument("--out", type=Path, required=True, metavar="FILE")
    export_parser.set_defaults(run=run_export)
    return export_parser

"""What the class report reads from an output folder, bounded and cleaned, with what could not be read.

grades.csv and grades_by_cell.csv may have been edited by hand, and every notebook under
autograded/ holds what a student wrote: each file is read at most :data:`MAX_FILE_BYTES`, each
field through :func:`clean_field`, each student id and assignment checked before it names a path,
and every problem becomes one line of :attr:`ClassFolder.problems` instead of an exception.
"""

import csv
import errno
import io
import json
import math
import os
import re
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from grader.intake.identity import valid_student_id
from grader.intake.snapshots import Folder, NotThere, Unreadable
from grader.records.report import CELL_COLUMNS, clean_field, GRADE_COLUMNS
from grader.status import GRADING_STATUSES, Status

MAX_FILE_BYTES = 20 * 1024 * 1024  # the grader's own cap on a notebook; a CSV of 2,400 rows is ~1 MB
MAX_ANSWER_CHARS = 100_000  # the rebuild step's cap on an answer cell
MAX_PROBLEMS = 200
_COLLECT_VERDICTS = set(Status) - set(GRADING_STATUSES)  # given without grading, to whatever collect found
_SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION.*?^[ \t]*### END SOLUTION[^\n]*", re.MULTILINE | re.DOTALL)


@dataclass
class ClassFolder:
    """An output folder as the report sees it.

    ``grades``: rows of grades.csv (``score`` and ``max_score`` floats); ``cells``: rows of
    grades_by_cell.csv (the same); ``unplaced``: per status, the rows of grades.csv that name no
    valid student or assignment of the course because collect found none (``invalid_student_id``,
    ``unknown_assignment``, ...: a folder's own name); ``problems``: one line per file or row that could not be read.
    """

    root: Path
    grades: list = field(default_factory=list)
    cells: list = field(default_factory=list)
    unplaced: Counter = field(default_factory=Counter)
    problems: list = field(default_factory=list)

    def note(self, problem):
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(clean_field(problem))
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append("... and more problems, not listed")

    def answers(self, assignment, students):
        """``{student: {grade_id: code}}``: the answer cells of each student's autograded notebook."""
        found = {}
        for student in students:
            nb = self._notebook(Path("autograded") / student / assignment / f"{assignment}.ipynb")
            if nb is not None:
                found[student] = {grade_id: source for grade_id, source in _answer_cells(nb)}
        return found

    def template(self, assignment):
        """``{grade_id: code}``: each answer cell as released (source/, its solution taken out)."""
        nb = self._notebook(Path("source") / assignment / f"{assignment}.ipynb")
        return {grade_id: released_template(source) for grade_id, source in _answer_cells(nb or {})}

    def _notebook(self, relative):
        text = self.read_text(relative)
        if text is None:
            return None
        try:
            nb = json.loads(text)
        except (ValueError, RecursionError):
            self.note(f"{relative}: not a JSON notebook")
            return None
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
            self.note(f"{relative}: not a notebook (no list of cells)")
            return None
        return nb

    def read_text(self, relative):
        """The text of ``root/relative``, or None (and a problem) if it is missing, not a regular
        file, too large or not UTF-8. No link is followed below ``root`` (intake's descriptor walk)."""
        *folders, name = Path(relative).parts
        try:
            with ExitStack() as held:
                here = held.enter_context(Folder.open(self.root))
                for part in folders:
                    here = held.enter_context(here.sub(part))
                data = here.read_small(name, MAX_FILE_BYTES)
        except NotThere:
            self.note(f"{relative}: {os.strerror(errno.ENOENT)}")
            return None
        except Unreadable as error:
            self.note(f"{relative}: {error}")
            return None
        except OSError as error:  # the folder itself
            self.note(f"{relative}: {error.strerror or 'cannot be opened'}")
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.note(f"{relative}: not UTF-8 text")
            return None


def released_template(source):
    """An answer cell's ``source`` as nbgrader releases it: each solution region replaced by its stub."""
    return _SOLUTION.sub(r"\1# YOUR CODE HERE\n\1raise NotImplementedError()", source)


def read_folder(root):
    """The :class:`ClassFolder` of output folder ``root``: its grades.csv and grades_by_cell.csv."""
    folder = ClassFolder(Path(root))
    folder.grades = _rows(folder, "grades.csv", GRADE_COLUMNS)
    folder.cells = _rows(folder, "grades_by_cell.csv", CELL_COLUMNS)
    return folder


def _rows(folder, name, columns):
    """The rows of CSV file ``name`` that have every column, a valid student id and assignment and
    numbers 0 <= score <= max_score where those columns are; each other row is a problem."""
    text = folder.read_text(Path(name))
    if text is None:
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ("assignment", "student_id", "score", "max_score") if c not in (reader.fieldnames or [])]
    if missing:
        folder.note(f"{name}: no column {', '.join(missing)}; expected {', '.join(columns)}")
        return []
    rows = []
    try:
        for line, raw in enumerate(reader, start=2):
            row = {column: clean_field(raw.get(column) or "") for column in columns}
            problem = _name_problem(row) or (row.get("status") == Status.UNKNOWN_ASSIGNMENT and "no such assignment")
            if problem and row.get("status") in _COLLECT_VERDICTS and not _number_problem(row):
                folder.unplaced[row["status"]] += 1
                continue
            problem = problem or _number_problem(row)
            if problem:
                folder.note(f"{name} line {line}: {problem}; left out")
                continue
            rows.append({**row, "score": float(row["score"]), "max_score": float(row["max_score"])})
    except csv.Error as error:
        folder.note(f"{name}: not CSV from line {reader.line_num} on ({error})")
    return rows


def _name_problem(row):
    if not valid_student_id(row["student_id"]):
        return f"student id {row['student_id'][:40]!r} is not a valid id"
    if not valid_student_id(row["assignment"]):
        return f"assignment {row['assignment'][:40]!r} is not a valid name"
    return None


def _number_problem(row):
    try:
        score, top = float(row["score"]), float(row["max_score"])
    except ValueError:
        return "score or max_score is not a number"
    if not (math.isfinite(score) and math.isfinite(top) and 0 <= score <= top):
        return f"score {row['score']} is not between 0 and max_score {row['max_score']}"
    return None


def _answer_cells(nb):
    """``(grade_id, source)`` of each cell nbgrader marks as a solution, bounded; odd cells skipped."""
    for cell in nb.get("cells", []):
        cell = cell if isinstance(cell, dict) else {}
        meta = cell.get("metadata")
        meta = meta.get("nbgrader") if isinstance(meta, dict) else None
        source = cell.get("source", "")
        source = "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else source
        if isinstance(meta, dict) and meta.get("solution") is True and isinstance(meta.get("grade_id"), str) \
                and isinstance(source, str):
            yield clean_field(meta["grade_id"], 100), source[:MAX_ANSWER_CHARS]

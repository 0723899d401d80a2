"""Collect: find every submission in ``SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb``
and say plainly what is wrong with the ones that cannot be graded.

Nothing here executes or modifies a submission. Collect only looks at the file
system (names, types, sizes; symbolic links are refused, they could point at the
answers); a file's contents are read and checked by :func:`load_submission` in the
grading worker, in parallel, with a size limit and under the worker's deadline.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
# Matched against the WHOLE folder name (fullmatch: no trailing newline); the first character
# is a letter or digit, so no id starts like a spreadsheet formula (= + - @).
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}")


@dataclass
class Submission:
    student: str
    assignment: str
    notebook: Path = None  # set when the submission can be graded
    status: str = "pending"  # else why not: invalid, missing, wrong_file_name, wrong_layout, ...
    reason: str = ""
    result: dict = field(default_factory=dict)  # what grading it produced (worker.py): cells, feedback, ...


def visible(name):
    """A file name as it may be shown: control characters escaped (``eve\\n``), at most 100 characters."""
    return name.encode("unicode_escape").decode("ascii")[:100]


def valid_student_id(name):
    return isinstance(name, str) and STUDENT_ID.fullmatch(name) is not None


def collect(submissions_dir, known_assignments):
    """Every submission found, gradable or not, sorted by student then assignment."""
    found = []
    for student_dir in sorted(Path(submissions_dir).iterdir()):
        if student_dir.name.startswith("."):
            continue
        if student_dir.is_symlink() or not student_dir.is_dir():
            found.append(Submission(visible(student_dir.stem), "", status="wrong_layout",
                                    reason=f"{student_dir.name} is not a student folder; expected "
                                    "SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb"))
            continue
        if not valid_student_id(student_dir.name):
            found.append(Submission(visible(student_dir.name), "", status="invalid_student_id",
                                    reason="student folder names may use letters, digits and _ . @ + - only"))
            continue
        found += _collect_student(student_dir, known_assignments)
    seen = {s.assignment for s in found if s.assignment in known_assignments}
    for student in sorted({s.student for s in found if valid_student_id(s.student)
                           and (s.status != "wrong_layout" or s.assignment)}):
        submitted = {s.assignment for s in found if s.student == student}
        for assignment in sorted(seen - submitted):
            found.append(Submission(student, assignment, status="not_submitted", reason="no submission for this assignment"))
    return sorted(found, key=lambda s: (s.student, s.assignment))


def _collect_student(student_dir, known_assignments):
    student = student_dir.name
    found = []
    for entry in sorted(student_dir.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            if entry.name in known_assignments:
                found.append(_check_assignment_folder(student, entry))
            else:
                found.append(Submission(student, visible(entry.name), status="unknown_assignment",
                                        reason=f"no assignment called {visible(entry.name)!r}; "
                                        f"known: {', '.join(sorted(known_assignments))}"))
        elif entry.suffix == ".ipynb":
            assignment = entry.stem if entry.stem in known_assignments else entry.name
            found.append(Submission(student, assignment, status="wrong_layout",
                                    reason=f"{entry.name} is directly in the student folder; expected "
                                    f"{student}/{entry.stem}/{entry.stem}.ipynb"))
    return found


def _check_assignment_folder(student, folder):
    assignment = folder.name
    notebook = folder / f"{assignment}.ipynb"
    if not notebook.exists() and not notebook.is_symlink():
        others = sorted(p.name for p in folder.glob("*.ipynb"))
        if others:
            return Submission(student, assignment, status="wrong_file_name",
                              reason=f"expected {assignment}.ipynb, found {', '.join(others)}")
        return Submission(student, assignment, status="missing", reason=f"{assignment}.ipynb is missing")
    problem = file_problem(notebook)
    if problem:
        return Submission(student, assignment, status="invalid", reason=problem)
    return Submission(student, assignment, notebook=notebook)


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

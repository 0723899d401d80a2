"""Collect: find every submission in ``SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb``
and say plainly what is wrong with the ones that cannot be graded.

Nothing here executes or modifies a submission; files are only read, with a size
limit, and symbolic links are refused (they could point at the answers).
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")


@dataclass
class Submission:
    student: str
    assignment: str
    notebook: Path = None  # set when the submission can be graded
    status: str = "pending"  # else why not: invalid, missing, wrong_file_name, wrong_layout, ...
    reason: str = ""
    result: dict = field(default_factory=dict)  # what grading it produced (worker.py): cells, feedback, ...


def collect(submissions_dir, known_assignments):
    """Every submission found, gradable or not, sorted by student then assignment."""
    found = []
    for student_dir in sorted(Path(submissions_dir).iterdir()):
        if student_dir.name.startswith("."):
            continue
        if student_dir.is_symlink() or not student_dir.is_dir():
            found.append(Submission(student_dir.stem, "", status="wrong_layout",
                                    reason=f"{student_dir.name} is not a student folder; expected "
                                    "SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb"))
            continue
        if not STUDENT_ID.match(student_dir.name):
            found.append(Submission(student_dir.name, "", status="invalid_student_id",
                                    reason="student folder names may use letters, digits and _ . @ + - only"))
            continue
        found += _collect_student(student_dir, known_assignments)
    seen = {s.assignment for s in found if s.assignment in known_assignments}
    for student in sorted({s.student for s in found if s.status != "wrong_layout" or s.assignment}):
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
                found.append(Submission(student, entry.name, status="unknown_assignment",
                                        reason=f"no assignment called {entry.name!r}; known: {', '.join(sorted(known_assignments))}"))
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
    problem = notebook_problem(notebook)
    if problem:
        return Submission(student, assignment, status="invalid", reason=problem)
    return Submission(student, assignment, notebook=notebook)


def notebook_problem(path):
    """None if ``path`` is a readable nbformat-4 notebook, else what is wrong with it."""
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        return "not a regular file (symbolic links and special files are refused)"
    size = path.stat().st_size
    if size == 0:
        return "empty file"
    if size > MAX_NOTEBOOK_BYTES:
        return f"file too large ({size / 1e6:.0f} MB; limit {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB)"
    try:
        content = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as error:
        return f"corrupt JSON ({error})"
    if not isinstance(content, dict) or "cells" not in content and "worksheets" not in content:
        return "not a Jupyter notebook (no cells)"
    version = content.get("nbformat")
    if version != 4:
        return f"notebook format version {version}, expected 4: open and save it with a current Jupyter"
    try:
        nbformat.validate(nbformat.from_dict(content))
    except nbformat.ValidationError as error:
        return f"invalid notebook structure: {str(error).splitlines()[0][:200]}"
    return None

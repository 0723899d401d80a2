"""Reading, solving and executing course notebooks in tests."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SOURCE_NOTEBOOKS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
SUCCESS_MARK = "✔"


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def answer_cells(nb):
    """``{grade_id: cell}`` of the cells learners write in."""
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if nbgrader_meta(c).get("solution")}


def graded_test_cells(nb):
    """Autograded test cells (``check(...)`` plus hidden tests) in notebook order."""
    return [c for c in nb.cells if nbgrader_meta(c).get("grade") and c.cell_type == "code"]


def put_back_answers(released, source):
    """A copy of the released notebook with each answer cell's source taken from the source notebook."""
    solved = nbformat.from_dict(released)
    reference = answer_cells(source)
    for grade_id, cell in answer_cells(solved).items():
        cell.source = reference[grade_id].source
    return solved


def execute(nb, folder, timeout=60):
    """Run every cell, keeping going after errors; returns the executed notebook."""
    client = NotebookClient(nb, timeout=timeout, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    client.execute()
    return nb


def errors(cell):
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def text_output(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")

"""The check step, in the grading process: the submitted notebook read from the run's private copy
(at most 20 MB, under the submission's deadline) and checked as far as grading reads it.
"""

import json
from pathlib import Path
import nbformat

from grader.intake.snapshots import MAX_NOTEBOOK_BYTES


def file_problem(path):
    """None if ``path`` is a regular, non-empty file within the size limit, else what is wrong.

    For the grader's own copies (the worker checks the one it is given before reading it).
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

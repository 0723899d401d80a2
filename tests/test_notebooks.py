"""Every notebook, as students get it: stripped by nbgrader, it fails where answers are missing;
with the reference answers put back, it runs clean. (nbval runs the source notebooks themselves.)"""

import json

import nbformat
import pytest
from notebook_tools import (
    SOURCE_NOTEBOOKS,
    SUCCESS_MARK,
    answer_cells,
    errors,
    execute,
    put_back_answers,
    graded_test_cells,
    text_output,
)

from grader.handout.release import release

NOTEBOOK_IDS = [path.stem for path in SOURCE_NOTEBOOKS]


@pytest.fixture(scope="module")
def release_folder(tmp_path_factory):
    """Every assignment released at once (one nbgrader course, one gradebook: a release per notebook cost 8 s each)."""
    folder = tmp_path_factory.mktemp("release")
    release(folder, NOTEBOOK_IDS)
    return folder


@pytest.fixture(scope="module", params=NOTEBOOK_IDS)
def released(request, release_folder):
    """``(released notebook, its folder, source notebook)`` for one assignment."""
    assignment_id = request.param
    path = release_folder / assignment_id / f"{assignment_id}.ipynb"
    source = nbformat.read(SOURCE_NOTEBOOKS[NOTEBOOK_IDS.index(assignment_id)], as_version=4)
    return nbformat.read(path, as_version=4), path.parent, source


def test_source_notebook_is_stored_without_outputs():
    for path in SOURCE_NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            assert not cell.get("outputs") and not cell.get("execution_count"), f"{path.name} has outputs"


def test_release_strips_answers_and_hidden_tests(released):
    nb, _, source = released
    text = nbformat.writes(nb)
    for marker in ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "_rng = np.random"):
        assert marker not in text
    assert set(answer_cells(nb)) == set(answer_cells(source)) and answer_cells(nb)
    for cell in graded_test_cells(nb):
        assert cell.source.startswith("check("), "each test cell starts with a visible check"


def test_released_notebook_fails_at_every_exercise(released):
    nb, folder, _ = released
    executed = execute(nb, folder)
    for cell in graded_test_cells(executed):
        failures = errors(cell)
        assert failures, f"test cell {cell.metadata.nbgrader.grade_id} passed without an answer"
        assert "not written yet" in failures[0].evalue, failures[0].evalue
        assert SUCCESS_MARK not in text_output(cell)


def test_released_notebook_passes_with_reference_answers(released):
    nb, folder, source = released
    executed = execute(put_back_answers(nb, source), folder)
    for cell in executed.cells:
        assert not errors(cell), f"cell failed:\n{cell.source[:300]}\n{errors(cell)[0].evalue}"
    for cell in graded_test_cells(executed):
        assert SUCCESS_MARK in text_output(cell), f"{cell.metadata.nbgrader.grade_id} printed no success line"

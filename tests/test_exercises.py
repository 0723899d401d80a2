"""Each exercise is declared once (optim_helpers/exercises.py); everything that names it agrees with
that declaration, and release refuses a graded test cell the judge could not re-check."""

import importlib
import re
import shutil

import nbformat
import pytest

import grader.course
import solutions
from grader.cli import main as grader_main
from grader.course import REPO, assignment_ids, source_notebook
from grader.handout.exercises import unjudged_test_cells
from optim_helpers.exercises import EXERCISES, exercises_of, labels
from solutions.cases import CASES

README_ROW = re.compile(r"^\| (\d\d) \| [^|]+ \| (.+) \|$", re.MULTILINE)


def graded_cells(assignment):
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    return [(cell, cell.metadata.get("nbgrader", {})) for cell in nb.cells if cell.metadata.get("nbgrader")]


def test_every_exercise_is_declared_once_for_a_notebook_of_the_course():
    names = [exercise.name for exercise in EXERCISES]
    assert len(names) == len(set(names))
    assert {exercise.notebook for exercise in EXERCISES} == set(assignment_ids())


@pytest.mark.parametrize("assignment", assignment_ids())
def test_a_notebook_asks_for_its_declared_exercises_in_their_order(assignment):
    cells = graded_cells(assignment)
    declared = [exercise.name for exercise in exercises_of(assignment)]
    assert [meta["grade_id"] for _, meta in cells if meta.get("solution")] == declared
    assert [meta["grade_id"] for _, meta in cells if meta.get("grade")] == [f"test_{name}" for name in declared]
    setup = f'explain_unfinished("{assignment}")'
    assert any(setup in cell.source for cell in nbformat.read(source_notebook(assignment), as_version=4).cells), \
        f"its set-up cell calls {setup}, so that the labels come from the declaration"


def test_solutions_exports_each_declared_exercise_from_its_topic_module():
    assert sorted(solutions.__all__) == sorted(exercise.name for exercise in EXERCISES)
    for exercise in EXERCISES:
        assert getattr(solutions, exercise.name) is getattr(importlib.import_module(f"solutions.{exercise.topic}"),
                                                            exercise.name)
    assert set(CASES) == set(solutions.__all__), "every exercise has its cases (@cases_for), and nothing else"


def test_the_labels_number_a_notebooks_exercises_in_its_order():
    assert labels("02_exponentially_weighted_averages") == {"ewa": "Exercise 1", "effective_window": "Exercise 2"}
    assert labels("03_bias_correction") == {"ewa_bias_corrected": "the exercise"}


def test_the_readme_table_lists_the_declared_exercises():
    table = {number: re.findall(r"`(\w+)`", names)
             for number, names in README_ROW.findall((REPO / "README.md").read_text())}
    assert table == {assignment[:2]: [e.name for e in exercises_of(assignment)] for assignment in assignment_ids()}


@pytest.mark.parametrize("assignment", assignment_ids())
def test_every_graded_test_cell_of_the_course_is_one_the_judge_rechecks(assignment):
    assert unjudged_test_cells(assignment) == []


def test_release_refuses_a_graded_test_cell_the_judge_cannot_recheck(tmp_path, monkeypatch, capsys):
    """A test cell added without its exercise's declaration would be scored by nbgrader alone."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for assignment in assignment_ids():
        shutil.copy2(source_notebook(assignment), notebooks)
    path = notebooks / "02_exponentially_weighted_averages.ipynb"
    nb = nbformat.read(path, as_version=4)
    test_cell = next(cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_ewa")
    extra = nbformat.from_dict(test_cell)
    extra.id, extra.metadata.nbgrader.grade_id = "extra-test", "test_ewa_again"
    nb.cells.append(extra)
    nbformat.write(nb, path)
    monkeypatch.setattr(grader.course, "NOTEBOOKS", notebooks)

    assert grader_main(["release", "--out", str(tmp_path / "release")]) == 2
    error = capsys.readouterr().err
    assert f"notebooks/02_exponentially_weighted_averages.ipynb cell {len(nb.cells)} (test_ewa_again)" in error
    assert "'ewa_again' is not an exercise of this notebook" in error
    assert not (tmp_path / "release").exists(), "nothing released"

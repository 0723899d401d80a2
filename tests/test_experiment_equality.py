"""Skipping the cells tagged ``experiment`` changes no score (issue 15, item 1).

One folder of submissions (tests/experiment_corpora.py) is graded twice by grader.run.autograde: with the
experiments skipped (the default) and with ``run_experiments=True``. Per (student, assignment, grade_id)
the score in grades_by_cell.csv, and per (student, assignment) the status and score in grades.csv, must
be the same. Corpora, by student id:

- reference (one submission per assignment): the source notebooks, answers in place; full marks with the
  experiments skipped, here. With them run, every test cell of every reference notebook passes in
  tests/test_notebooks.py (the released notebooks with the reference answers put back, every cell
  executed), so the reference corpus is not graded a second time here: its training runs were a
  minute of the suite's 12-minute budget.
- partial (one per assignment): every assignment released, each exercise answered right, by a held-out
  mistake, or not at all (experiment_corpora.PARTIAL).
- hostile (5, all notebook 02): the cases of tests/grader_corpus.py whose harm an experiment cell meets
  before a test cell (memory_hog, fills_disk; experiment_corpora.HOSTILE_CASES says why the other 37,
  infinite_loop included, are left out), and three probes built so that an experiment cell kills the
  kernel, hangs, or binds a name the answer reads (experiment_corpora.PROBES). The probes' differences
  are asserted exactly, and no cell ever scores less with the experiments skipped than with them run.

One release of every assignment, and one grading run per setting (all three corpora skipped, the
partial and hostile ones run): nbgrader's course template and the worker processes' start are paid once
per setting, not once per corpus.
"""

import csv
from dataclasses import replace

import nbformat
import pytest
from experiment_corpora import (
    CORPORA,
    HOSTILE_ASSIGNMENT,
    HOSTILE_CASES,
    PARTIAL,
    PROBES,
    student,
    write,
)
from notebook_tools import SOURCE_NOTEBOOKS, nbgrader_meta

from grader.grading.preprocessors import EXPERIMENT_NOTE, is_experiment
from grader.handout.release import release
from grader.run.autograde import autograde, Selection, Settings

# As tests/test_grader.py: a cell time-out that leaves the setup cell room under load, a deadline no case reaches.
SETTINGS = Settings(jobs=2, timeout=180, cell_timeout=8, judge_timeout=8, memory_mb=1024, progress=False)
MODES = {"skipped": False, "run": True}
REFERENCE = student("reference", "reference")
PARTIAL_STUDENT = student("partial", "partial")
COMPARED = ("partial", "hostile")  # graded both ways (the reference corpus: module docstring)


def _read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    sources = {path.stem: path for path in SOURCE_NOTEBOOKS}
    released = tmp_path_factory.mktemp("release")
    release(released, list(sources))
    submissions = tmp_path_factory.mktemp("submissions")
    corpus_of = write(submissions, released, sources)
    outs = {}
    for mode, run_experiments in MODES.items():
        outs[mode] = tmp_path_factory.mktemp(f"grades-{mode}")
        # With the experiments run, the reference corpus is not graded (module docstring).
        compared = Selection(students=tuple(s for s, corpus in corpus_of.items() if corpus != "reference"))
        autograde(submissions, outs[mode], replace(SETTINGS, run_experiments=run_experiments),
                  compared if run_experiments else Selection())
    return {"corpus_of": corpus_of, "outs": outs,
            "cells": {mode: _read_csv(out / "grades_by_cell.csv") for mode, out in outs.items()},
            "totals": {mode: _read_csv(out / "grades.csv") for mode, out in outs.items()}}


def _in_corpus(graded, rows, corpus):
    return [row for row in rows if graded["corpus_of"][row["student_id"]] == corpus]


def _cell_values(graded, mode, corpus, column):
    return {(row["student_id"], row["assignment"], row["grade_id"]): float(row[column])
            for row in _in_corpus(graded, graded["cells"][mode], corpus)}


def _expected_cell_differences(corpus, column):
    """``{(student, assignment, grade_id): (skipped, run)}`` the probes are built to show; none elsewhere."""
    if corpus != "hostile":
        return {}
    return {(student("hostile", name), HOSTILE_ASSIGNMENT, grade_id): values
            for name, probe in PROBES.items()
            for (grade_id, probe_column), values in probe.cells.items() if probe_column == column}


def _differences(skipped, run):
    assert skipped.keys() == run.keys(), "both runs must grade the same cells"
    return {key: (skipped[key], run[key]) for key in skipped if skipped[key] != run[key]}


def test_each_corpus_has_the_submissions_it_should(graded):
    counts = {corpus: sorted(s for s, c in graded["corpus_of"].items() if c == corpus) for corpus in CORPORA}
    assert counts["reference"] == [REFERENCE]
    assert counts["partial"] == [student("partial", "partial")]
    assert counts["hostile"] == sorted(student("hostile", name) for name in [*HOSTILE_CASES, *PROBES])
    for mode in MODES:
        # grades.csv also says not_submitted for each assignment a student of another corpus has no notebook for.
        rows = [row for row in graded["totals"][mode] if row["status"] != "not_submitted"]
        assert sorted(graded["corpus_of"][row["student_id"]] for row in rows) == \
            ["hostile"] * len(counts["hostile"]) + ["partial"] * len(PARTIAL) + \
            ["reference"] * (len(PARTIAL) if mode == "skipped" else 0)
        assert {row["status"] for row in rows} == {"graded"}, [(r["student_id"], r["reason"]) for r in rows]


def test_experiments_were_skipped_in_one_run_and_run_in_the_other(graded):
    """Without this, a run that ignored run_experiments would make every comparison below pass. Skipped:
    each experiment cell carries the grader's note. Run: none does, and each one before a test cell, where
    an experiment can change a score, was executed (a kernel lost later, to a time-out under load, would
    leave later experiments unrun and change no score)."""
    for assignment in PARTIAL:
        for mode, out in graded["outs"].items():
            nb = nbformat.read(out / "autograded" / PARTIAL_STUDENT / assignment / f"{assignment}.ipynb", as_version=4)
            last_test = max(index for index, cell in enumerate(nb.cells) if nbgrader_meta(cell).get("grade"))
            experiments = [(index, cell) for index, cell in enumerate(nb.cells) if is_experiment(cell)]
            assert experiments, assignment
            for index, cell in experiments:
                noted = [output.get("text") for output in cell.outputs] == [EXPERIMENT_NOTE]
                if mode == "skipped":
                    assert noted and cell.execution_count is None, (assignment, index)
                else:
                    assert not noted, (assignment, index)
                    assert index > last_test or cell.execution_count is not None, (assignment, index)


def test_reference_scores_full_marks_with_the_experiments_skipped(graded):
    rows = _in_corpus(graded, graded["totals"]["skipped"], "reference")
    assert len(rows) == len(PARTIAL)
    assert [(row["assignment"], float(row["score"])) for row in rows] == \
        [(row["assignment"], float(row["max_score"])) for row in rows]


def test_partial_submissions_are_partial(graded):
    """Each partial submission scores some points and misses some (notebook 03 has one exercise: wrong, 0)."""
    for row in _in_corpus(graded, graded["totals"]["skipped"], "partial"):
        score, max_score = float(row["score"]), float(row["max_score"])
        if row["assignment"] == "03_bias_correction":
            assert score == 0, row
        else:
            assert 0 < score < max_score, row


@pytest.mark.parametrize("corpus", COMPARED)
def test_cell_scores_are_the_same_with_experiments_skipped_and_run(graded, corpus):
    skipped, run = (_cell_values(graded, mode, corpus, "score") for mode in MODES)
    assert skipped, corpus
    # Whatever differs, skipping must never cost a cell points: an experiment can only add a way to fail.
    assert all(skipped[key] >= run[key] for key in skipped), _differences(skipped, run)
    assert _differences(skipped, run) == _expected_cell_differences(corpus, "score")


@pytest.mark.parametrize("corpus", COMPARED)
def test_nbgraders_own_cell_scores_differ_only_where_the_probes_show_it(graded, corpus):
    """nbgrader's score before the judge: the kernel's own run, where an experiment can act."""
    skipped, run = (_cell_values(graded, mode, corpus, "nbgrader_score") for mode in MODES)
    assert _differences(skipped, run) == _expected_cell_differences(corpus, "nbgrader_score")


@pytest.mark.parametrize("corpus", COMPARED)
def test_submission_scores_and_statuses_are_the_same(graded, corpus):
    totals = {mode: {(row["student_id"], row["assignment"]): (row["status"], float(row["score"]))
                     for row in _in_corpus(graded, graded["totals"][mode], corpus)} for mode in MODES}
    expected = {}
    if corpus == "hostile":
        expected = {(student("hostile", name), HOSTILE_ASSIGNMENT): tuple(("graded", score) for score in probe.total)
                    for name, probe in PROBES.items() if probe.total[0] != probe.total[1]}
    assert _differences(totals["skipped"], totals["run"]) == expected

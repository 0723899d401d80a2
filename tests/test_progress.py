"""A cell that calls an unfinished exercise names the exercise to finish, in one line (optim_helpers.progress)."""

import nbformat
from notebook_tools import NOTEBOOKS, errors, execute, text_output

from grader.handout.release import release
from optim_helpers.progress import undefined_name_hint

MESSAGE = "`ewa` is not written yet: finish Exercise 1 above (the cell that starts `def ewa`), then run this cell again."


def test_experiment_cell_of_a_released_notebook_names_the_exercise_to_finish(tmp_path):
    (path,) = release(tmp_path, ["02_exponentially_weighted_averages"])
    executed = execute(nbformat.read(path, as_version=4), path.parent)
    experiment = next(cell for cell in executed.cells if "averages = {beta: ewa(theta, beta)" in cell.source)
    (error,) = errors(experiment)
    assert error.ename == "NotImplementedError"
    assert error.evalue == MESSAGE
    assert len(error.traceback) == 1 and MESSAGE in error.traceback[0], "one line, no frames"


def test_other_errors_keep_their_traceback(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (
        "from optim_helpers.progress import explain_unfinished\nexplain_unfinished()",
        "def helper():\n    raise NotImplementedError('a message of my own')\nhelper()",
        "def ewa(theta, beta):\n    raise NotImplementedError()\newa([1.0], 0.9)",
        "name_from_before_the_restart",
        "def broken():\n    total += 1\nbroken()",
    )]
    cells = execute(nb, NOTEBOOKS).cells
    (own,) = errors(cells[1])
    assert own.evalue == "a message of my own" and len(own.traceback) > 1
    (unfinished,) = errors(cells[2])
    assert unfinished.evalue.startswith("`ewa` is not written yet: finish its exercise above")
    (name_error,) = errors(cells[3])
    assert name_error.ename == "NameError" and len(name_error.traceback) > 1
    hint = [line for line in text_output(cells[3]).splitlines() if line.strip()]
    assert hint == [undefined_name_hint("name_from_before_the_restart")], text_output(cells[3])
    (unbound,) = errors(cells[4])
    assert unbound.ename == "UnboundLocalError" and not text_output(cells[4]), "a bug inside a function: no hint"


def test_the_hint_after_a_name_error_fits_an_unfinished_exercise_and_a_restart():
    hint = undefined_name_hint("paths")
    assert "\n" not in hint
    assert hint.startswith("`paths` is not defined: an earlier cell did not run or failed (an unfinished exercise?)")
    assert "after a kernel restart" in hint and "Run → Run All Above" in hint
    assert "If the kernel was restarted" not in hint
    assert undefined_name_hint(None).startswith("A name is not defined: ")


def test_a_cell_failing_after_an_unfinished_exercise_names_the_missing_variable(tmp_path):
    (path,) = release(tmp_path, ["08_local_optima_and_plateaus"])
    executed = execute(nbformat.read(path, as_version=4), path.parent)
    after = next(cell for cell in executed.cells if "found = fractions > 0" in cell.source)
    (error,) = errors(after)
    assert error.ename == "NameError"
    assert undefined_name_hint("fractions") in text_output(after)

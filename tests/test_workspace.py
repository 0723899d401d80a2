"""The learner's workspace (`make workspace`, run by `make lab`): complete, and never overwrites work."""

import json

import nbformat

from grader.workspace import make_workspace

ASSIGNMENT = "02_exponentially_weighted_averages"


def test_workspace_has_released_notebooks_helpers_data_and_quiet_lab(tmp_path):
    added, kept = make_workspace(tmp_path, [ASSIGNMENT])
    assert (added, kept) == ([f"{ASSIGNMENT}.ipynb"], [])
    text = (tmp_path / f"{ASSIGNMENT}.ipynb").read_text()
    assert "### BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text
    assert (tmp_path / "optim_helpers" / "checks" / "_core.py").is_file()
    assert (tmp_path / "data" / "seattle-weather.csv").is_file()
    settings = tmp_path / ".jupyter/lab/user-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    assert json.loads(settings.read_text())["fetchNews"] == "false"


def test_running_it_again_keeps_the_learners_edits(tmp_path):
    make_workspace(tmp_path, [ASSIGNMENT])
    path = tmp_path / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = "my notes"
    nbformat.write(nb, path)
    (tmp_path / "optim_helpers" / "plots.py").write_text("broken by accident")
    added, kept = make_workspace(tmp_path, [ASSIGNMENT])
    assert (added, kept) == ([], [f"{ASSIGNMENT}.ipynb"])
    assert nbformat.read(path, as_version=4).cells[0].source == "my notes"
    assert "def plot_series" in (tmp_path / "optim_helpers" / "plots.py").read_text()  # helpers are refreshed

"""The learner's workspace (`make workspace`, run by `make lab`): complete, and never overwrites work."""

import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_core.paths import jupyter_config_path
from jupyter_server.extension.config import ExtensionConfigManager
from jupyterlab_server.config import get_static_page_config
from nbgrader.apps import NbGrader

from grader.workspace import (
    CONFIG_FOLDER,
    DISABLED_LAB_PLUGINS,
    make_workspace,
    write_jupyter_config,
)

ASSIGNMENT = "02_exponentially_weighted_averages"
NBGRADER_LABEXTENSION = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader"


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """A new workspace with one notebook (releasing it takes ~10 s): ``(folder, added, kept)``."""
    folder = tmp_path_factory.mktemp("workspace")
    return folder, *make_workspace(folder, [ASSIGNMENT])


def test_workspace_has_released_notebooks_helpers_data_and_quiet_lab(first_run):
    folder, added, kept = first_run
    assert (added, kept) == ([f"{ASSIGNMENT}.ipynb"], [])
    text = (folder / f"{ASSIGNMENT}.ipynb").read_text()
    assert "### BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text
    assert (folder / "optim_helpers" / "checks" / "_core.py").is_file()
    assert (folder / "data" / "seattle-weather.csv").is_file()
    settings = folder / ".jupyter/lab/user-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    assert json.loads(settings.read_text())["fetchNews"] == "false"
    for config in ("jupyter_server_config.json", "labconfig/page_config.json", "nbgrader_config.py"):
        assert (folder / CONFIG_FOLDER / config).is_file(), f"workspace has no {config}"


def test_running_it_again_keeps_the_learners_edits(first_run, tmp_path):
    folder = shutil.copytree(first_run[0], tmp_path / "workspace")
    path = folder / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = "my notes"
    nbformat.write(nb, path)
    (folder / "optim_helpers" / "plots.py").write_text("broken by accident")
    added, kept = make_workspace(folder, [ASSIGNMENT])
    assert (added, kept) == ([], [f"{ASSIGNMENT}.ipynb"])
    assert nbformat.read(path, as_version=4).cells[0].source == "my notes"
    assert "def plot_series" in (folder / "optim_helpers" / "plots.py").read_text()  # helpers are refreshed


@pytest.fixture
def learner_config(tmp_path, monkeypatch):
    """The workspace's Jupyter configuration, on the path as `make lab` puts it; the cwd elsewhere."""
    config_dir = tmp_path / "workspace" / CONFIG_FOLDER
    write_jupyter_config(config_dir)
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(config_dir))
    monkeypatch.chdir(tmp_path)
    return config_dir


def test_lab_config_outranks_the_venv_and_keeps_only_validate(learner_config):
    # The venv's own config (nbgrader's install) enables all four server extensions.
    extensions = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
    nbgrader_extensions = {name: on for name, on in extensions.items() if name.startswith("nbgrader.")}
    assert nbgrader_extensions == {
        "nbgrader.server_extensions.validate_assignment": True,
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.assignment_list": False,
        "nbgrader.server_extensions.course_list": False,
    }
    disabled = {name for name, off in get_static_page_config(level="all")["disabledExtensions"].items() if off}
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    assert {"@jupyter/nbgrader:menu", "@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
            "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:assignment-list"} <= disabled


def test_disabled_plugins_are_nbgraders_real_plugin_ids(learner_config):
    """A renamed plugin in a new nbgrader would silently show its tool again."""
    bundle = "".join(path.read_text() for path in NBGRADER_LABEXTENSION.glob("static/*.js"))
    missing = [name for name in DISABLED_LAB_PLUGINS if f'"{name}"' not in bundle]
    assert not missing, f"not plugins of the installed @jupyter/nbgrader: {missing}"


def test_validate_finds_an_nbgrader_config(learner_config, capfd):
    # What the Validate button's handler does on every click; nbgrader warns when it finds no file.
    NbGrader().load_config_file()
    assert "No nbgrader_config.py" not in capfd.readouterr().err

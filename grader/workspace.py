"""``python -m grader workspace``: a learner's own copy of the course for self-paced study.

``DIR/NN_name.ipynb`` (the released notebooks, answers removed) plus
``optim_helpers/`` and ``data/``. A notebook that is already there is never
overwritten, so running it again (``make lab`` does) keeps the learner's work;
the helpers and data are refreshed, since learners do not edit them.

``DIR/.jupyter/`` is the Jupyter configuration ``make lab`` points JupyterLab at
(``JUPYTER_CONFIG_PATH``, which outranks the venv's own): a learner's lab, with
nbgrader's Validate button but none of its instructor tools.
"""

import json
import shutil
import tempfile
from pathlib import Path

from grader.course import assignment_ids, copy_support_files
from grader.release import release

CONFIG_FOLDER = ".jupyter"

# JupyterLab asks every new user about Jupyter news; a course workspace answers once, no.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}

# nbgrader's server side: only the Validate button's endpoint. The formgrader
# (instructor) and the exchange's assignment and course lists have nothing to do in
# a self-paced workspace, and each looks for a course's nbgrader_config.py at start-up.
SERVER_EXTENSIONS = {
    "nbgrader.server_extensions.validate_assignment": True,
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.assignment_list": False,
    "nbgrader.server_extensions.course_list": False,
}
# nbgrader's JupyterLab plugins that would show those tools: the Nbgrader menu, the
# Formgrader, the Create Assignment sidebar, the Assignments and Courses tabs.
DISABLED_LAB_PLUGINS = [f"@jupyter/nbgrader:{name}" for name in
                        ("menu", "formgrader", "create-assignment", "assignment-list", "course-list")]
# Validate reads nbgrader's config from the Jupyter config path; the defaults suit a
# learner, and with no file at all nbgrader warns on every click.
NBGRADER_CONFIG = '"""nbgrader for a self-paced learner (the Validate button): the defaults."""\n'


def make_workspace(folder, ids=None):
    """Create or refresh the learner workspace; returns ``(added, kept)`` notebook names."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ids = list(ids or assignment_ids())
    missing = [i for i in ids if not (folder / f"{i}.ipynb").exists()]
    kept = [f"{i}.ipynb" for i in ids if i not in missing]
    if missing:
        with tempfile.TemporaryDirectory(prefix="grader-workspace-") as tmp:
            for path in release(tmp, missing):
                shutil.copy2(path, folder / path.name)
    copy_support_files(folder)
    write_jupyter_config(folder / CONFIG_FOLDER)
    return [f"{i}.ipynb" for i in missing], kept


def write_jupyter_config(config_dir):
    """The learner's lab: its settings, its nbgrader plugins and server extensions, nbgrader's config."""
    config_dir = Path(config_dir)
    write_lab_settings(config_dir / "lab" / "user-settings")
    write_json(config_dir / "jupyter_server_config.json", {"ServerApp": {"jpserver_extensions": SERVER_EXTENSIONS}})
    write_json(config_dir / "labconfig" / "page_config.json",
               {"disabledExtensions": {name: True for name in DISABLED_LAB_PLUGINS}})
    (config_dir / "nbgrader_config.py").write_text(NBGRADER_CONFIG)


def write_lab_settings(settings_dir):
    for relative, settings in LAB_SETTINGS.items():
        write_json(Path(settings_dir) / relative, settings)


def write_json(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n")

"""``python -m grader workspace``: a learner's own copy of the course for self-paced study.

``DIR/NN_name.ipynb`` (the released notebooks, answers removed) plus
``optim_helpers/`` and ``data/``. A notebook that is already there is never
overwritten, so running it again (``make lab`` does) keeps the learner's work;
the helpers and data are refreshed, since learners do not edit them.

``DIR/.jupyter/`` is the Jupyter configuration ``make lab`` points JupyterLab at
(``JUPYTER_CONFIG_PATH``, which outranks the venv's own): a learner's lab, with
nbgrader's Validate button but none of its instructor tools.

A notebook the workspace adds opens in JupyterLab as it was written: it carries the
metadata the lab's kernel reports (JupyterLab writes the kernel's ``language_info``
into any notebook whose own differs, which marks a notebook nobody touched as unsaved), and
it is trusted, signed as the Jupyter server signs a notebook it saves, with the secret
and signature database in ``DIR/.jupyter/trust/`` (the server would otherwise log
"Notebook ... is not trusted" at every open).
"""

import functools
import json
import os
import subprocess
import tempfile
from pathlib import Path

import nbformat
from nbformat.sign import NotebookNotary

from grader.course import assignment_ids, copy_support_files
from grader.handout.release import release

CONFIG_FOLDER = ".jupyter"
TRUST_FOLDER = "trust"  # inside CONFIG_FOLDER: the notary's secret and signature database

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
    write_jupyter_config(folder / CONFIG_FOLDER)
    if missing:
        with tempfile.TemporaryDirectory(prefix="grader-workspace-") as tmp, workspace_notary(folder) as notary:
            for path in release(tmp, missing):
                add_notebook(path, folder, notary)
    copy_support_files(folder)
    return [f"{i}.ipynb" for i in missing], kept


def add_notebook(released, folder, notary):
    """Write a released notebook into ``folder`` with its kernel's metadata, signed as trusted by ``notary``."""
    nb = nbformat.read(released, as_version=4)
    nb.metadata.update(kernel_metadata(nb.metadata.get("kernelspec", {}).get("name", "python3")))
    target = Path(folder) / Path(released).name
    partial = target.with_name(f".{target.name}.partial")
    nbformat.write(nb, partial)
    notary.sign(nbformat.read(partial, as_version=4))  # read back: exactly what the server will check
    os.replace(partial, target)  # a notebook is there whole, and trusted, or not at all


@functools.lru_cache(maxsize=None)
def kernel_metadata(kernel_name):
    """``{"kernelspec": ..., "language_info": ...}`` as JupyterLab writes them once the kernel is up.

    ``language_info`` is the kernel's own answer to a ``kernel_info`` request (a
    kernel is started for it, ~1 s), ``kernelspec`` the installed kernel spec's names.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import start_new_kernel

    spec = KernelSpecManager().get_kernel_spec(kernel_name)
    manager, client = start_new_kernel(kernel_name=kernel_name, stderr=subprocess.DEVNULL)
    try:
        language_info = client.kernel_info(reply=True, timeout=30)["content"]["language_info"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return {"kernelspec": {"name": kernel_name, "display_name": spec.display_name, "language": spec.language},
            "language_info": language_info}


def workspace_notary(folder):
    """The workspace lab's notary (a context manager): ``notary.sign(nb)`` trusts ``nb`` there, as the
    Jupyter server does with a notebook it saves; ``notary.check_signature(nb)`` is what it checks at opening."""
    return NotebookNotary(data_dir=str(Path(folder).resolve() / CONFIG_FOLDER / TRUST_FOLDER))


def write_jupyter_config(config_dir):
    """The learner's lab: its settings, its nbgrader plugins and server extensions, its notary, nbgrader's config."""
    config_dir = Path(config_dir)
    write_lab_settings(config_dir / "lab" / "user-settings")
    trust = config_dir.resolve() / TRUST_FOLDER
    trust.mkdir(mode=0o700, parents=True, exist_ok=True)  # holds the signing secret
    write_json(config_dir / "jupyter_server_config.json", {
        "ServerApp": {"jpserver_extensions": SERVER_EXTENSIONS},
        "NotebookNotary": {"data_dir": str(trust)},
    })
    write_json(config_dir / "labconfig" / "page_config.json",
               {"disabledExtensions": {name: True for name in DISABLED_LAB_PLUGINS}})
    (config_dir / "nbgrader_config.py").write_text(NBGRADER_CONFIG)


def write_lab_settings(settings_dir):
    for relative, settings in LAB_SETTINGS.items():
        write_json(Path(settings_dir) / relative, settings)


def write_json(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n")

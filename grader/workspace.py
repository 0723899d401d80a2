"""``python -m grader workspace``: a learner's own copy of the course for self-paced study.

``DIR/NN_name.ipynb`` (the released notebooks, answers removed) plus
``optim_helpers/`` and ``data/``. A notebook that is already there is never
overwritten, so running it again (``make lab`` does) keeps the learner's work;
the helpers and data are refreshed, since learners do not edit them.
"""

import json
import shutil
import tempfile
from pathlib import Path

from grader.course import assignment_ids, copy_support_files
from grader.release import release

# JupyterLab asks every new user about Jupyter news; a course workspace answers once, no.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}


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
    write_lab_settings(folder / ".jupyter" / "lab" / "user-settings")
    return [f"{i}.ipynb" for i in missing], kept


def write_lab_settings(settings_dir):
    for relative, settings in LAB_SETTINGS.items():
        path = Path(settings_dir) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings, indent=2))

"""The learner's workspace (`make workspace`, run by `make lab`): complete, made with the lab's packages
alone, its notebooks open clean and trusted, and it never overwrites work. The course imports nothing
`make lab` leaves out, and what README quotes of check() is what check() prints."""

import ast
import functools
import json
import re
import shutil
import subprocess
import sys
from importlib.metadata import distribution, packages_distributions
from pathlib import Path

import nbformat
import pytest
from ipykernel.ipkernel import IPythonKernel
from jupyter_core.paths import jupyter_config_path
from jupyter_server.extension.config import ExtensionConfigManager
from jupyterlab_server.config import get_static_page_config
from nbformat.sign import NotebookNotary
from nbgrader.apps import NbGrader
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from traitlets.config.loader import JSONFileConfigLoader

import solutions

from grader.course import HELPERS, REPO
from grader.handout.workspace import CONFIG_FOLDER, DISABLED_LAB_PLUGINS, make_workspace, write_jupyter_config
from notebook_tools import SOURCE_NOTEBOOKS
from optim_helpers.checks import check
from solutions.cases import MISTAKES

ASSIGNMENT = "02_exponentially_weighted_averages"
NBGRADER_LABEXTENSION = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader"
# What `python -m venv` puts in every venv, and the course itself (`pip install -e .`).
VENV_SEED = ("pip", "setuptools", "optimization-course")
# Run as `make workspace` runs it, in a fresh interpreter where importing anything `make lab`
# does not install fails: argv is the modules to refuse, the folder, the assignment.
LAB_ONLY_WORKSPACE = """
import json, sys
sys.modules.update(dict.fromkeys(json.loads(sys.argv[1])))  # `import name` now raises ImportError
import grader.cli  # what `python -m grader workspace` imports
from grader.handout.workspace import make_workspace
print(json.dumps(make_workspace(sys.argv[2], [sys.argv[3]])))
"""


def lab_distributions():
    """Names of the distributions `make lab` installs: requirements-lab.txt, all they require, the venv's seed."""
    lines = (REPO / "requirements-lab.txt").read_text().splitlines()
    wanted = [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]
    seen, found = set(), set(map(canonicalize_name, VENV_SEED))
    while wanted:
        requirement = wanted.pop()
        name = canonicalize_name(requirement.name)
        found.add(name)
        for extra in {"", *requirement.extras} - {e for n, e in seen if n == name}:
            seen.add((name, extra))
            for text in distribution(name).requires or []:
                needed = Requirement(text)
                if needed.marker is None and extra == "" or needed.marker and needed.marker.evaluate({"extra": extra}):
                    wanted.append(needed)
    return found


@functools.cache
def modules_make_lab_does_not_install():
    lab = lab_distributions()
    return sorted(module for module, names in packages_distributions().items()
                  if not any(canonicalize_name(name) in lab for name in names))


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """A new workspace with one notebook, made with only the lab's packages importable: ``(folder, added, kept)``."""
    folder = tmp_path_factory.mktemp("workspace")
    refused = modules_make_lab_does_not_install()
    assert {"distributed", "pytest", "playwright", "nbval"} <= set(refused), "the lab's packages include the tests'"
    result = subprocess.run([sys.executable, "-c", LAB_ONLY_WORKSPACE, json.dumps(refused), str(folder), ASSIGNMENT],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"make workspace needs more than `make lab` installs:\n{result.stderr[-3000:]}"
    return folder, *json.loads(result.stdout.splitlines()[-1])


def imported_modules(source):
    """Top-level names of the modules that Python ``source`` imports (IPython's % and ! lines left out)."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.partition(".")[0])
    return names


def test_the_course_imports_only_what_make_lab_installs():
    """The notebooks and the helpers they ship with run in the learner's venv, which has no grader or test stack."""
    sources = {str(path.relative_to(REPO)): path.read_text() for path in HELPERS.rglob("*.py")}
    for path in SOURCE_NOTEBOOKS:
        for number, cell in enumerate(nbformat.read(path, as_version=4).cells, start=1):
            if cell.cell_type == "code" and not cell.source.lstrip().startswith("%%"):
                sources[f"{path.name}, cell {number}"] = cell.source
    refused = set(modules_make_lab_does_not_install())
    outside = {where: names for where, source in sources.items() if (names := sorted(imported_modules(source) & refused))}
    assert not outside, f"imports what `make lab` does not install (add it to requirements-lab.txt?): {outside}"


def lab_notary(folder):
    """The notary of the workspace's lab, configured from its jupyter_server_config.json as the server is."""
    config = JSONFileConfigLoader("jupyter_server_config.json", str(folder / CONFIG_FOLDER)).load_config()
    return NotebookNotary(config=config)


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


def test_a_new_notebook_opens_clean_and_trusted(first_run):
    """JupyterLab marks a notebook unsaved when the kernel's language_info differs from the notebook's;
    the server logs "not trusted" for a notebook its notary has no signature of."""
    folder = first_run[0]
    nb = nbformat.read(folder / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert nb.metadata.language_info == IPythonKernel.language_info  # what the kernel sends in kernel_info
    assert nb.metadata.kernelspec == {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    with lab_notary(folder) as notary:
        assert Path(notary.data_dir).is_relative_to(folder / CONFIG_FOLDER)
        assert notary.check_signature(nb), "the workspace's notebook is not signed where its lab looks"


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


# README's first run: what check() prints, quoted from the real thing.
PASSED_LINE = re.compile(r"✔ (\w+): all \d+ checks passed\.")
MISTAKE_QUOTE = re.compile(r'\*"(\w+) ([^"]+?)(?: …)?"\*')


def test_readme_quotes_what_check_prints(capsys):
    readme = (REPO / "README.md").read_text()
    passed = PASSED_LINE.search(readme)
    assert passed, "README shows no line of a passed check"
    check(getattr(solutions, passed.group(1)))
    printed = capsys.readouterr().out.splitlines()
    assert passed.group(0) in printed, f"README says {passed.group(0)!r}; check prints {printed}"
    quotes = MISTAKE_QUOTE.findall(readme)
    assert quotes, "README quotes no mistake check() names"
    for name, quote in quotes:
        said = []
        for wrong in MISTAKES[name].values():
            with pytest.raises(AssertionError) as failure:
                check(wrong)
            said.append(str(failure.value))
        assert any(message.startswith(f"{name} {quote}") for message in said), \
            f"README quotes {name} {quote!r}; check says:\n" + "\n".join(said)

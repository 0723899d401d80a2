"""Where the course lives and how an nbgrader course directory is built from it.

One assignment per notebook: ``notebooks/02_exponentially_weighted_averages.ipynb``
is assignment ``02_exponentially_weighted_averages``. Every assignment folder also
carries ``optim_helpers/`` and ``data/``, so a released notebook runs on its own.
"""

import functools
import hashlib
import logging
import os
import shutil
import sys
import warnings
from pathlib import Path
from types import MappingProxyType

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
HELPERS = NOTEBOOKS / "optim_helpers"
DATA = REPO / "data"
COURSE_ID = "optim"

# Copied next to every notebook (data/README.md, the provenance, included); caches and editor files are not.
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")


@functools.lru_cache(maxsize=None)
def assignment_ids():
    """Assignment ids in course order: the stems of ``notebooks/NN_*.ipynb`` (looked up once: grading
    asks for every record it writes)."""
    return tuple(sorted(path.stem for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")))


def source_notebook(assignment_id):
    return NOTEBOOKS / f"{assignment_id}.ipynb"


@functools.lru_cache(maxsize=None)
def max_scores(assignment_id):
    """``{grade_id: points}`` of an assignment's graded cells, as its source notebook declares them."""
    import nbformat

    nb = nbformat.read(source_notebook(assignment_id), as_version=4)
    scores = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            scores[meta["grade_id"]] = float(meta.get("points", 0))
    return MappingProxyType(scores)


def copy_support_files(folder):
    """Put fresh copies of ``optim_helpers/`` and ``data/`` into ``folder``."""
    folder = Path(folder)
    for source, name in ((HELPERS, "optim_helpers"), (DATA, "data")):
        target = folder / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, ignore=IGNORED)


def quiet_nbgrader():
    """Keep SQLAlchemy 2.x warnings and nbgrader's INFO chatter out of the instructor's terminal."""
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*SAWarning.*")
    try:
        from sqlalchemy.exc import SAWarning

        warnings.filterwarnings("ignore", category=SAWarning)
    except ImportError:  # pragma: no cover - sqlalchemy comes with nbgrader
        pass
    logging.getLogger("traitlets").setLevel(logging.WARNING)


@functools.lru_cache(maxsize=None)
def _alembic_head():
    """The gradebook schema's revision, as ``alembic heads`` prints it, read in this process."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    config = Config()
    config.set_main_option("script_location", ALEMBIC_DIR)
    return ScriptDirectory.from_config(config).get_current_head()


def fast_new_gradebooks():
    """nbgrader stamps every new gradebook with the schema revision it gets by running ``alembic heads``
    in a subprocess: 4-6 s per gradebook, here, since alembic imports all of nbgrader. The same answer,
    read from nbgrader's migration scripts in this process, costs milliseconds."""
    import nbgrader.api

    nbgrader.api.get_alembic_version = _alembic_head


def nbgrader_api(course_dir, **extra_config):
    """An ``NbGraderAPI`` on ``course_dir``; ``extra_config`` maps ``"Class.trait"`` to a value."""
    # nbgrader runs the `alembic` script by name when it opens a gradebook.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    quiet_nbgrader()
    fast_new_gradebooks()
    from nbgrader.apps import NbGraderAPI

    config = traitlets_config(extra_config)
    config.CourseDirectory.root = str(course_dir)
    config.CourseDirectory.course_id = COURSE_ID
    config.Exchange.root = str(Path(course_dir) / "exchange")
    return NbGraderAPI(config=config)


def traitlets_config(settings):
    """A traitlets ``Config`` from ``{"Class.trait": value}``."""
    from traitlets.config import Config

    config = Config()
    for key, value in settings.items():
        section, trait = key.split(".")
        setattr(config[section], trait, value)
    return config


def generate_assignments(course_dir, ids):
    """Run nbgrader's generate_assignment for ``ids`` in ``course_dir``; return the release folder.

    The course directory gets ``source/<id>/`` (notebook + support files), the
    gradebook with each assignment's cells and checksums, and ``release/<id>/``.
    """
    course_dir = Path(course_dir)
    for assignment_id in ids:
        folder = course_dir / "source" / assignment_id
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source_notebook(assignment_id), folder / f"{assignment_id}.ipynb")
        copy_support_files(folder)
    api = nbgrader_api(course_dir)
    for assignment_id in ids:
        result = api.generate_assignment(assignment_id, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader could not release {assignment_id}:\n{result['error']}\n{result['log']}")
    return course_dir / "release"


@functools.lru_cache(maxsize=None)
def course_digest():
    """One digest of everything that decides a grade here: the grader, the solutions, the source
    notebooks, their helpers and data. Part of every grade's fingerprint (records/store.py: a new version
    of the course grades again), and a Dask worker whose digest differs from the parent's grades with
    another version of the course, and refuses to. (A worker that lies about it is not stopped by
    this: it is a check against mistakes, not against a rogue worker.)"""
    digest = hashlib.sha256()
    for folder in ("grader", "solutions", "notebooks", "data"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts \
                    and path.suffix in (".py", ".ipynb", ".csv", ".npz", ".json", ".txt", ".md"):
                digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]

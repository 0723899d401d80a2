"""The grader's layout keeps its promises: rooms by process and trust boundary (grader/README.md),
modules small enough to read, and imports that only go one way."""

import ast
from pathlib import Path

import pytest

from grader.course import REPO

GRADER = REPO / "grader"
MAX_LINES = 450
# What runs inside the sandbox may be read by student code and must not need the grader.
INSIDE_SANDBOX = [GRADER / "sandbox" / "harness.py", *sorted((GRADER / "sandbox" / "site").glob("*.py"))]
MODULES = sorted(path for path in GRADER.rglob("*.py") if path not in INSIDE_SANDBOX)
ROOMS = sorted(path.parent for path in GRADER.glob("*/__init__.py"))


def module_name(path):
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def grader_imports(path):
    """The grader modules ``path`` imports, at its top or inside a function (a lazy import hides a cycle, never ends it)."""
    known = {module_name(p) for p in MODULES}
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return (names & known) - {module_name(path)}


def test_no_module_is_over_450_lines():
    long = {str(p.relative_to(REPO)): n for p in MODULES + INSIDE_SANDBOX if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"split these along a seam of what they do: {long}"


def test_the_grader_has_no_import_cycle():
    graph = {module_name(path): grader_imports(path) for path in MODULES}
    done, on_path = set(), []

    def visit(module):
        if module in on_path:
            raise AssertionError("import cycle: " + " -> ".join(on_path[on_path.index(module):] + [module]))
        if module in done:
            return
        on_path.append(module)
        for imported in sorted(graph.get(module, ())):
            visit(imported)
        on_path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


@pytest.mark.parametrize("room", ROOMS, ids=lambda path: path.name)
def test_every_room_says_what_runs_there_and_what_it_trusts(room):
    docstring = ast.get_docstring(ast.parse((room / "__init__.py").read_text())) or ""
    assert len(docstring) > 200 and "trust" in docstring.lower(), f"grader/{room.name}/__init__.py"


@pytest.mark.parametrize("path", INSIDE_SANDBOX, ids=lambda path: path.name)
def test_what_runs_inside_the_sandbox_imports_nothing_of_the_grader(path):
    tree = ast.parse(path.read_text())
    names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in names if name.split(".")[0] in ("grader", "solutions")]


def test_the_layout_is_the_one_grader_readme_draws():
    readme = (GRADER / "README.md").read_text()
    assert all(f"{room.name}/" in readme for room in ROOMS)

"""Cells tagged `experiment` (training runs, timing loops, figures, explorations) carry no points, and no
graded cell needs them, so grading can skip them. Static checks only: no notebook is executed here."""

import ast
import re
import symtable
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

TAG = "experiment"
NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0*.ipynb"))
NBGRADER_ROLES = ("solution", "grade", "task", "locked")
# Calls that mark a cell as an experiment: figures, training runs, timings, widgets.
EXPERIMENT_CALL = re.compile(r"\b(plt\.|plot_\w+\(|train\(|train_\w+\(|explore_\w+\(|time\.perf_counter\()")


def is_experiment(cell):
    return TAG in cell.get("metadata", {}).get("tags", [])


def nbgrader_roles(cell):
    flags = cell.get("metadata", {}).get("nbgrader", {})
    return [role for role in NBGRADER_ROLES if flags.get(role)]


def python_source(source):
    """The cell's source without IPython magics and shell escapes, which are not Python."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def global_names(source):
    """(bound, loaded): the global names a cell binds and the global names it reads.

    Any binding counts: assignment, def, class, import, for and with targets, walrus, and
    `global` declarations in functions. A name counts as read wherever the cell reads it,
    even after binding it itself: conservative, so a check built on it errs towards failing.
    """
    bound, loaded = set(), set()

    def visit(table, module_level):
        for symbol in table.get_symbols():
            binds = symbol.is_assigned() or symbol.is_imported()
            if module_level or symbol.is_declared_global():
                if binds:
                    bound.add(symbol.get_name())
            if symbol.is_referenced() and (module_level or symbol.is_global()):
                loaded.add(symbol.get_name())
        for child in table.get_children():
            visit(child, module_level=False)

    code = python_source(source)
    visit(symtable.symtable(code, "<cell>", "exec"), module_level=True)
    return bound, loaded | names_updated_in_place(ast.parse(code))


def names_updated_in_place(tree):
    """Global names that `x += 1` or `del x` need to exist already; symtable counts them as bound only."""
    names = set()

    def visit(node, declared_global):   # None at module level (and in its class bodies)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, {name for node in ast.walk(child) if isinstance(node, ast.Global) for name in node.names})
                continue
            if isinstance(child, ast.AugAssign):
                targets = [child.target]
            elif isinstance(child, ast.Delete):
                targets = child.targets
            else:
                targets = []
            names.update(target.id for target in targets if isinstance(target, ast.Name)
                         and (declared_global is None or target.id in declared_global))
            visit(child, declared_global)

    visit(tree, None)
    return names


def dependency_violations(nb):
    """'cell C reads NAME, bound by experiment cell E' for every later non-experiment cell that needs one."""
    bound_by = {}   # global name -> id of the last experiment cell that binds it
    violations = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        cell_id = cell.get("id", str(index))
        bound, loaded = global_names(cell.source)
        if is_experiment(cell):
            bound_by.update(dict.fromkeys(bound, cell_id))
            continue
        violations += [f"cell {cell_id} reads {name}, bound by experiment cell {bound_by[name]}"
                       for name in sorted(loaded & bound_by.keys())]
    return violations


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=lambda path: path.stem)
def notebook(request):
    return nbformat.read(request.param, as_version=4)


def test_every_source_notebook_is_checked():
    assert len(NOTEBOOKS) == 9


def test_experiment_cells_are_code_cells_without_nbgrader_roles(notebook):
    for cell in filter(is_experiment, notebook.cells):
        assert cell.cell_type == "code", f"markdown cell {cell.id} is tagged {TAG}"
        assert not nbgrader_roles(cell), f"cell {cell.id} is tagged {TAG} but is an nbgrader {nbgrader_roles(cell)} cell"


def test_no_later_graded_or_given_cell_reads_what_an_experiment_binds(notebook):
    assert dependency_violations(notebook) == []


def test_notebook_has_experiment_cells(notebook):
    assert sum(map(is_experiment, notebook.cells)) > 0


def test_cells_that_plot_train_or_time_are_tagged(notebook):
    """A new figure or training run added to a notebook gets the tag too (or moves out of an nbgrader cell)."""
    untagged = [cell.id for cell in notebook.cells
                if cell.cell_type == "code" and not is_experiment(cell) and not nbgrader_roles(cell)
                and EXPERIMENT_CALL.search(cell.source)]
    assert untagged == []


# The checker itself, on tiny notebooks: an experiment cell first, then a test cell.

def two_cell_notebook(experiment_source, test_source):
    return new_notebook(cells=[
        new_markdown_cell("# tiny"),
        new_code_cell(experiment_source, id="experiment", metadata={"tags": [TAG]}),
        new_code_cell(test_source, id="test_x", metadata={"nbgrader": {"grade": True, "grade_id": "test_x", "points": 1}}),
    ])


@pytest.mark.parametrize("experiment_source", [
    "x = 1",
    "x, y = 1, 2",
    "def x():\n    return 1",
    "class x:\n    pass",
    "import numpy as x",
    "from math import pi as x",
    "for x in range(3):\n    pass",
    "with open(__file__) as x:\n    pass",
    "if (x := 3):\n    pass",
    "[(x := i) for i in range(3)]",
    "def set_x():\n    global x\n    x = 1\nset_x()",
    "%matplotlib inline\n!echo hi\nx = 1",
])
def test_checker_flags_a_name_an_experiment_binds_and_a_test_reads(experiment_source):
    nb = two_cell_notebook(experiment_source, "assert x")
    assert dependency_violations(nb) == ["cell test_x reads x, bound by experiment cell experiment"]


@pytest.mark.parametrize("test_source", [
    "assert x == 1",
    "x += 1",
    "del x",
    "def bump():\n    global x\n    x += 1",
    "def check():\n    return x\ncheck()",
    "def check():\n    global x\n    return x",
    "print([x for _ in range(2)])",
    "f = lambda: x",
    "%time y = x",   # the magic is stripped, so this reads nothing: see the next test
])
def test_checker_sees_the_read_in_every_form(test_source):
    violations = dependency_violations(two_cell_notebook("x = 1", test_source))
    if test_source.startswith("%"):
        assert violations == []
    else:
        assert violations == ["cell test_x reads x, bound by experiment cell experiment"]


@pytest.mark.parametrize("test_source", [
    "x = 2",                                  # binds, reads nothing
    "def f(x):\n    return x",                # a parameter, not the global
    "def f():\n    x = 2\n    return x",      # a local
    "def f(x):\n    x += 1\n    del x",       # a local updated in place
    "print([x for x in range(2)])",           # the comprehension's own variable
    "print(_x)",                              # a different name
])
def test_checker_ignores_local_names_and_other_names(test_source):
    assert dependency_violations(two_cell_notebook("x = 1\n_y = 2", test_source)) == []


def test_checker_lets_later_experiments_use_experiment_names():
    nb = two_cell_notebook("x = 1", "assert True")
    nb.cells.insert(2, new_code_cell("print(x)", id="later", metadata={"tags": [TAG]}))
    assert dependency_violations(nb) == []


def test_checker_fails_a_real_notebook_once_a_test_cell_reads_an_experiment_name():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    experiment = next(cell for cell in nb.cells if is_experiment(cell))
    name = sorted(global_names(experiment.source)[0])[0]
    nb.cells.append(new_code_cell(f"assert {name} is not None", metadata={"nbgrader": {"grade": True}}))
    assert any(f"reads {name}," in violation for violation in dependency_violations(nb))

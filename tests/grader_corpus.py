"""Example submissions for the grader tests: each one a way a real submission goes right or wrong.

Every case is a notebook 02 submission (ewa: 3 points, effective_window: 1 point)
with the score it must get and what its status and reason must say.
"""

import json
from dataclasses import dataclass

import nbformat

ASSIGNMENT = "02_exponentially_weighted_averages"

CORRECT = {
    "ewa": '''
def ewa(theta, beta):
    v, out = 0.0, []
    for value in theta:
        v = beta * v + (1 - beta) * value
        out.append(v)
    return np.array(out)
''',
    "effective_window": '''
def effective_window(beta):
    return 1 / (1 - beta)
''',
}

WRONG = {
    "ewa": '''
def ewa(theta, beta):
    v, out = 0.0, []
    for value in theta:
        v = (1 - beta) * v + beta * value
        out.append(v)
    return np.array(out)
''',
    "effective_window": '''
def effective_window(beta):
    return 1 / beta
''',
}

# Answer cells that try to cheat. Each keeps its wrong answer; none may score.
HIDE_ERRORS = '''
from IPython import get_ipython
_shell = get_ipython()
_original_run_cell = _shell.run_cell
_original_run_cell_async = _shell.run_cell_async

def _run_nothing(raw_cell, *args, **kwargs):
    return _original_run_cell("None", *args, **kwargs)

async def _run_nothing_async(raw_cell, *args, **kwargs):
    return await _original_run_cell_async("None", *args, **kwargs)

_shell.run_cell = _run_nothing
_shell.run_cell_async = _run_nothing_async
_shell.showtraceback = lambda *args, **kwargs: None
'''

PATCH_ASSERTS = '''
import builtins
import numpy.testing
import optim_helpers.checks
import optim_helpers.verify
optim_helpers.verify.verify_hidden = lambda *args, **kwargs: None
numpy.testing.assert_allclose = lambda *args, **kwargs: None
numpy.testing.assert_array_equal = lambda *args, **kwargs: None
optim_helpers.checks.check = lambda *args, **kwargs: print("✔ all checks passed.")
builtins.check = optim_helpers.checks.check
check = optim_helpers.checks.check
'''

ALWAYS_EQUAL = '''
class _Anything(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __array__(self, *args, **kwargs): raise TypeError("no")

def ewa(theta, beta):
    return _Anything(0)

def effective_window(beta):
    return _Anything(0)
'''

READ_ANSWERS = '''
import os, sys
from pathlib import Path

def _answer_files():
    here = Path(os.getcwd())  # nbgrader runs the notebook in <course>/autograded/<student>/<assignment>
    return [path for path in (
        here.parents[2] / "source" / here.name / f"{here.name}.ipynb",  # the source notebook, with answers
        here.parents[2] / "gradebook.db",
        Path(sys.prefix).parent / "solutions" / "ewa.py",  # the repository that holds the venv
    ) if path.exists()]

def ewa(theta, beta):
    try:
        from solutions import ewa as reference
        return reference(theta, beta)
    except ImportError:
        pass
    for path in _answer_files():
        if path.suffix == ".py":
            namespace = {}
            exec(path.read_text(), namespace)
            return namespace["ewa"](theta, beta)
        if path.suffix == ".ipynb":
            namespace = {"np": np}
            for cell in json.loads(path.read_text())["cells"]:
                if "def ewa" in "".join(cell["source"]):
                    exec("".join(cell["source"]), namespace)
                    return namespace["ewa"](theta, beta)
    return np.zeros(len(theta))
'''

NETWORK = '''
import urllib.request

def ewa(theta, beta):
    with urllib.request.urlopen(f"{ANSWER_URL}?beta={beta}", timeout=2) as answer:
        return np.array(json.loads(answer.read()))
'''

INFINITE_LOOP = '''
def ewa(theta, beta):
    while True:
        pass
'''

SLEEPS = '''
import time

def effective_window(beta):
    time.sleep(10**6)
'''

MEMORY_HOG = '''
def ewa(theta, beta):
    hog = [np.ones(10**8) for _ in range(1000)]
    return hog[0][: len(theta)]
'''

KERNEL_DEATH = '''
import os

def effective_window(beta):
    os._exit(1)
'''

IGNORES_INTERRUPTS = '''
import time
while True:
    try:
        time.sleep(0.1)
    except KeyboardInterrupt:
        pass
'''


# --- Harm beyond points (issue 11): each keeps correct answers, so it must score 4 and harm no one else.

FILL_DISK = """
import glob, json, os

def _fill(folder):
    written = 0
    try:
        for number in range(10_000):
            with open(os.path.join(folder, f"fill-{number}"), "wb") as handle:
                for _ in range(64):
                    handle.write(b"x" * (1 << 20))
                    written += 1
    except OSError:
        pass
    return written

_socket_folder = os.path.dirname(json.load(open("/tmp/connection.json"))["ip"])
print("MB written:", _fill(_socket_folder), _fill("/tmp"))
"""

BLOAT_OUTPUTS = """
from IPython.display import HTML, Image, JSON, display
display(HTML("<b>" + "x" * 12_000_000 + "</b>"))
display(Image(data=b"\\x89PNG\\r\\n\\x1a\\n" + b"\\0" * 3_000_000, format="png"))
display(JSON({"values": list(range(300_000))}))
print("y" * 3_000_000)
for _ in range(12):
    display(HTML("<i>" + "y" * 900_000 + "</i>"))
"""

FORGED_REASON = """
class KernelFailed(Exception):
    pass

raise KernelFailed("the kernel died while running this cell\\r=HYPERLINK(\\"http://evil\\")\\n" + "z" * 1_000_000)
"""

SPY_ON_HIDDEN_TESTS = """
import glob, sys
from IPython import get_ipython

def _show(info):
    print("SPIED:", info.raw_cell)

get_ipython().events.register("pre_run_cell", _show)
for _path in glob.glob("**/*.ipynb", recursive=True) + glob.glob("/tmp/**/*.ipynb", recursive=True):
    print("READ:", _path, open(_path).read())

def _tracer(frame, event, arg):
    if event == "call" and frame.f_code.co_filename.startswith("<ipython"):
        import linecache
        print("TRACED:", "".join(linecache.getlines(frame.f_code.co_filename)))
    return None

sys.settrace(_tracer)
"""

ABSURD_VALUES = """
def ewa(theta, beta):
    return np.full(len(theta), np.nan)

def effective_window(beta):
    return 10**30
"""

FORK_BOMB = """
import os, time
_children = 0
try:
    while _children < 10_000:
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
        _children += 1
except OSError:
    pass
print("processes started:", _children)
"""

SCRIPT_IN_OUTPUTS = """
from IPython.display import HTML, Javascript, Markdown, display
display(HTML('<script>window.__pwned = "html"</script><img src=x onerror="window.__pwned = \\'img\\'">'))
display(Javascript('window.__pwned = "js"'))
display(Markdown('<svg onload="window.__pwned = \\'svg\\'"></svg> [click](javascript:window.__pwned=1)'))
"""

SYNTAX_ERROR = """
def ewa(theta, beta)
    return theta
"""


@dataclass
class Case:
    student: str
    score: float
    status: str = "graded"
    reason: str = ""  # substring the reason must contain
    nbgrader_would_pay: bool = False  # nbgrader alone would have given points: the judge must catch it


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def with_answers(released, answers):
    nb = nbformat.from_dict(json.loads(json.dumps(released)))
    for cell in nb.cells:
        if _meta(cell).get("solution") and _meta(cell)["grade_id"] in answers:
            cell.source = answers[_meta(cell)["grade_id"]].strip()
    return nb


def _test_cell_index(nb, grade_id):
    return next(i for i, cell in enumerate(nb.cells) if _meta(cell).get("grade_id") == grade_id)


def build(released, answer_url):
    """``{student: (Case, content bytes or notebook or None)}`` for the whole corpus."""
    correct = with_answers(released, CORRECT)
    wrong = with_answers(released, WRONG)
    mixed = lambda **answers: with_answers(released, {**CORRECT, **answers})  # noqa: E731

    edited_tests = with_answers(released, WRONG)
    for grade_id in ("test_ewa", "test_effective_window"):
        edited_tests.cells[_test_cell_index(edited_tests, grade_id)].source = "print('✔ passed')"

    deleted_tests = with_answers(released, CORRECT)
    deleted_tests.cells.pop(_test_cell_index(deleted_tests, "test_ewa"))

    duplicated = with_answers(released, CORRECT)
    index = _test_cell_index(duplicated, "test_ewa")
    duplicated.cells.insert(index, nbformat.from_dict(json.loads(json.dumps(duplicated.cells[index]))))
    duplicated.cells[index].id = "duplicate-cell"

    renamed = with_answers(released, WRONG)
    cell = renamed.cells[_test_cell_index(renamed, "test_ewa")]
    cell.metadata.nbgrader.grade_id = "test_ewa_mine"
    cell.source = "pass"

    reordered = with_answers(released, CORRECT)
    cell = reordered.cells.pop(_test_cell_index(reordered, "test_ewa"))
    reordered.cells.insert(0, cell)

    extra_cell = with_answers(released, WRONG)
    extra_cell.cells.insert(2, nbformat.v4.new_code_cell(PATCH_ASSERTS))

    nbformat3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}
    correct_json = nbformat.writes(correct)
    deep = '{"nbformat": 4, "nbformat_minor": 5, "metadata": ' + "{\"a\": " * 50_000 + "1" + "}" * 50_000 + ', "cells": []}'
    as_dict = json.loads(correct_json)
    minor_as_text = {**as_dict, "nbformat_minor": "5"}
    surrogate = with_answers(released, {**CORRECT, "effective_window": CORRECT["effective_window"] + "\n# \ud800"})

    return {
        "correct": (Case("correct", 4), correct),
        "partial": (Case("partial", 3), mixed(effective_window=WRONG["effective_window"])),
        "all_wrong": (Case("all_wrong", 0), wrong),
        "untouched": (Case("untouched", 0), released),
        "infinite_loop": (Case("infinite_loop", 1, reason="time limit"), mixed(ewa=INFINITE_LOOP)),
        "sleeps": (Case("sleeps", 3, reason="time limit"), mixed(effective_window=SLEEPS)),
        "memory_hog": (Case("memory_hog", 1), mixed(ewa=MEMORY_HOG)),
        "kernel_death": (Case("kernel_death", 3, reason="kernel died"), mixed(effective_window=KERNEL_DEATH)),
        "ignores_interrupts": (Case("ignores_interrupts", 0, reason="stopped responding"),
                               mixed(ewa=CORRECT["ewa"] + IGNORES_INTERRUPTS)),
        "tests_edited": (Case("tests_edited", 0), edited_tests),
        "test_deleted": (Case("test_deleted", 4), deleted_tests),
        "test_duplicated": (Case("test_duplicated", 4), duplicated),
        "grade_id_changed": (Case("grade_id_changed", 0), renamed),
        "cells_reordered": (Case("cells_reordered", 4), reordered),
        "extra_cell_patches_checks": (Case("extra_cell_patches_checks", 0), extra_cell),
        "answer_cell_deleted": (Case("answer_cell_deleted", 1, reason="not found in the submission"),
                                _without_answer(correct, "ewa")),
        "corrupt_json": (Case("corrupt_json", 0, "invalid", "corrupt JSON"), b'{"cells": [,,]'),
        "empty_file": (Case("empty_file", 0, "invalid", "empty file"), b""),
        "nbformat_3": (Case("nbformat_3", 0, "invalid", "version 3"), json.dumps(nbformat3).encode()),
        "not_a_notebook": (Case("not_a_notebook", 0, "invalid", "not a Jupyter notebook"), b'["a", "list"]'),
        "cheat_hide_errors": (Case("cheat_hide_errors", 0, reason="independent re-check", nbgrader_would_pay=True),
                              mixed(ewa=WRONG["ewa"] + HIDE_ERRORS, effective_window=WRONG["effective_window"])),
        "cheat_patch_asserts": (Case("cheat_patch_asserts", 0, reason="independent re-check", nbgrader_would_pay=True),
                                mixed(ewa=WRONG["ewa"] + PATCH_ASSERTS, effective_window=WRONG["effective_window"])),
        "cheat_always_equal": (Case("cheat_always_equal", 0), with_answers(released, {"ewa": ALWAYS_EQUAL})),
        "cheat_read_answers": (Case("cheat_read_answers", 1), mixed(ewa="import json\n" + READ_ANSWERS)),
        "cheat_network": (Case("cheat_network", 1),
                          mixed(ewa=f"import json\nANSWER_URL = {answer_url!r}\n" + NETWORK)),
        # Files that parse as JSON but are no notebook, or are in another encoding: invalid, never a crash.
        "deep_nesting": (Case("deep_nesting", 0, "invalid", "nested too deeply"), deep.encode()),
        "cells_not_cells": (Case("cells_not_cells", 0, "invalid", "cell 1 is not a code"),
                            json.dumps({**as_dict, "cells": [1, 2]}).encode()),
        "minor_as_text": (Case("minor_as_text", 0, "invalid", "nbformat_minor"), json.dumps(minor_as_text).encode()),
        "utf16": (Case("utf16", 0, "invalid", "UTF-16"), correct_json.encode("utf-16")),
        "utf8_bom": (Case("utf8_bom", 0, "invalid", "byte-order mark"), b"\xef\xbb\xbf" + correct_json.encode()),
        "lone_surrogate": (Case("lone_surrogate", 0, "invalid", "lone surrogate"),
                           json.dumps(json.loads(nbformat.writes(surrogate))).encode()),
        # Harm to the machine, the reports or the readers: each fails (or costs) only itself.
        "fills_disk": (Case("fills_disk", 4), mixed(ewa=CORRECT["ewa"] + FILL_DISK)),
        "bloats_outputs": (Case("bloats_outputs", 4), mixed(ewa=CORRECT["ewa"] + BLOAT_OUTPUTS)),
        "forges_reason": (Case("forges_reason", 4, reason="2/2 test cells passed"),
                          mixed(effective_window=CORRECT["effective_window"] + FORGED_REASON)),
        "spies_on_hidden_tests": (Case("spies_on_hidden_tests", 4), mixed(ewa=CORRECT["ewa"] + SPY_ON_HIDDEN_TESTS)),
        "absurd_values": (Case("absurd_values", 0), with_answers(released, {"ewa": ABSURD_VALUES})),
        # It breaks its own kernel and re-check (which cannot fork either); its neighbours keep their grades.
        "fork_bomb": (Case("fork_bomb", 0), mixed(ewa=CORRECT["ewa"] + FORK_BOMB)),
        "syntax_error": (Case("syntax_error", 1, reason="SyntaxError"), mixed(ewa=SYNTAX_ERROR)),
        "script_in_outputs": (Case("script_in_outputs", 4), mixed(ewa=CORRECT["ewa"] + SCRIPT_IN_OUTPUTS)),
    }


def _without_answer(nb, grade_id):
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.cells = [cell for cell in nb.cells if _meta(cell).get("grade_id") != grade_id]
    return nb

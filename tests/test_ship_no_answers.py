"""What ships to learners (notebooks/optim_helpers: beside every released notebook, in the student's
sandbox) holds no answer: no statement of a reference function, nothing imported from solutions/,
and per candidate mistake only a sentence and one projection of its output per probe.
"""

import ast
import json
import pathlib
import re

import pytest

import optim_helpers
import solutions
from solutions.cases import CASES

SHIPPED = pathlib.Path(optim_helpers.__file__).resolve().parent
REFERENCE_MODULES = ["_layers", "adam", "ewa", "local_optima", "lr_decay", "mini_batch", "momentum", "rmsprop"]
# Statements of the reference that the course itself spells out to every learner: the contract names
# the exact draw (so that one seed gives everyone the same shuffle), and the explorations call the
# learner's own ewa.
SPELLED_OUT = {"permutation = np.random.default_rng(seed).permutation(m)", "v = ewa(theta, beta)"}
# Names of the reference's helpers and of the generator's own functions: a sentence that holds one
# shows the reference's code rather than the notebook's notation.
CODE_NAMES = re.compile(r"\b(parameter_keys|layer_count|zeros_like_grads|classify_eigenvalues|_other_kind|"
                        r"_layer_number|dkey|key)\b|\[key\]")


def _statements(tree):
    """Every statement of every function in ``tree`` (docstrings and imports left out), as one-line source."""
    found = []
    for function in [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]:
        for node in ast.walk(function):
            if isinstance(node, ast.stmt) and not isinstance(node, (ast.FunctionDef, ast.Import, ast.ImportFrom)) \
                    and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
                found.append(ast.unparse(node).splitlines()[0] if isinstance(node, (ast.For, ast.If, ast.With))
                             else ast.unparse(node))
    return found


def _reference_statements():
    statements = set()
    for module in REFERENCE_MODULES:
        path = pathlib.Path(solutions.__file__).parent / f"{module}.py"
        statements |= {s for s in _statements(ast.parse(path.read_text())) if len(s) >= 20}
    return statements - SPELLED_OUT


def _shipped_texts():
    """``{file: [text, ...]}``: the statements and strings of every shipped Python file, the strings of
    every fixture."""
    texts = {}
    for path in sorted(SHIPPED.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        strings = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
        texts[path] = _statements(tree) + strings
    for path in sorted(SHIPPED.rglob("*.json")):
        texts[path] = [value for value in _strings(json.loads(path.read_text(encoding="utf-8")))]
    return texts


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)


def test_no_statement_of_a_reference_function_ships():
    reference = _reference_statements()
    assert len(reference) > 40, "the reference modules were not read"
    found = [(path.name, statement) for path, texts in _shipped_texts().items() for text in texts
             for statement in reference if statement in " ".join(text.split())]
    assert not found


def test_nothing_shipped_imports_the_solutions():
    for path in SHIPPED.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(module.split(".")[0] == "solutions" for module in modules), path


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_fixture_holds_probes_sentences_and_one_number_per_candidate_and_probe(name):
    fixture = json.loads((SHIPPED / "fixtures" / f"{name}.json").read_text(encoding="utf-8"))
    assert set(fixture) == {"returns", "mistakes", "generated", "candidates", "cases"}
    assert fixture["candidates"] == [*fixture["mistakes"], *fixture["generated"]][:len(fixture["candidates"])]
    assert set(fixture["candidates"]) <= set(fixture["mistakes"]) | set(fixture["generated"])
    for case in fixture["cases"]:
        assert set(case) == {"args", "kwargs", "expected", "prints"}
        assert len(case["prints"]) == len(fixture["candidates"])
        for fingerprint in case["prints"]:
            assert (fingerprint is None or isinstance(fingerprint, float)
                    or isinstance(fingerprint, str) and fingerprint.startswith("!") and fingerprint[1:].isidentifier()
                    or isinstance(fingerprint, list) and len(fingerprint) <= 2 and fingerprint[0].startswith("#")
                    and all(isinstance(number, float) for number in fingerprint[1:])), fingerprint


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_sentences_are_in_the_notebooks_words_not_the_references_code(name):
    fixture = json.loads((SHIPPED / "fixtures" / f"{name}.json").read_text(encoding="utf-8"))
    for sentence in fixture["generated"].values():
        assert not CODE_NAMES.search(sentence), sentence
        assert "lambda" not in sentence and "def " not in sentence.replace("def line", ""), sentence

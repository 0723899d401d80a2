"""Mistakes generated from the reference: single edits of each reference function's syntax tree.

For exercise ``name``, :func:`mutants` parses the reference function in ``solutions/`` and the
``solutions`` helpers it calls (``parameter_keys``, ``ewa``, ``classify_eigenvalues``, ...) and
enumerates, as a rule-based error model in the spirit of Singh, Gulwani and Solar-Lezama (PLDI
2013), every single edit of these kinds:

* an arithmetic operator for another (``+ − · / ** // % @``), the operands of ``− / **`` swapped,
  an operand dropped (a term, a factor, a divisor, a power);
* β for 1 − β and back; a name for another name of the same function (v for s, dW for db,
  β₁ for β₂, the input for the output, the old v for the updated one); a string result for another;
* a number changed (0, 1, 2, ±1) and a name off by one (t + 1, epoch_num − 1, a range bound);
* a call dropped (the square root, the square, the floor, the transpose, ``dtype=float``), a rounding
  for another (floor, ceil, round, trunc), a reduction for another (any/all, mean/sum, min/max),
  a comparison for another (> ≥ < ≤ ==), a negation dropped;
* an index or axis changed (``[:, 0]`` for ``[0]``, ``shape[1]`` for ``shape[0]``);
* and the cheap pairs: the same edit made at every place the same expression occurs (t + 1 in both
  bias corrections), and "the last layer (or every b) skipped" with the dicts copied from the inputs.

Each :class:`Mutant` carries a sentence made from its edit in the notebook's notation ("raised
decay_rate to the power epoch_num where the formula multiplies them: α = α₀ / (1 + decay_rate ·
epoch_num)"), and an id that is a hash of its source, stable across runs. :func:`select` keeps the
mutants that differ from the reference on given inputs, one per distinct behaviour, so that
fixtures.py can store their fingerprints and the grader's judge can run them again on fresh inputs.

This module is for instructors and the grader: its code never ships to learners.
"""

import ast
import copy
import hashlib
import inspect
import os
import resource
import signal
import sys
import textwrap
import time
import tracemalloc
import types
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

import solutions
from optim_helpers.checks import _engine as engine
from solutions.cases import BEHAVIOUR_MISTAKES, CASES, MISTAKES
from solutions.notation import (
    CALL_NAMES,
    COMPARISONS,
    ENTRY_SYMBOLS,
    OPERATORS,
    SYMBOLS,
    UNSAID,
    atomic,
    called,
    notation,
    said,
    statement_notation,
)

SHORT = 28  # longer operands are not spelled out in a sentence
INTEGER_TYPE = ("kept the integer type of an integer {0}, so each result was cut to a whole number: work in floats, "
                "e.g. np.asarray({0}, dtype=float), or store the results in np.zeros(len({0}))")
# What a mutant may use on all the probes of one exercise; the reference needs a few milliseconds and
# well under a megabyte. A mutant that needs more (n and trials swapped: 1000 × 1000 matrices) is not a
# mistake a learner would leave in; the time and address-space limits only stop runaways.
PEAK_BYTES = 8 << 20
SECONDS_PER_MUTANT = 10.0
EXTRA_BYTES_PER_MUTANT = 1 << 30


# --- units: the reference and the helpers it calls ------------------------------------------------


@dataclass
class Unit:
    """One function of solutions/ that a mutant may edit."""

    name: str
    module: types.ModuleType
    tree: ast.FunctionDef


def units(name):
    """The reference function ``name`` and every solutions helper it calls, transitively, in that order."""
    found, queue = {}, [getattr(solutions, name)]
    while queue:
        fn = queue.pop(0)
        if fn.__name__ in found:
            continue
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
        found[fn.__name__] = Unit(fn.__name__, inspect.getmodule(fn), _normalised(tree))
        for node in ast.walk(tree):
            called = fn.__globals__.get(node.id) if isinstance(node, ast.Name) else None
            if isinstance(called, types.FunctionType) and called.__module__.startswith("solutions."):
                queue.append(called)
    return list(found.values())


def _normalised(tree):
    """``tree`` without its docstring, with ``np.empty_like`` read as ``np.zeros_like`` (every entry is
    written, so the reference is the same; a mutant that skips one must not read uninitialised memory)."""
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        tree.body = body[1:]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("empty_like", "empty"):
            node.attr = {"empty_like": "zeros_like", "empty": "zeros"}[node.attr]
    return tree


def compile_units(unit_list, trees):
    """The exercise's function with each unit compiled from ``trees[unit.name]`` (or its own tree)."""
    namespaces = {unit.name: {**vars(unit.module), **MUTANT_HELPERS} for unit in unit_list}
    compiled = {}
    for unit in unit_list:
        module = ast.Module(body=[trees.get(unit.name, unit.tree)], type_ignores=[])
        exec(compile(module, f"<mutant of {unit.name}>", "exec"), namespaces[unit.name])
        compiled[unit.name] = namespaces[unit.name][unit.name]
    for namespace in namespaces.values():
        namespace.update(compiled)
    return compiled[unit_list[0].name]


# --- edits ----------------------------------------------------------------------------------------


@dataclass
class Edit:
    """One change to one unit: where (a path of fields and indices), the new node, and the phrase that says it."""

    unit: Unit
    path: tuple
    new: ast.AST
    phrase: str


def _children(node):
    for field, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            yield (field, None), value
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield (field, index), item


def _walk(node, path=(), ancestors=()):
    """``(path, node, ancestors)`` for every node under ``node``."""
    yield path, node, ancestors
    for step, child in _children(node):
        yield from _walk(child, path + (step,), ancestors + (node,))


def replaced(tree, path, new):
    """``tree`` with the node at ``path`` replaced by ``new``: the nodes along the path are copied, the
    rest is shared with ``tree`` (no tree is changed after it is built, so a new node gets its source
    position here, from the node it replaces)."""
    if not path:
        if not hasattr(new, "lineno") and hasattr(tree, "lineno"):
            new = ast.copy_location(copy.copy(new), tree)
        return _located(new)
    (field, index), rest = path[0], path[1:]
    top = copy.copy(tree)
    if index is None:
        setattr(top, field, replaced(getattr(tree, field), rest, new))
    else:
        items = list(getattr(tree, field))
        items[index] = replaced(items[index], rest, new)
        setattr(top, field, items)
    return top


def _located(node):
    """``node``, with every node under it that has no source position given its parent's (new nodes only:
    a node taken from the reference keeps its own)."""
    for child in ast.iter_child_nodes(node):
        if "lineno" in child._attributes and not hasattr(child, "lineno") and hasattr(node, "lineno"):
            ast.copy_location(child, node)
        _located(child)
    return node


def _expression(text):
    return ast.parse(text, mode="eval").body


def _short(node):
    """``node`` in notation for a sentence, in parentheses unless atomic; None when too long."""
    text = notation(node)
    if len(text) > SHORT:
        return None
    return text if atomic(text) else f"({text})"


VERBS = {
    ast.Add: "added {b} to {a}", ast.Sub: "subtracted {b} from {a}", ast.Mult: "multiplied {a} by {b}",
    ast.Div: "divided {a} by {b}", ast.Pow: "raised {a} to the power {b}", ast.FloorDiv: "floor-divided {a} by {b}",
    ast.Mod: "took {a} modulo {b}", ast.MatMult: "matrix-multiplied {a} by {b}",
}
FORMULA_VERBS = {ast.Add: "adds them", ast.Sub: "subtracts them", ast.Mult: "multiplies them",
                 ast.Div: "divides them", ast.Pow: "raises one to the power of the other",
                 ast.FloorDiv: "floor-divides them", ast.Mod: "takes one modulo the other",
                 ast.MatMult: "multiplies them"}
ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)


def _operator_edits(node):
    if not isinstance(node, ast.BinOp) or type(node.op) not in VERBS:
        return
    a, b = _short(node.left), _short(node.right)
    others = list(ARITHMETIC) + [ast.FloorDiv, ast.Mod] * isinstance(node.op, ast.Div) + [ast.MatMult] * isinstance(
        node.op, (ast.Add, ast.Mult))
    for op in others:
        if op is type(node.op):
            continue
        new = ast.BinOp(node.left, op(), node.right)
        if a and b:
            phrase = f"{VERBS[op].format(a=a, b=b)} where the formula {FORMULA_VERBS[type(node.op)].format(a=a, b=b)}"
        else:
            phrase = f"used {OPERATORS[op]} where the formula has {OPERATORS[type(node.op)]}"
        yield new, phrase
    if isinstance(node.op, (ast.Sub, ast.Div, ast.Pow)):
        swapped = ast.BinOp(node.right, type(node.op)(), node.left)
        yield swapped, f"computed {notation(swapped)} where the formula has {notation(node)}"
    if isinstance(node.op, ast.Mult) and a and b:
        yield ast.BinOp(node.right, ast.Div(), node.left), f"divided {b} by {a} where the formula multiplies them"
    kept = {ast.Add: "the term {}", ast.Sub: "the − {}", ast.Mult: "the factor {}", ast.Div: "the division by {}",
            ast.Pow: "the power {}", ast.FloorDiv: "the division by {}", ast.Mod: "the modulo {}",
            ast.MatMult: "the product with {}"}[type(node.op)]
    yield node.left, f"left out {kept.format(notation(node.right))}"
    if isinstance(node.op, (ast.Add, ast.Mult)):
        yield node.right, f"left out {kept.format(notation(node.left))}"
    elif isinstance(node.op, ast.Sub):
        yield ast.UnaryOp(ast.USub(), node.right), f"left out the {notation(node.left)} in {notation(node)}"


def _is_one_minus(node):
    return (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Constant)
            and node.left.value == 1)


BETAS = ("beta", "beta1", "beta2", "base")


def _beta_edits(node, ancestors):
    if isinstance(node, ast.Name) and node.id in BETAS and not (ancestors and _is_one_minus(ancestors[-1])):
        new = ast.BinOp(ast.Constant(1), ast.Sub(), ast.Name(node.id, ast.Load()))
        yield new, f"used {notation(new)} where {notation(node)} belongs"
    if _is_one_minus(node) and isinstance(node.right, ast.Name) and node.right.id in BETAS:
        yield node.right, f"used {notation(node.right)} where {notation(node)} belongs"


def _loaded_names(unit):
    """Names a unit reads that are its arguments or its own variables (not modules or functions)."""
    arguments = [argument.arg for argument in unit.tree.args.args]
    assigned = []
    for node in ast.walk(unit.tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in assigned:
            assigned.append(node.id)
    return [name for name in arguments + assigned if name != "_"]


def _name_phrase(old, new):
    """``used s where v belongs``, with "the v it was given" and "the updated v" where the symbols agree."""
    old_symbol, new_symbol = SYMBOLS.get(old, old), SYMBOLS.get(new, new)
    if old_symbol == new_symbol:
        given = lambda name: f"the {SYMBOLS.get(name, name)} it was given"  # noqa: E731
        updated = lambda name: f"the updated {SYMBOLS.get(name, name)}"  # noqa: E731
        old_text = updated(old) if old.startswith("new_") else given(old)
        new_text = updated(new) if new.startswith("new_") else given(new)
        return f"used {new_text} where {old_text} belongs"
    return f"used {new_symbol} where {old_symbol} belongs"


def _name_edits(node, ancestors, names, kinds):
    """A name for another of its kind (a number for a number, a dict for a dict); a number off by one."""
    if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names):
        return
    parent = ancestors[-1] if ancestors else None
    entry = isinstance(parent, ast.Subscript) and isinstance(parent.slice, ast.Name) and parent.slice.id in KEY_NAMES
    context = f" in {notation(parent)}" if isinstance(parent, ast.BinOp) and len(notation(parent)) <= SHORT else ""
    returned = _returned_item(node, ancestors)
    for other in names:
        if other == node.id or kinds.get(other) != kinds.get(node.id) or node.id not in kinds:
            continue
        if returned and other == node.id.removeprefix("new_"):
            phrase = f"returned the {returned} it was given, not the updated {returned}"
        elif {node.id, other} == set(KEY_NAMES):
            phrase = KEY_PHRASES[other]
        elif entry:
            phrase = f"used {ENTRY_SYMBOLS.get(other, other)} where {ENTRY_SYMBOLS.get(node.id, node.id)} belongs"
        else:
            phrase = _name_phrase(node.id, other) + context
        yield ast.Name(other, ast.Load()), phrase
    if kinds.get(node.id, "").startswith(("number", "intarray")):
        for sign, op in (("+", ast.Add()), ("−", ast.Sub())):
            new = ast.BinOp(ast.Name(node.id, ast.Load()), op, ast.Constant(1))
            yield new, f"used {notation(node)} {sign} 1 where {notation(node)} belongs{context}"


def _returned_item(node, ancestors):
    """The name the notebook gives the returned item ``node`` is (``"parameters"``), or None."""
    statement = next((a for a in reversed(ancestors) if isinstance(a, ast.stmt)), None)
    if not isinstance(statement, ast.Return):
        return None
    items = statement.value.elts if isinstance(statement.value, ast.Tuple) else [statement.value]
    for item in items:
        if item is node and node.id.startswith("new_"):
            return node.id.removeprefix("new_")
    return None


def _kind(value):
    """What a variable holds, for swapping names: only a name of the same kind may stand for another."""
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, np.ndarray):
        return f"{'intarray' if value.dtype.kind in 'iub' else 'array'}{value.ndim}"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, float, np.number)):
        return "number"
    return type(value).__name__


@lru_cache(maxsize=None)
def kinds(name):
    """``{variable: kind}`` for every variable of the reference of ``name`` and its helpers, seen while
    the reference runs on the first input of its case builder."""
    args, kwargs = CASES[name](np.random.default_rng(0))[0]
    root = str(Path(solutions.__file__).resolve().parent)
    found = {}

    def trace(frame, event, arg):
        filename = frame.f_code.co_filename
        if not filename.startswith(root) or f"{os.sep}cases{os.sep}" in filename:
            return None
        if event in ("line", "return"):
            for variable, value in frame.f_locals.items():
                found.setdefault(variable, _kind(value))
        return trace

    sys.settrace(trace)
    try:
        getattr(solutions, name)(*copy.deepcopy(args), **copy.deepcopy(kwargs))
    finally:
        sys.settrace(None)
    return found


def _constant_edits(node, ancestors):
    if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
        return
    if isinstance(node.value, str):
        return
    if not isinstance(node.value, (int, float)):
        return
    if ancestors and isinstance(ancestors[-1], ast.Subscript):
        return  # an index: see _index_edits
    value = node.value
    for other in sorted({value + 1, value - 1, 0, 1, 2} - {value}):
        other = type(value)(other)
        yield ast.Constant(other), f"used {notation(ast.Constant(other))} where the formula has {notation(node)}"


def _returned_strings(unit):
    """The string constants ``unit`` returns (the kinds of critical_point_type)."""
    return sorted({node.value.value for node in ast.walk(unit.tree) if isinstance(node, ast.Return)
                   and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)})


def _string_edits(node, strings):
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in strings:
        for other in strings:
            if other != node.value:
                yield ast.Constant(other), f"returned {other!r} where {node.value!r} belongs"


ROUNDINGS = ("floor", "ceil", "round", "trunc")
FAMILIES = [ROUNDINGS, ("sqrt", "square", "abs"), ("any", "all"), ("mean", "sum"), ("min", "max"),
            ("eigvalsh", "eigvals"), ("log", "log10", "log2")]


def _call_edits(node):
    if not isinstance(node, ast.Call):
        return
    function = called(node)
    if node.args and function not in ("range", "enumerate", "default_rng", "standard_normal", "permutation",
                                      "zeros_like", "list", "str", "len", "eigvalsh", "eigvals"):
        dropped = node.args[0]
        if function == "asarray" and any(keyword.arg == "dtype" for keyword in node.keywords):
            yield dropped, INTEGER_TYPE.format(notation(dropped))
        else:
            yield dropped, f"left out {CALL_NAMES.get(function, UNSAID)} of {notation(dropped)}"
    for family in FAMILIES:
        if function in family and isinstance(node.func, ast.Attribute):
            for other in family:
                if other != function:
                    new = copy.deepcopy(node)
                    new.func.attr = other
                    yield new, f"used {other} where the formula takes {CALL_NAMES.get(function, function)}"
    if function == "square" and len(node.args) == 1:
        twice = ast.BinOp(node.args[0], ast.Mult(), ast.Constant(2))
        yield twice, f"multiplied {notation(node.args[0])} by 2 where the formula squares it"
    for index, keyword in enumerate(node.keywords):
        new = copy.deepcopy(node)
        del new.keywords[index]
        if keyword.arg == "dtype":
            yield new, INTEGER_TYPE.format(notation(node.args[0]) if node.args else "the input")
            continue
        yield new, f"left out {keyword.arg}={ast.unparse(keyword.value)}"
        if keyword.arg == "axis" and isinstance(keyword.value, ast.Constant):
            for axis in (0, 1, 2):
                if axis != keyword.value.value:
                    new = copy.deepcopy(node)
                    new.keywords[index].value = ast.Constant(axis)
                    yield new, f"used axis={axis} where the formula takes axis={keyword.value.value}"


def _compare_edits(node):
    if not isinstance(node, ast.Compare) or len(node.ops) != 1 or type(node.ops[0]) not in COMPARISONS:
        return
    for op in COMPARISONS:
        if op is not type(node.ops[0]):
            new = ast.Compare(node.left, [op()], node.comparators)
            yield new, f"tested {notation(new)} where the test is {notation(node)}"


def _unary_edits(node):
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Invert, ast.Not, ast.USub)):
        yield node.operand, f"left out the {'minus sign' if isinstance(node.op, ast.USub) else 'negation'} of " \
                            f"{notation(node.operand)}"
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
        other = ast.BitOr() if isinstance(node.op, ast.BitAnd) else ast.BitAnd()
        yield ast.BinOp(node.left, other, node.right), (
            f"combined the tests with {'or' if isinstance(other, ast.BitOr) else 'and'} where both must hold"
            if isinstance(other, ast.BitOr) else "required both tests where either one is enough")
        yield node.left, f"left out the test {notation(node.right)}"
        yield node.right, f"left out the test {notation(node.left)}"


def _index_edits(node):
    """``a[:, 0]`` -> ``a[0]``, ``a[0, :]``; ``shape[1]`` -> ``shape[0]``; ``X[:, p]`` -> ``X[p]``."""
    if not isinstance(node, ast.Subscript):
        return
    index = node.slice
    alternatives = []
    if isinstance(index, ast.Constant) and isinstance(index.value, int):
        alternatives = [ast.Constant(other) for other in (0, 1, -1) if other != index.value]
    elif isinstance(index, ast.Tuple) and len(index.elts) == 2:
        first, second = index.elts
        alternatives = [second, ast.Tuple([second, first], ast.Load())]
        if isinstance(second, ast.Constant):
            alternatives.append(ast.Tuple([first, ast.Constant(-1 if second.value == 0 else 0)], ast.Load()))
    for alternative in alternatives:
        new = ast.Subscript(node.value, alternative, node.ctx)
        yield new, _index_phrase(node, new)


def _index_phrase(old, new):
    """What taking ``new`` for ``old`` means; ``X.shape[0]`` for ``X.shape[1]`` in the notebook's words."""
    before, after = ast.unparse(old), ast.unparse(new)
    if before.endswith(".shape[1]") and after.endswith(".shape[0]"):
        array = before[: -len(".shape[1]")]
        return (f"took the number of examples from len({array}) or {array}.shape[0], which count the rows of "
                f"{array} (its features); the examples are its columns: m = {array}.shape[1]")
    return f"took {notation(new)} where the formula takes {notation(old)}"


def _transpose_edits(node):
    if isinstance(node, ast.Subscript):
        return notation(node.value, 5) + ast.unparse(node)[len(ast.unparse(node.value)):]
    if isinstance(node, ast.Attribute) and node.attr == "T":
        yield node.value, f"left out the transpose of {notation(node.value)}"


# Functions a mutant's code may call besides the module's own: the other kind of a key ("dW1" for "db1"),
# the layer number of a key.
def _other_kind(key):
    """``"dW2"`` -> ``"db2"``, ``"b1"`` -> ``"W1"``."""
    name = key.lstrip("d")
    return key[: len(key) - len(name)] + ("b" if name.startswith("W") else "W") + name[1:]


def _layer_number(key):
    return int(key.lstrip("dWb"))


MUTANT_HELPERS = {"_other_kind": _other_kind, "_layer_number": _layer_number}
KEY_NAMES = ("key", "dkey")
KEY_PHRASES = {"dkey": "used the gradients' keys (\"dW1\", \"db1\", …) where the parameters' keys (\"W1\", \"b1\", …) belong",
               "key": "used the parameters' keys (\"W1\", \"b1\", …) where the gradients' keys (\"dW1\", \"db1\", …) belong"}


def _kind_edits(node, ancestors, names):
    """A dict entry of the other kind (``grads["dW1"]`` for ``grads["db1"]``); the layer number for t."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Name) \
            and node.slice.id in KEY_NAMES and node.value.id in ("grads", "parameters"):
        symbol = ENTRY_SYMBOLS.get(node.value.id, node.value.id)
        for kind, other in (("W", "b"), ("b", "W")):
            guarded = _expression(f"{node.value.id}[{node.slice.id} if '{kind}' in {node.slice.id} "
                                  f"else _other_kind({node.slice.id})]")
            yield guarded, f"used {symbol.replace('W', kind)} where {symbol.replace('W', other)} belongs, in every layer"
    loops = [a for a in ancestors if isinstance(a, (ast.DictComp, ast.GeneratorExp, ast.ListComp))]
    if isinstance(node, ast.Name) and node.id == "t" and isinstance(node.ctx, ast.Load) and loops:
        in_scope = {n.id for generator in loops[-1].generators for n in ast.walk(generator.target)
                    if isinstance(n, ast.Name)}
        key = next((name for name in KEY_NAMES if name in in_scope), None)
        if key:
            yield _expression(f"_layer_number({key})"), "used the layer number l where the step counter t belongs"


def _tuple_edits(node):
    """``("W", "b")`` -> ``("W",)`` or ``("b",)``: every b (or every W) left out."""
    if isinstance(node, ast.Tuple) and [ast.unparse(e) for e in node.elts] == ["'W'", "'b'"]:
        yield ast.Tuple([node.elts[0]], ast.Load()), "left out every b: each layer has a W and a b"
        yield ast.Tuple([node.elts[1]], ast.Load()), "left out every W: each layer has a W and a b"


def _signature_edits(unit):
    """Two neighbouring arguments swapped in the def line (the caller passes them in the contract's order)."""
    arguments = unit.tree.args.args
    edits = []
    for index in range(len(arguments) - 1):
        first, second = arguments[index].arg, arguments[index + 1].arg
        swapped = copy.deepcopy(unit.tree.args)
        swapped.args[index].arg, swapped.args[index + 1].arg = second, first
        phrase = (f"swapped {first} and {second} in the def line, so {first} holds the value of {second} and "
                  f"{second} that of {first}: keep the order {unit.name}({', '.join(a.arg for a in arguments)})")
        edits.append(Edit(unit, (("args", None),), swapped, phrase))
    return edits


def single_edits(unit, kinds=None):
    """Every single :class:`Edit` of ``unit``, in a fixed order; names are swapped only with names of the
    same kind in ``kinds`` (see :func:`kinds`)."""
    kinds = kinds or {}
    names = _loaded_names(unit)
    strings = _returned_strings(unit)
    edits = []
    for path, node, ancestors in _walk(unit.tree):
        if not path or isinstance(node, (ast.arguments, ast.arg)) or any(isinstance(a, ast.arguments) for a in ancestors):
            continue
        if any(isinstance(a, (ast.JoinedStr, ast.keyword)) and not isinstance(a, ast.keyword) for a in ancestors):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            continue
        generators = [
            _operator_edits(node), _beta_edits(node, ancestors), _name_edits(node, ancestors, names, kinds),
            _constant_edits(node, ancestors), _string_edits(node, strings), _call_edits(node),
            _compare_edits(node), _unary_edits(node), _index_edits(node), _transpose_edits(node),
            _kind_edits(node, ancestors, names), _tuple_edits(node),
        ]
        for generator in generators:
            for new, phrase in generator:
                if said(phrase):
                    edits.append(Edit(unit, path, new, phrase))
    return edits


def _statement_of(unit, path):
    node, statement = unit.tree, None
    for field, index in path:
        node = getattr(node, field) if index is None else getattr(node, field)[index]
        if isinstance(node, ast.stmt):
            statement = node
    return statement


def _node_at(tree, path):
    node = tree
    for field, index in path:
        node = getattr(node, field) if index is None else getattr(node, field)[index]
    return node


# --- mutants --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    """A generated mistake: a stable ``id``, the ``sentence`` check() says, the wrong function ``fn``."""

    id: str
    sentence: str
    fn: Callable
    edits: int


def _sentence(edits, name):
    """The phrase of the edit (or of the first of identical edits), then the formula it breaks, unless the
    phrase already says it."""
    edit = edits[0]
    formula = statement_notation(edit.unit.name, _statement_of(edit.unit, edit.path))
    phrase = edit.phrase + (" (in every place it appears)" if len(edits) > 1 else "")
    right_side = formula.split(" = ", 1)[-1] if formula else ""
    if not formula or not said(formula) or ":" in edit.phrase or len(right_side) > 3 and right_side in edit.phrase:
        return phrase + "."
    return f"{phrase}: {formula}."


def _mutant(name, unit_list, edits, sentence):
    trees = {}
    for edit in edits:
        tree = trees.get(edit.unit.name, edit.unit.tree)
        trees[edit.unit.name] = replaced(tree, edit.path, edit.new)
    source = "\n".join(ast.unparse(trees.get(unit.name, unit.tree)) for unit in unit_list)
    digest = hashlib.sha1(f"{name}\n{source}".encode()).hexdigest()[:8]
    return digest, trees, sentence


def _returns_an_input_first(edit):
    """Sort key: returning an input for an output ("the parameters it was given") explains a result before
    the edits of the formulas that happen to give the same numbers."""
    statement = _statement_of(edit.unit, edit.path)
    return 0 if isinstance(statement, ast.Return) and isinstance(edit.new, ast.Name) else 1


def _same_everywhere(edits):
    """Groups of edits that make the same change to identical expressions in one unit (the cheap pairs)."""
    groups = {}
    for edit in edits:
        before = ast.unparse(_node_at(edit.unit.tree, edit.path))
        key = (edit.unit.name, before, ast.unparse(edit.new), edit.phrase)
        groups.setdefault(key, []).append(edit)
    return [group for group in groups.values() if len(group) > 1 and _disjoint(group)]


def _disjoint(group):
    paths = [edit.path for edit in group]
    return not any(a != b and b[: len(a)] == a for a in paths for b in paths)


@lru_cache(maxsize=None)
def mutants(name):
    """Every generated mistake of exercise ``name`` (not yet run), in a fixed order: single edits, then pairs."""
    unit_list = units(name)
    singles = _signature_edits(unit_list[0]) + sorted(
        (edit for unit in unit_list for edit in single_edits(unit, kinds(name))), key=_returns_an_input_first)
    plans = [([edit], _sentence([edit], name)) for edit in singles]
    plans += [(group, _sentence(group, name)) for group in _same_everywhere(singles)]
    plans += _skipped_layer_plans(name, unit_list)
    found, seen = [], set()
    for edits, sentence in plans:
        digest, trees, sentence = _mutant(name, unit_list, edits, sentence)
        if digest in seen:
            continue
        seen.add(digest)
        found.append((digest, trees, sentence, len(edits)))
    return [Mutant(digest, sentence, _Lazy(unit_list, trees), count) for digest, trees, sentence, count in found]


class _Lazy:
    """A mutant's function, compiled on its first call (most are never called by the judge)."""

    def __init__(self, unit_list, trees):
        self.unit_list, self.trees, self.fn = unit_list, trees, None

    def __call__(self, *args, **kwargs):
        if self.fn is None:
            self.fn = compile_units(self.unit_list, self.trees)
        return self.fn(*args, **kwargs)


# "The last layer skipped" and "every b skipped", as a learner's loop over a copy of the inputs does it:
# the entries not updated keep the input's values. (A loop that builds new dicts leaves them out
# instead: that is the single edit of range(...) in parameter_keys.)
SKIPPED_LAYERS = {
    "the last layer": ("range(1, layer_count(parameters))", "did not update the last layer: with L = len(parameters)"
                       " // 2 layers, loop over l = 1 … L, i.e. range(1, L + 1)."),
    "every b": ("('W',)", "did not update the biases b: update every W[l] and every b[l]."),
    "every W": ("('b',)", "did not update the weights W: update every W[l] and every b[l]."),
}
STATE_INPUTS = {"new_v": "v", "new_s": "s", "new_parameters": "parameters"}


def _skipped_layer_plans(name, unit_list):
    keys_unit = next((unit for unit in unit_list if unit.name == "parameter_keys"), None)
    reference = unit_list[0]
    if keys_unit is None or "parameters" not in _loaded_names(reference):
        return []
    plans = []
    for target, sentence in SKIPPED_LAYERS.values():
        edits = []
        for path, node, _ in _walk(keys_unit.tree):
            text = ast.unparse(node)
            if text in ("range(1, layer_count(parameters) + 1)", "('W', 'b')") and \
                    (text.startswith("range") == target.startswith("range")):
                edits.append(Edit(keys_unit, path, _expression(target), sentence))
        edits += _copied_inputs(reference)
        if len(edits) > 1:
            plans.append((edits, sentence))
    return plans


def _copied_inputs(reference):
    """Edits that start each dict the reference builds from its input: ``{**v, **{...}}``."""
    edits = []
    for path, node, _ in _walk(reference.tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.DictComp) and \
                isinstance(node.targets[0], ast.Name) and node.targets[0].id in STATE_INPUTS:
            source = STATE_INPUTS[node.targets[0].id]
            merged = _expression(f"{{**{source}, **PLACEHOLDER}}")
            merged.values[1] = node.value
            edits.append(Edit(reference, path + (("value", None),), merged, ""))
    return edits


# --- running mutants -----------------------------------------------------------------------------


class OverBudget(Exception):
    """A mutant took more time or memory than any learner's answer would: it is not a candidate."""


@contextmanager
def bounded(seconds=SECONDS_PER_MUTANT, extra_bytes=EXTRA_BYTES_PER_MUTANT, peak_bytes=PEAK_BYTES):
    """Run the block under limits; past one it raises :class:`OverBudget`.

    Memory is counted by tracemalloc (NumPy's arrays included), so the same code on the same inputs
    is over or under :data:`PEAK_BYTES` on every run, however busy the machine: the choice of mutants
    does not depend on timing. A timer looks every 20 ms, so a mutant that keeps allocating (a loop of
    m ** mini_batch_size slices) stops soon after it passes the limit; a cap on the address space
    stops a single huge allocation, and a wall-clock limit a loop that allocates nothing.
    """
    deadline = time.monotonic() + seconds

    def check(signum, frame):
        if tracemalloc.get_traced_memory()[1] > peak_bytes or time.monotonic() > deadline:
            raise OverBudget("memory or time")

    old_limit = resource.getrlimit(resource.RLIMIT_AS)
    soft = _address_space() + extra_bytes
    if old_limit[0] != resource.RLIM_INFINITY:
        soft = min(soft, old_limit[0])
    previous_handler = signal.signal(signal.SIGALRM, check)
    resource.setrlimit(resource.RLIMIT_AS, (soft, old_limit[1]))
    tracemalloc.start()
    signal.setitimer(signal.ITIMER_REAL, 0.02, 0.02)
    try:
        yield
        if tracemalloc.get_traced_memory()[1] > peak_bytes:
            raise OverBudget("memory")
    except MemoryError as error:
        raise OverBudget("memory") from error
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        tracemalloc.stop()
        resource.setrlimit(resource.RLIMIT_AS, old_limit)
        signal.signal(signal.SIGALRM, previous_handler)


def _address_space():
    """Bytes of address space this process uses now."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def run(fn, args, kwargs):
    """``fn``'s outcome on a copy of the inputs: its value, or an :class:`engine.Raised`.

    Raises :class:`OverBudget` for a MemoryError (or call inside :func:`bounded` for time too).
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return fn(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        except (OverBudget, MemoryError, RecursionError) as error:
            raise OverBudget(type(error).__name__) from error
        except Exception as error:  # noqa: BLE001 - a mutant may fail in any way; that is its behaviour
            return engine.Raised(type(error).__name__)


def outcomes(fn, cases):
    """``fn``'s outcomes on ``[(args, kwargs, expected), ...]``, or None when it goes over the limits
    of :func:`bounded`."""
    try:
        with bounded():
            return [run(fn, args, kwargs) for args, kwargs, _ in cases]
    except OverBudget:
        return None


# --- selection on probe inputs -------------------------------------------------------------------


def select(name, cases, known=()):
    """The mutants of ``name`` that differ from the reference on ``cases`` and from every earlier
    mutant and every ``known`` fingerprint list, one per behaviour: ``[(mutant, prints), ...]``.

    ``cases`` is ``[(args, kwargs, expected), ...]``. A mutant must return a wrong value on some case:
    one that only raises (a KeyError everywhere, say) is told apart by its exception's class alone, too
    little to name a cause by, and the exception explains itself better.
    """
    seen = {engine.behaviour_key(prints) for prints in known}
    chosen = []
    for mutant in mutants(name):
        prints = prints_of(mutant.fn, cases)
        if prints is None or not engine.carries_a_value(prints) or _one_answer(mutant.fn, cases):
            continue
        key = engine.behaviour_key(prints)
        if key in seen or not _deterministic(mutant, cases, prints):
            continue
        seen.add(key)
        chosen.append((mutant, prints))
    return chosen


# A mutant whose answer is one number or word must give, on this many probes, another answer than the
# one it gives most: "always 1.0" or "always 'saddle'" (but for two probes) is where so many slips end
# that such answers name none of them.
TELLING_ANSWERS = 3


def _one_answer(fn, cases):
    """Whether ``fn``, whose answers are single numbers or words, gives nearly always the same one."""
    results = outcomes(fn, cases)
    answers = [str(result) for result in results if not isinstance(result, engine.Raised)]
    if not all(isinstance(result, (str, int, float, np.number, engine.Raised)) for result in results):
        return False
    most = max((answers.count(answer) for answer in set(answers)), default=0)
    return len(answers) - most < TELLING_ANSWERS


def _deterministic(mutant, cases, prints):
    again = prints_of(mutant.fn, cases)
    return again is not None and engine.behaviour_key(again) == engine.behaviour_key(prints)


# --- candidate tables -----------------------------------------------------------------------------


def registered(name):
    """``[(mistake_id, fn), ...]``: the registered mistakes of ``name`` that a wrong value shows
    (the behaviour mistakes, an input modified or the global RNG used, are seen from the call itself)."""
    return [(mistake_id, fn) for mistake_id, fn in MISTAKES.get(name, {}).items()
            if mistake_id not in BEHAVIOUR_MISTAKES]


def prints_of(fn, cases):
    """``fn``'s fingerprints on ``[(args, kwargs, expected), ...]``, or None when they cannot be taken."""
    results = outcomes(fn, cases)
    if results is None or not all(engine.encodable(result) for result in results):
        return None
    return [engine.fingerprint(result, expected, layout=_layout(expected))
            for result, (_, _, expected) in zip(results, cases)]


_LAYOUTS = {}


def _layout(expected):
    """``engine.layout(expected)``, remembered for the expected outputs of the probes (kept alive by them)."""
    key = id(expected)
    if key not in _LAYOUTS or _LAYOUTS[key][0] is not expected:
        _LAYOUTS[key] = (expected, engine.layout(expected))
    return _LAYOUTS[key][1]


def registered_table(name, cases):
    """``[(mistake_id, prints), ...]`` for the registered mistakes of ``name`` on ``cases``."""
    table = []
    for mistake_id, fn in registered(name):
        prints = prints_of(fn, cases)
        if prints is not None:
            table.append((mistake_id, prints))
    return table


def generated_table(name, cases, ids):
    """``[(mutant_id, prints), ...]`` for the generated mistakes ``ids`` of ``name``, run on ``cases``
    (the grader's judge, on inputs it drew itself)."""
    wanted = set(ids)
    table = []
    for mutant in mutants(name):
        if mutant.id in wanted:
            prints = prints_of(mutant.fn, cases)
            if prints is not None:
                table.append((mutant.id, prints))
    return table

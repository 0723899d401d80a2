"""How alike the students' answers are, per assignment, calibrated on the class itself.

Each answer cell is normalised before it is compared (:func:`answer_tokens`): the syntax tree
without docstrings and comments, the independent statements of every block in one canonical order
(a topological order of what each reads and writes, ties broken by the statement's name-blind
text), then its tokens with every local name written ``V`` (the parameters, which the template
names, kept), as MOSS does. So renamed variables, reordered independent lines and changed comments
leave the tokens as they were, and a line added to a copy changes only the k-grams around it.

The tokens' k-grams are hashed and winnowed (Schleimer, Wilkerson and Aiken, "Winnowing: local
algorithms for document fingerprinting", SIGMOD 2003, as MOSS does). A fingerprint of the
released template is evidence of nothing and is dropped, and so is one that more than
:data:`COMMON_SHARE` of the class shares (the few natural forms of a short exercise); the others
weigh log(n / students holding it), so the rarer the shared code, the more it counts. A pair's
similarity is the weight of the fingerprints both hold over the weight of those either holds
(weighted Jaccard, 0 to 1), over all the answer cells of the assignment.

The flagging rule (:func:`flag_rule`): a pair is flagged when its similarity is at least
:data:`FLOOR`, above the median of the assignment's pairs by :data:`MAD_FACTOR` median absolute
deviations, and the two share at least :data:`MIN_SHARED` rare fingerprints. Similar is not proof:
two students who wrote the same uncommon form independently look exactly like a copy.

Not copydetect: its winnowing is the same few lines, but it tokenizes with pygments, so it knows
no statement order, and it weighs no fingerprint by the class; its highlighting marks its own
tokens, which after this normalisation no longer line up with what the student wrote.
"""

import ast
import builtins
import functools
import hashlib
import io
import keyword
import math
import re
import tokenize
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

K = 5  # tokens per k-gram: a short statement is about ten tokens
WINDOW = 4  # winnowing window: any shared run of K + WINDOW - 1 = 8 tokens is caught
COMMON_SHARE = 0.25  # a fingerprint more than this share of the class holds is dropped
FLOOR = 0.5
MAD_FACTOR = 4.0
MIN_MAD = 0.02  # a class whose pairs share nearly nothing has a MAD of 0: a floor keeps the rule sane
MIN_SHARED = 6
MAX_REORDERED = 200  # statements of one block put in canonical order; a longer block keeps its order
KEPT_NAMES = frozenset(dir(builtins)) | {"np", "numpy", "math", "copy"}


@dataclass(frozen=True)
class Pair:
    """Two students of one assignment: ``similarity`` in [0, 1], ``shared`` rare fingerprints."""

    student_a: str
    student_b: str
    similarity: float
    shared: int
    flagged: bool


def answer_tokens(code):
    """The normalised tokens of one answer cell's ``code`` (str): a list of str."""
    try:
        tree = ast.parse(code)
        tree.body = _canonical_block(tree.body, frozenset())
        functions = [s for s in tree.body if isinstance(s, ast.FunctionDef)]
        return [token for _, token in _blind_tokens(ast.unparse(tree), frozenset().union(*map(_parameters, functions)))]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [token for _, token in _blind_tokens(code)]  # code that does not parse: its tokens as written


def fingerprints(tokens, salt=""):
    """The winnowed hashes (a set of int) of the ``K``-grams of ``tokens``; ``salt`` (an answer
    cell's grade_id) keeps the same code in two different exercises apart."""
    grams = [_hash(salt + "\x00" + " ".join(tokens[i:i + K])) for i in range(max(len(tokens) - K + 1, 0))]
    if len(grams) <= WINDOW:
        return set(grams)
    return {min(grams[i:i + WINDOW]) for i in range(len(grams) - WINDOW + 1)}


def class_pairs(answers, template):
    """Every pair of students of one assignment, most similar first.

    Parameters
    ----------
    answers : dict
        ``{student: {grade_id: code}}``, the answer cells of each student's notebook.
    template : dict
        ``{grade_id: code}``, the released template of each answer cell.

    Returns
    -------
    list of Pair
        n (n - 1) / 2 pairs for n students, sorted by similarity, highest first.
    """
    students = sorted(answers)
    cell_prints = functools.lru_cache(maxsize=None)(lambda cell, code: fingerprints(answer_tokens(code), cell))
    boilerplate = set().union(*(cell_prints(cell, code) for cell, code in template.items()))
    prints = [set().union(*(cell_prints(cell, code) for cell, code in answers[s].items())) - boilerplate
              for s in students]
    own, shared_weight, shared = _rare_overlaps(prints)
    union = own[:, None] + own[None, :] - shared_weight
    similarity = np.divide(shared_weight, union, out=np.zeros_like(union), where=union > 0)
    upper = np.triu_indices(len(students), k=1)
    scores, counts = similarity[upper], shared[upper]
    flagged = flag_rule(scores, counts)
    pairs = [Pair(students[a], students[b], score, count, flag) for a, b, score, count, flag  # plain Python values
             in zip(upper[0].tolist(), upper[1].tolist(), scores.tolist(), counts.tolist(), flagged.tolist())]
    return sorted(pairs, key=lambda p: (-p.similarity, p.student_a, p.student_b))


def flag_rule(similarity, shared):
    """Which pairs are outliers of their assignment: ``similarity`` and ``shared`` are arrays of
    shape (pairs,); returns a bool array of the same shape (module docstring: the rule)."""
    if similarity.size == 0:
        return np.zeros(0, dtype=bool)
    median = np.median(similarity)
    mad = max(float(np.median(np.abs(similarity - median))), MIN_MAD)
    return (similarity >= FLOOR) & (similarity > median + MAD_FACTOR * mad) & (shared >= MIN_SHARED)


def shared_lines(code, other, template):
    """The line numbers (0-based, a set) of ``code`` whose name-blind text also appears in ``other``
    and not in ``template`` (all three str): the passages a side-by-side view marks."""
    theirs = set(_line_keys(other).values()) - set(_line_keys(template).values())
    return {line for line, key in _line_keys(code).items() if key in theirs}


def _rare_overlaps(prints):
    """``(own, shared_weight, shared)`` for the fingerprint sets ``prints`` of n students: the
    weight of each one's rare fingerprints (n,), the weight (n, n) and the number (n, n) of those
    each pair holds both. A fingerprint held by more than COMMON_SHARE of n is dropped; the others
    weigh log(n / holders). Fingerprints with the same holders are added up first, so a long copied
    passage costs one update of the matrices, not one per fingerprint."""
    n = len(prints)
    holders = defaultdict(list)
    for student, held in enumerate(prints):
        for fingerprint in held:
            holders[fingerprint].append(student)
    own, groups = np.zeros(n), defaultdict(lambda: [0.0, 0])
    for group in holders.values():
        if len(group) > max(2, COMMON_SHARE * n):
            continue
        weight = math.log(max(n, 2) / len(group))
        own[group] += weight
        if len(group) > 1:
            groups[tuple(group)][0] += weight
            groups[tuple(group)][1] += 1
    shared_weight, shared = np.zeros((n, n)), np.zeros((n, n), dtype=int)
    for group, (weight, count) in groups.items():
        block = np.ix_(group, group)
        shared_weight[block] += weight
        shared[block] += count
    return own, shared_weight, shared


def _docstring(statement):
    """Whether ``statement`` is a bare string (a docstring, or a comment written as one)."""
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


_BARRIERS = (ast.Return, ast.Raise, ast.Break, ast.Continue, ast.If, ast.For, ast.While, ast.With, ast.Try,
             ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)


def _canonical_block(body, parameters):
    """The statements of ``body`` (a list of ast.stmt) in canonical order, nested blocks too, bare
    strings (docstrings) left out: a statement may move past another only if neither writes what
    the other reads or writes, and neither is control flow; among the statements free to go next,
    the text decides, with local names blind and the ``parameters`` of the enclosing functions (the
    template's) kept."""
    body = [statement for statement in body if not _docstring(statement)] or [ast.Pass()]
    for statement in body:
        inner = parameters | _parameters(statement) if isinstance(statement, ast.FunctionDef) else parameters
        for holder in [statement, *getattr(statement, "handlers", ())]:
            for field in ("body", "orelse", "finalbody"):
                block = getattr(holder, field, None)
                if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                    setattr(holder, field, _canonical_block(block, inner))
    if not 1 < len(body) <= MAX_REORDERED:
        return body
    uses = [None if isinstance(s, _BARRIERS) else _reads_writes(s) for s in body]
    waits_for = [0] * len(body)  # how many earlier statements each must follow
    followers = [[] for _ in body]
    for j in range(len(body)):
        for i in range(j):
            if _depends(uses[i], uses[j]):
                waits_for[j] += 1
                followers[i].append(j)
    key = functools.cache(lambda j: _blind_text(body[j], parameters))  # only ties need it; rarely a compound one
    ready, order = [j for j in range(len(body)) if not waits_for[j]], []
    while ready:
        chosen = min(ready, key=key) if len(ready) > 1 else ready[0]
        ready.remove(chosen)
        order.append(body[chosen])
        for j in followers[chosen]:
            waits_for[j] -= 1
            if not waits_for[j]:
                ready.append(j)
    return order


def _blind_text(statement, parameters):
    """``statement`` as text with every local name but ``parameters`` written ``V``."""
    return " ".join(token for _, token in _blind_tokens(ast.unparse(statement), parameters))


def _parameters(function):
    """The parameter names of ``function`` (an ast.FunctionDef), a frozenset."""
    return frozenset(node.arg for node in ast.walk(function.args) if isinstance(node, ast.arg))


def _depends(first, second):
    """Whether a statement must stay after an earlier one, given the places each reads and writes
    (:func:`_reads_writes`; None for control flow, which nothing moves past)."""
    if first is None or second is None:
        return True
    (reads_1, writes_1), (reads_2, writes_2) = first, second
    return not (writes_1 and writes_2) or _overlap(writes_1, reads_2 | writes_2) or _overlap(reads_1, writes_2)


def _overlap(places, others):
    """Whether a place of ``places`` is one of ``others``: ``(name, key)`` pairs, where key None is
    the whole of ``name`` and overlaps every key of it."""
    return any(name == other and (key is None or other_key is None or key == other_key)
               for name, key in places for other, other_key in others)


def _reads_writes(statement):
    """The places ``statement`` reads and writes (two sets of ``(name, key)``): ``v["dW1"]`` is the
    place ``("v", <the key's syntax tree as text>)``, a bare name ``("v", None)``; a comprehension's own names are left out.
    A call may change what it is given and the object whose method it is, so those names count as
    written too, unless the callee is a builtin or NumPy's, math's or copy's."""
    nodes = list(ast.walk(statement))
    scoped = {n.id for c in nodes if isinstance(c, ast.comprehension) for n in ast.walk(c.target)
              if isinstance(n, ast.Name)}
    reads, writes, keyed = set(), set(), set()
    for node in nodes:
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id not in scoped:
            place = (node.value.id, ast.dump(node.slice, annotate_fields=False))
            (writes if isinstance(node.ctx, (ast.Store, ast.Del)) else reads).add(place)
            keyed.add(id(node.value))
        elif isinstance(node, ast.Name) and node.id not in scoped and id(node) not in keyed:
            (writes if isinstance(node.ctx, (ast.Store, ast.Del)) else reads).add((node.id, None))
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            writes |= {(n.id, None) for n in ast.walk(node.value) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Call) and _root_name(node.func) not in KEPT_NAMES:
            changed = [node.func.value] if isinstance(node.func, ast.Attribute) else []
            writes |= {(n.id, None) for arg in node.args + changed for n in ast.walk(arg) if isinstance(n, ast.Name)}
    return reads, writes


def _root_name(expression):
    """``np`` for ``np.linalg.norm``, ``out`` for ``out.append``; None for anything else."""
    while isinstance(expression, ast.Attribute):
        expression = expression.value
    return expression.id if isinstance(expression, ast.Name) else None


_LAYOUT = {tokenize.INDENT: "{", tokenize.DEDENT: "}", tokenize.NEWLINE: ";"}
_FIELD = re.compile(r"\{[^{}]*\}")
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER, tokenize.ENCODING}


def _blind_tokens(code, kept=frozenset()):
    """``(line, token)`` of each token of ``code``: layout as ``{ } ;``, comments gone, every name
    ``V`` (in f-strings too) but the ``kept`` ones, attribute names, keywords, builtins and
    ``np``/``math``/``copy``. Code that does not tokenize: the tokens read, then word by word."""
    out = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type in _SKIPPED:
                continue
            text = _LAYOUT.get(token.type, token.string)
            if token.type == tokenize.STRING and text[:2].lower() in ("f'", 'f"', "rf", "fr"):
                text = _FIELD.sub("{}", text)  # what an f-string formats is names too
            if token.type == tokenize.NAME and text not in KEPT_NAMES and text not in kept \
                    and not keyword.iskeyword(text) and not (out and out[-1][1] == "."):
                text = "V"
            out.append((token.start[0] - 1, text))
    except (tokenize.TokenError, SyntaxError):
        done = out[-1][0] if out else -1
        out += [(line, word) for line, text in enumerate(code.splitlines()) if line > done for word in text.split()]
    return out


def _line_keys(code):
    """``{line number: name-blind text}`` of the lines of ``code`` with at least K tokens."""
    lines = {}
    for line, token in _blind_tokens(code):
        if token not in _LAYOUT.values():
            lines.setdefault(line, []).append(token)
    return {line: " ".join(tokens) for line, tokens in lines.items() if len(tokens) >= K}


def _hash(text):
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).digest(), "big")


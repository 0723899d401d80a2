"""The mistake engine: fingerprints of outputs, and which candidate mistakes reproduce a learner's.

A candidate mistake (registered in solutions/cases, or generated from the reference by
solutions/mutants.py) is shipped as a sentence and, for each probe input, a *fingerprint* of
what it returns: never its code, never its full output. check() fingerprints the learner's
outputs on the same probes and names a candidate only when the two agree on every probe
(:func:`reproduced`). The grader's judge uses the same functions on inputs it draws itself,
with fingerprints it computes by running the candidates outside the sandbox.

A fingerprint of an output (relative to the expected output of the same input) is

* :data:`SAME` (None) when the output matches the expected one (check()'s tolerance);
* ``"!Name"`` when the call raised the exception class ``Name``;
* a number: a fixed random projection of the output, flattened with each entry divided by the size
  (root mean square) of the expected entry at its place and passed through asinh (the identity for
  small values, a logarithm for huge ones), when its structure (types, keys, shapes, strings, where
  it holds nan or inf) is the expected one's;
* ``["#hash", p]`` otherwise, ``hash`` naming that structure (``["#hash"]`` when it holds no numbers).

Two outputs match when their structures agree and their projections agree within :data:`RTOL`
of the sum of the absolute terms of the learner's projection: ten million times looser than
rounding errors, and a difference between two outputs almost never cancels in a random projection
(it would take a direction orthogonal to it); every probe must match, too.
"""

import hashlib
from dataclasses import dataclass

import numpy as np

from optim_helpers.compare import explain_difference

SAME = None
PROJECTION_SEED = 2113
RTOL = 1e-7
ATOL = 1e-12
DIGITS = 9  # significant digits kept in a stored projection (|p| <= the tolerance's scale, so enough)


@dataclass(frozen=True)
class Raised:
    """What a call that raised returns here: the exception's class name."""

    name: str


class Unencodable(ValueError):
    """An output of a kind a fingerprint cannot describe (an object of some class)."""


def encodable(outcome):
    """Whether ``outcome`` is made of numbers, arrays, strings, None, dicts, tuples and lists only."""
    if isinstance(outcome, Raised) or outcome is None or isinstance(outcome, (str, bool, int, float, np.number)):
        return True
    if isinstance(outcome, np.ndarray):
        return outcome.dtype.kind in "biuf"
    if isinstance(outcome, dict):
        return all(isinstance(key, str) and encodable(value) for key, value in outcome.items())
    if isinstance(outcome, (tuple, list)):
        return all(encodable(item) for item in outcome)
    return False


def _leaves(value, expected, path=""):
    """``(structure, [(path, array, scale), ...])``: ``value`` walked the way ``expected`` is laid out."""
    if isinstance(value, dict):
        parts, leaves = [], []
        guide = expected if isinstance(expected, dict) else {}
        for key in sorted(value, key=str):
            part, found = _leaves(value[key], guide.get(key), f"{path}[{key!r}]")
            parts.append(f"{key!r}:{part}")
            leaves += found
        return "{" + ",".join(parts) + "}", leaves
    if isinstance(value, (tuple, list)) and not _numeric_like(value, expected):
        guide = expected if isinstance(expected, (tuple, list)) and len(expected) == len(value) else [None] * len(value)
        parts, leaves = [], []
        for index, (item, other) in enumerate(zip(value, guide)):
            part, found = _leaves(item, other, f"{path}[{index}]")
            parts.append(part)
            leaves += found
        bracket = "()" if isinstance(value, tuple) else "[]"
        return bracket[0] + ",".join(parts) + bracket[1], leaves
    if value is None or isinstance(value, str):
        return repr(value), []
    if not encodable(value):
        raise Unencodable(type(value).__name__)
    array = np.asarray(value, dtype=float)
    mask = ~np.isfinite(array)
    special = ""
    if mask.any():
        special = "!" + ",".join(f"{int(i)}{'n' if np.isnan(array.flat[i]) else '+' if array.flat[i] > 0 else '-'}"
                                 for i in np.flatnonzero(mask))
    return f"a{array.shape}{special}", [(path, np.where(mask, 0.0, array), _scale(expected))]


def _numeric_like(value, expected):
    """A list the expected output has as an array (``ewa`` returning a list of floats)."""
    return isinstance(expected, np.ndarray) or (isinstance(expected, (int, float)) and not isinstance(expected, bool))


def _scale(expected):
    try:
        array = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return 1.0
    finite = array[np.isfinite(array)]
    size = float(np.sqrt(np.mean(np.square(finite)))) if finite.size else 0.0
    return size if size > 0 else 1.0


def _projection(leaves):
    """``(projections, their tolerance scales)`` of the normalised, flattened leaves."""
    if not leaves:
        return np.zeros(0), np.zeros(0)
    # asinh keeps small entries as they are and takes the log of large ones, so that an average that blows
    # up to 1e30 does not drown the difference in its first, small values.
    z = np.arcsinh(np.concatenate([array.ravel() / scale for _, array, scale in leaves]))
    direction = np.random.default_rng([PROJECTION_SEED, z.size]).standard_normal(z.size)
    return np.array([direction @ z]), np.array([np.abs(direction) @ np.abs(z)])


def _structure_hash(structure):
    return "#" + hashlib.sha1(structure.encode()).hexdigest()[:10]


def layout(expected):
    """The structure of an expected output, as fingerprints compare it (compute once per probe)."""
    return _leaves(expected, expected)[0]


def fingerprint(outcome, expected, rtol=1e-6, atol=1e-9, layout=None):
    """The stored form of ``outcome`` (see the module's docstring), relative to ``expected``
    (whose :func:`layout` may be passed in)."""
    if isinstance(outcome, Raised):
        return "!" + outcome.name
    if explain_difference(outcome, expected, "", rtol, atol) is None:
        return SAME
    structure, leaves = _leaves(outcome, expected)
    projections = [float(f"{p:.{DIGITS}g}") + 0.0 for p in _projection(leaves)[0]]
    if structure == (layout if layout is not None else _leaves(expected, expected)[0]):
        return projections[0]
    return [_structure_hash(structure)] + projections


def behaviour_key(prints):
    """A hashable summary of one candidate's fingerprints, equal for candidates that behave alike."""
    def rounded(part):
        return float(f"{part:.6g}") if isinstance(part, float) else part

    return tuple(tuple(map(rounded, print_)) if isinstance(print_, list) else rounded(print_) for print_ in prints)


def carries_a_value(prints):
    """Whether some fingerprint is of a returned value (not only SAME and exceptions)."""
    return any(isinstance(print_, (float, list)) for print_ in prints)


@dataclass
class Probe:
    """The learner's outcome on one probe input, ready to compare with stored fingerprints."""

    same: bool
    raised: str = None
    structure: str = None
    projections: np.ndarray = None
    tolerances: np.ndarray = None

    @classmethod
    def of(cls, outcome, expected, rtol=1e-6, atol=1e-9):
        if isinstance(outcome, Raised):
            return cls(same=False, raised=outcome.name)
        if explain_difference(outcome, expected, "", rtol, atol) is None:
            return cls(same=True)
        try:
            structure, leaves = _leaves(outcome, expected)
        except (Unencodable, RecursionError, TypeError, ValueError):
            return cls(same=False, structure="#unreadable")
        projections, scales = _projection(leaves)
        mark = None if structure == _leaves(expected, expected)[0] else _structure_hash(structure)
        return cls(same=False, structure=mark, projections=projections, tolerances=RTOL * scales + ATOL)

    def matches(self, stored):
        """Whether the stored fingerprint ``stored`` describes this outcome."""
        if stored is SAME or self.same:
            return stored is SAME and self.same
        if self.raised is not None or isinstance(stored, str):
            return isinstance(stored, str) and stored == "!" + str(self.raised)
        mark, numbers = (stored[0], stored[1:]) if isinstance(stored, list) else (None, [stored])
        if mark != self.structure:
            return False
        numbers = np.asarray(numbers, dtype=float)
        return numbers.shape == self.projections.shape and bool(
            np.all(np.abs(numbers - self.projections) <= self.tolerances))


def reproduced(probes, table):
    """The ids of the candidates whose stored fingerprints match the learner on every probe, in order.

    ``table`` is ``[(id, [fingerprint per probe]), ...]``, registered mistakes first. A candidate whose
    fingerprints are all SAME or exceptions matches only a learner who raised the same exceptions on the
    same probes and is right on all others.
    """
    return [candidate for candidate, prints in table
            if len(prints) == len(probes) and all(probe.matches(p) for probe, p in zip(probes, prints))]

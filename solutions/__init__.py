"""Reference implementation of every exercise in the course.

Conventions (shared with the notebooks and the grader, see README.md):

* ``parameters = {"W1": (n1, n0), "b1": (n1, 1), ..., "WL": ..., "bL": ...}``;
  ``grads`` has the same keys prefixed with ``d`` (``dW1``, ``db1``, ...);
  optimizer states ``v`` and ``s`` are keyed like ``grads``.
* ``X`` has shape ``(n_x, m)`` and ``Y`` shape ``(1, m)``: one example per column.
* epsilon is added outside the square root; the Adam step counter ``t`` starts at 1.
* Functions never mutate their inputs: updates return new dicts.
* Randomness goes through ``np.random.default_rng(seed)``; the global RNG is never touched.

Every exercise is declared once, in ``optim_helpers/exercises.py``; this package exports
each one's reference from the topic module the declaration names.

This package is for instructors, tests and the grader. It is never shipped to
students and the grading sandbox cannot see it.
"""

import importlib

from optim_helpers.exercises import EXERCISES

# Each exercise's reference, from the topic module its declaration names (optim_helpers/exercises.py).
for _exercise in EXERCISES:
    globals()[_exercise.name] = getattr(importlib.import_module(f"solutions.{_exercise.topic}"), _exercise.name)

__all__ = sorted(exercise.name for exercise in EXERCISES)

"""Reference implementation of every exercise in the course.

Conventions (shared with the notebooks and the grader, see README.md):

* ``parameters = {"W1": (n1, n0), "b1": (n1, 1), ..., "WL": ..., "bL": ...}``;
  ``grads`` has the same keys prefixed with ``d`` (``dW1``, ``db1``, ...);
  optimizer states ``v`` and ``s`` are keyed like ``grads``.
* ``X`` has shape ``(n_x, m)`` and ``Y`` shape ``(1, m)``: one example per column.
* epsilon is added outside the square root; the Adam step counter ``t`` starts at 1.
* Functions never mutate their inputs: updates return new dicts.
* Randomness goes through ``np.random.default_rng(seed)``; the global RNG is never touched.

This package is for instructors, tests and the grader. It is never shipped to
students and the grading sandbox cannot see it.
"""

from solutions.adam import initialize_adam, update_parameters_with_adam
from solutions.after_adam import (
    clip_by_global_norm,
    update_parameters_with_adamw,
    update_parameters_with_lion,
    warmup_cosine_lr,
)
from solutions.ewa import effective_window, ewa, ewa_bias_corrected
from solutions.local_optima import critical_point_type, fraction_positive_definite
from solutions.lr_decay import exponential_decay, inverse_sqrt_decay, schedule_lr_decay, update_lr
from solutions.mini_batch import (
    compute_cost_with_regularization,
    random_mini_batches,
    update_parameters_with_gd,
)
from solutions.momentum import (
    initialize_velocity,
    update_parameters_with_momentum,
    update_parameters_with_nesterov,
)
from solutions.rmsprop import initialize_rmsprop, update_parameters_with_rmsprop

__all__ = [
    "clip_by_global_norm",
    "compute_cost_with_regularization",
    "critical_point_type",
    "effective_window",
    "ewa",
    "ewa_bias_corrected",
    "exponential_decay",
    "fraction_positive_definite",
    "initialize_adam",
    "initialize_rmsprop",
    "initialize_velocity",
    "inverse_sqrt_decay",
    "random_mini_batches",
    "schedule_lr_decay",
    "update_lr",
    "update_parameters_with_adam",
    "update_parameters_with_adamw",
    "update_parameters_with_gd",
    "update_parameters_with_lion",
    "update_parameters_with_momentum",
    "update_parameters_with_nesterov",
    "update_parameters_with_rmsprop",
    "warmup_cosine_lr",
]

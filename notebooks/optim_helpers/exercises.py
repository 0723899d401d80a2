"""Every exercise of the course, declared once.

One line per exercise: the function the learner writes, the notebook that asks for it, and its
topic, which names where the rest lives: its reference in ``solutions/<topic>.py``, its inputs
and known mistakes in ``solutions/cases/<topic>.py`` and, only where stored cases cannot
express a property, its extra checks in ``optim_helpers/checks/<topic>.py``. The notebook holds
its answer cell (grade_id ``<name>``) and its test cell (grade_id ``test_<name>``).

Everything else is derived from this table: the exports of ``solutions``, the labels
:func:`optim_helpers.progress.explain_unfinished` shows ("finish Exercise 2 above"), the
judge's list of test cells it re-checks, and release's refusal of a graded test cell it could not
re-check (grader/handout/exercises.py); tests/test_exercises.py compares README.md's table with it.
It ships to learners: it names functions, never answers.
"""

from dataclasses import dataclass

TEST_PREFIX = "test_"


@dataclass(frozen=True)
class Exercise:
    name: str  # the function the learner writes: its answer cell's grade_id; test_<name> is its test cell's
    notebook: str  # the assignment: notebooks/<notebook>.ipynb
    topic: str  # solutions/<topic>.py and solutions/cases/<topic>.py


# In each notebook's order: the order numbers them ("Exercise 1", "Exercise 2", ...).
EXERCISES = (
    Exercise("update_parameters_with_gd", "01_mini_batch_gradient_descent", "mini_batch"),
    Exercise("random_mini_batches", "01_mini_batch_gradient_descent", "mini_batch"),
    Exercise("compute_cost_with_regularization", "01_mini_batch_gradient_descent", "mini_batch"),
    Exercise("ewa", "02_exponentially_weighted_averages", "ewa"),
    Exercise("effective_window", "02_exponentially_weighted_averages", "ewa"),
    Exercise("ewa_bias_corrected", "03_bias_correction", "ewa"),
    Exercise("initialize_velocity", "04_momentum", "momentum"),
    Exercise("update_parameters_with_momentum", "04_momentum", "momentum"),
    Exercise("update_parameters_with_nesterov", "04_momentum", "momentum"),
    Exercise("initialize_rmsprop", "05_rmsprop", "rmsprop"),
    Exercise("update_parameters_with_rmsprop", "05_rmsprop", "rmsprop"),
    Exercise("initialize_adam", "06_adam", "adam"),
    Exercise("update_parameters_with_adam", "06_adam", "adam"),
    Exercise("update_lr", "07_learning_rate_decay", "lr_decay"),
    Exercise("schedule_lr_decay", "07_learning_rate_decay", "lr_decay"),
    Exercise("exponential_decay", "07_learning_rate_decay", "lr_decay"),
    Exercise("inverse_sqrt_decay", "07_learning_rate_decay", "lr_decay"),
    Exercise("critical_point_type", "08_local_optima_and_plateaus", "local_optima"),
    Exercise("fraction_positive_definite", "08_local_optima_and_plateaus", "local_optima"),
    Exercise("update_parameters_with_adamw", "09_after_adam", "after_adam"),
    Exercise("warmup_cosine_lr", "09_after_adam", "after_adam"),
    Exercise("clip_by_global_norm", "09_after_adam", "after_adam"),
    Exercise("update_parameters_with_lion", "09_after_adam", "after_adam"),
)


def exercises_of(notebook):
    """The exercises ``notebook`` asks for, in its order."""
    return [exercise for exercise in EXERCISES if exercise.notebook == notebook]


def labels(notebook):
    """``{name: what the notebook calls it}``: "Exercise 1", "Exercise 2", ..., or "the exercise" if it has one."""
    names = [exercise.name for exercise in exercises_of(notebook)]
    if len(names) == 1:
        return {names[0]: "the exercise"}
    return {name: f"Exercise {number}" for number, name in enumerate(names, start=1)}


def tested_name(grade_id):
    """``test_ewa`` -> ``ewa``: the function a test cell's grade_id names, or None if it is not ``test_<name>``."""
    return grade_id[len(TEST_PREFIX):] if isinstance(grade_id, str) and grade_id.startswith(TEST_PREFIX) else None


def exercise_tested_by(grade_id):
    """The declared exercise a test cell's grade_id names, else None."""
    name = tested_name(grade_id)
    return name if name in {exercise.name for exercise in EXERCISES} else None

"""The submissions tests/test_experiment_equality.py grades twice: with the cells tagged ``experiment``
skipped, and with them run. One folder holds all three corpora; the student id says which corpus.

- reference: student ``reference``, the nine source notebooks as they are (answers in place).
- partial: student ``partial``, all nine assignments released, then per exercise the reference answer
  put back, a mistaken implementation from tests/heldout_mistakes.py, or the answer cell left as released.
- hostile: notebook 02 cases of tests/grader_corpus.py (see HOSTILE_CASES for which, and why), and two
  probes written here, whose answers behave differently once an experiment cell has run (PROBES).
"""

import inspect
import re
from dataclasses import dataclass

import nbformat

from grader_corpus import CORRECT, build, with_answers
from heldout_mistakes import (
    adam_returns_in_other_order,
    clip_each_array,
    corrected_one_step_late,
    ewa_scaled_by_beta,
    inverse_sqrt_half_k,
    momentum_wrong_order,
    rmsprop_squared_root,
    rows_shuffled,
)
from notebook_tools import answer_cells

RIGHT, UNANSWERED = "right", "unanswered"  # anything else in PARTIAL is a mistaken function

# Per assignment, each exercise's answer. Every assignment has a right answer and a wrong or missing one
# (03 has one exercise: it is wrong). The exercises the long experiments call (training runs in 01, 06,
# 07, 09; the 20,000-trial sweep in 08) are the wrong or missing ones where the notebook allows: the reference
# corpus already runs those experiments on right answers, and failing early keeps this corpus fast.
PARTIAL = {
    "01_mini_batch_gradient_descent": {"update_parameters_with_gd": RIGHT, "random_mini_batches": rows_shuffled,
                                       "compute_cost_with_regularization": UNANSWERED},
    "02_exponentially_weighted_averages": {"ewa": ewa_scaled_by_beta, "effective_window": RIGHT},
    "03_bias_correction": {"ewa_bias_corrected": corrected_one_step_late},
    "04_momentum": {"initialize_velocity": RIGHT, "update_parameters_with_momentum": momentum_wrong_order,
                    "update_parameters_with_nesterov": UNANSWERED},
    "05_rmsprop": {"initialize_rmsprop": RIGHT, "update_parameters_with_rmsprop": rmsprop_squared_root},
    "06_adam": {"initialize_adam": RIGHT, "update_parameters_with_adam": adam_returns_in_other_order},
    "07_learning_rate_decay": {"update_lr": RIGHT, "schedule_lr_decay": UNANSWERED, "exponential_decay": RIGHT,
                               "inverse_sqrt_decay": inverse_sqrt_half_k},
    "08_local_optima_and_plateaus": {"critical_point_type": RIGHT, "fraction_positive_definite": UNANSWERED},
    "09_after_adam": {"update_parameters_with_adamw": UNANSWERED, "warmup_cosine_lr": RIGHT,
                      "clip_by_global_norm": clip_each_array, "update_parameters_with_lion": RIGHT},
}

HOSTILE_ASSIGNMENT = "02_exponentially_weighted_averages"
# Notebook 02's experiment cells: one loads the data before the first answer; one calls ewa between
# test_ewa and the effective_window exercise; the rest come after the last test cell. So running the
# experiments can change a score only through that call of ewa, or through what the case left in the
# kernel when it runs. The corpus cases where that call meets the harm:
HOSTILE_CASES = (
    "memory_hog",  # ewa hits the memory cap, in the experiment too; the kernel must survive it for the next test
    "fills_disk",  # /tmp and the kernel's socket folder are full when the experiment draws its figure
)
# Left out, since each costs two gradings and cannot differ: harm first done in a test cell that only
# experiments follow (kernel_death, sleeps: effective_window is first called by its own test); a kernel
# lost in the answer cell (ignores_interrupts, fork_bomb: every later cell fails either way); code that
# makes every later cell run nothing or pass inside the notebook, where the judge decides alone
# (cheat_hide_errors, cheat_patch_asserts, cheat_always_equal); hooks and reads that only print
# (spies_on_hidden_tests); invalid files (no kernel starts); edited test cells (rebuilt from the release);
# other wrong answers (an experiment that calls a wrong function fails by itself: the partial corpus has those).
# infinite_loop would belong above, but is left out too: with the experiments run its ewa is interrupted
# four times, a minute of busy loops, and under load the grader once declared its kernel unresponsive
# after an interrupt (nbclient waits 4 s for the kernel to go idle): a load effect, not an experiment's.
# The probe hangs_in_experiment covers a hang in the experiment cell, once, in an idle kernel.


def _misbehaves_in_experiment(action):
    """ewa right when the tests call it; ``action`` when the experiment cell calls it, which binds ``betas``
    (the judge and the skipped run never bind it)."""
    return CORRECT["ewa"] + f'''
_plain_ewa = ewa

def ewa(theta, beta):
    if "betas" in globals():
        {action}
    return _plain_ewa(theta, beta)
'''


DIES_IN_EXPERIMENT = _misbehaves_in_experiment("import os; os._exit(1)")
# Hangs once: the experiment cell is interrupted at the cell time-out; later calls return.
HANGS_IN_EXPERIMENT = _misbehaves_in_experiment("""if not globals().get("_hung"):
            import time
            globals()["_hung"] = True
            time.sleep(10**6)""")
# ewa right, after a look at `theta`, which only the experiment cell that loads the temperatures binds.
READS_EXPERIMENT_DATA = "print(theta[:3])\n" + CORRECT["ewa"]


@dataclass
class Probe:
    """A submission built to show what an experiment cell can change, and exactly what it changes:
    ``cells`` maps ``(grade_id, column of grades_by_cell.csv)`` to (value skipped, value run), ``total``
    is grades.csv's score (skipped, run)."""

    answers: dict
    cells: dict
    total: tuple


PROBES = {
    # Run: the kernel dies in the experiment cell, so test_effective_window (1 point) fails with it.
    # Skipped: that cell never runs, 4/4. The one real difference: skipping never gives less.
    "dies_in_experiment": Probe({"ewa": DIES_IN_EXPERIMENT, "effective_window": CORRECT["effective_window"]},
                                {("test_effective_window", "score"): (1, 0),
                                 ("test_effective_window", "nbgrader_score"): (1, 0)},
                                total=(4, 3)),
    # Skipped: a NameError before `def ewa`, so nbgrader's test_ewa fails. Run: nbgrader passes it. The judge
    # re-runs the answer cells without any experiment, finds no ewa and overrules: test_ewa scores 0 both ways.
    "reads_experiment_data": Probe({"ewa": READS_EXPERIMENT_DATA, "effective_window": CORRECT["effective_window"]},
                                   {("test_ewa", "nbgrader_score"): (0, 3)},
                                   total=(1, 1)),
    # Run: the experiment cell hits the time limit and is interrupted; the kernel goes on. No difference.
    "hangs_in_experiment": Probe({"ewa": HANGS_IN_EXPERIMENT, "effective_window": CORRECT["effective_window"]},
                                 {}, total=(4, 4)),
}


def mistake_source(mistake, exercise):
    """A held-out mistake as an answer cell that defines ``exercise``."""
    lines = inspect.getsource(mistake).splitlines()
    source = "\n".join(line for line in lines if not line.startswith("@"))
    assert "_layers" not in source and "math." not in source, f"{mistake.__qualname__} needs helpers the notebook lacks"
    return re.sub(rf"^def {mistake.__code__.co_name}\(", f"def {exercise}(", source, flags=re.MULTILINE)


def partial_submission(released, source, plan):
    """The released notebook with each exercise answered as ``plan`` says."""
    reference = answer_cells(source)
    answers = {}
    for exercise, answer in plan.items():
        if answer == RIGHT:
            answers[exercise] = reference[exercise].source
        elif answer != UNANSWERED:
            answers[exercise] = mistake_source(answer, exercise)
    assert set(plan) == set(answer_cells(released)), "PARTIAL must name every exercise of the notebook"
    return with_answers(released, answers)


CORPORA = ("reference", "partial", "hostile")


def student(corpus, name):
    """The student id of ``name`` in ``corpus``. The grader takes students in sorted order: with the
    corpus's number first, the reference notebooks' long experiments start first, and the short hostile
    cases fill the end, so neither worker waits long for the other."""
    return f"c{CORPORA.index(corpus) + 1}-{name}"


def write(submissions, released_folder, source_notebooks):
    """Write every corpus under ``submissions`` (nbgrader's submitted layout); returns
    ``{student id: corpus}``. ``source_notebooks`` maps assignment id to its source notebook path."""
    corpus_of = {}

    def put(corpus, name, assignment, nb_or_bytes):
        target = submissions / student(corpus, name) / assignment / f"{assignment}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(nb_or_bytes, bytes):
            target.write_bytes(nb_or_bytes)
        else:
            nbformat.write(nb_or_bytes, target)
        corpus_of[student(corpus, name)] = corpus

    for assignment, path in source_notebooks.items():
        put("reference", "reference", assignment, path.read_bytes())
        released = nbformat.read(released_folder / assignment / f"{assignment}.ipynb", as_version=4)
        source = nbformat.read(path, as_version=4)
        put("partial", "partial", assignment, partial_submission(released, source, PARTIAL[assignment]))
    released = nbformat.read(released_folder / HOSTILE_ASSIGNMENT / f"{HOSTILE_ASSIGNMENT}.ipynb", as_version=4)
    cases = build(released, "http://127.0.0.1:9/")  # cheat_network, the only case that uses the address, is left out
    for case in HOSTILE_CASES:
        put("hostile", case, HOSTILE_ASSIGNMENT, cases[case][1])
    for name, probe in PROBES.items():
        put("hostile", name, HOSTILE_ASSIGNMENT, with_answers(released, probe.answers))
    return corpus_of

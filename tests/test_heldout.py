"""check() on realistic mistakes (tests/heldout_mistakes.py): always rejected, never misleading, usually named.

solutions/measure.py sorts what check() says about each: named (a cause that fresh inputs confirm,
or a fact about the result's form), truthful (where it differs and which parts are right), generic,
misleading (a cause fresh inputs contradict) or accepted. ``python benchmarks/bench.py --mistakes-only``
prints the same counts.
"""

import warnings

import pytest

from heldout_mistakes import CONVENTIONS, HELDOUT, REGISTERED_AS
from optim_helpers.checks import check
from solutions import measure

# A message that only reports a symptom: the value differs, and nothing says why.
SYMPTOM_ONLY = "returned a wrong value"
# Measured 2026-11-29: see the final report; keep the bar where a regression would show.
MIN_NAMED_FRACTION = 0.7
# Issue 21's targets, on the held-out kinds the registry knows and on those it does not.
MIN_NAMED_REGISTERED, MIN_NAMED_UNREGISTERED = 0.95, 0.65


def _message(wrong):
    with pytest.raises(AssertionError) as failure:
        check(wrong)
    return str(failure.value)


@pytest.fixture(scope="module")
def measured():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the mistakes divide by zero and take roots of negatives
        return {wrong.__code__.co_name: measure.measure(wrong) for wrong in HELDOUT}


@pytest.mark.parametrize("wrong", HELDOUT, ids=lambda fn: fn.__code__.co_name)
def test_heldout_mistake_is_rejected(wrong):
    _message(wrong)


def test_most_heldout_mistakes_get_a_cause():
    messages = {wrong.__code__.co_name: _message(wrong) for wrong in HELDOUT}
    symptom_only = sorted(label for label, message in messages.items() if SYMPTOM_ONLY in message)
    named = 1 - len(symptom_only) / len(messages)
    assert named >= MIN_NAMED_FRACTION, f"only {named:.0%} named; symptom only: {symptom_only}"


def test_no_heldout_mistake_is_accepted_or_given_a_cause_fresh_inputs_contradict(measured):
    wrong = {label: result.message for label, result in measured.items()
             if result.category in ("misleading", "accepted")}
    assert not wrong


def test_the_kinds_the_registry_knows_are_named_with_the_registered_mistake(measured):
    known = [measured[label] for label in [*REGISTERED_AS, *CONVENTIONS]]
    named = [result for result in known if result.category == "named"]
    assert len(named) / len(known) >= MIN_NAMED_REGISTERED, [r.label for r in known if r not in named]
    by_the_registry = [result for result in named if result.cause.startswith("registry:")]
    assert all(result.cause == f"registry:{REGISTERED_AS[result.label]}" for result in by_the_registry
               if result.label in REGISTERED_AS)
    assert all(measured[label].cause.startswith("registry:") for label in CONVENTIONS)


def test_most_kinds_nobody_registered_are_named_and_many_by_a_generated_mistake(measured):
    unknown = [result for label, result in measured.items() if label not in REGISTERED_AS and label not in CONVENTIONS]
    named = [result for result in unknown if result.category == "named"]
    assert len(named) / len(unknown) >= MIN_NAMED_UNREGISTERED, [r.label for r in unknown if r not in named]
    assert sum(result.cause.startswith("generated:") for result in named) >= 20


# The classes of unregistered mistakes issue 13 listed, each with the phrase that names its cause.
CAUSES = {
    "rows_shuffled": "the examples are the columns of X",
    "len_x_as_m": "len(X) or X.shape[0]",
    "cost_left_as_array": "float(...) or np.squeeze(...)",
    "momentum_wrong_order": "item 0 looks like v, item 1 looks like parameters",
    "adam_returns_in_other_order": "item 3 looks like s_corrected, item 4 looks like v_corrected",
    "gd_layers_from_zero": "the layers are numbered 1 … L",
    "ewa_forgot_return": "did you forget `return`?",
    "ewa_scaled_by_beta": "multiplied by beta",
    "gd_learning_rate_squared": "multiplied the step of parameters[\"W1\"] by learning_rate (= 0.1)",
    "momentum_learning_rate_in_velocity": "multiplied the new term of v[\"dW1\"] (after beta·v[\"dW1\"]) by learning_rate",
    "nesterov_minus_gradient": "the new term of v[\"dW1\"] (after beta·v[\"dW1\"]) the opposite sign",
    "rmsprop_keys_like_parameters": "keyed like the parameters",
    "update_lr_if_on_epoch": "works for one number but not for an array",
    "window_rounded": "rounded to 1 decimal",
}


@pytest.mark.parametrize("label, phrase", sorted(CAUSES.items()))
def test_heldout_class_is_named_by_its_cause(label, phrase):
    wrong = next(fn for fn in HELDOUT if fn.__code__.co_name == label)
    assert phrase in _message(wrong)


# Issue 21's misleading messages, verbatim in spirit: what check() said, and what it says now.
WAS_MISLEADING = {
    "update_lr_power": ("rounded to", "raised decay_rate to the power epoch_num where the formula multiplies them"),
    "ewa_loop_from_one": ("rounded to", "On every input checked, v[0] is 0, whatever the inputs"),
    "fraction_a_times_a_transpose": ("for different seeds", "Got 1.000"),
    "fraction_first_matrix_only": ("for different seeds", "took eigvalsh(S)[0] where the formula takes eigvalsh(S)[:, 0]"),
    "batches_slices_start_at_k": ("with replacement", "every example belongs to exactly one mini-batch"),
    "momentum_returns_input_parameters": ("by 0", "returned the parameters it was given"),
    "rmsprop_skips_last_layer": ("a factor", "did not update the last layer"),
    "nesterov_velocity_applied_twice": ("a factor", "used β + 1 where β belongs in β·v"),
    "momentum_rate_and_beta_swapped_in_def": ("a factor", "swapped beta and learning_rate in the def line"),
    "ewa_zeros_like_theta": ("✔", "kept the integer type of an integer θ"),
}


@pytest.mark.parametrize("label, said, says", [(label, *pair) for label, pair in sorted(WAS_MISLEADING.items())])
def test_the_issues_misleading_cases_now_say_what_is_true(measured, label, said, says):
    message = measured[label].message
    assert said not in message and says in message, message


def test_no_random_pair_of_edits_is_accepted_or_given_a_cause_fresh_inputs_contradict():
    """Mistakes nobody wrote down and no candidate is: the reference with two random edits at once."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = [measure.measure(fn, label) for label, fn in measure.double_edits(seed=7, per_exercise=6)]
    assert len(results) >= 100
    assert not [(result.label, result.message) for result in results if result.category in ("misleading", "accepted")]


def test_the_leads_set_is_rejected_and_never_given_a_cause_fresh_inputs_contradict():
    """tests/heldout_lead.py, written without reading the generator or the registry (measured once in
    issue 21's note: 28 of 33 named, 23 of them by registered mistakes, 5 of 10 unregistered ones by
    generated ones). Its causes were also read by hand against TRUE_CAUSE."""
    from heldout_lead import HELDOUT_LEAD

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = [measure.measure(wrong) for wrong in HELDOUT_LEAD]
    wrong = {result.label: result.message for result in results if result.category in ("misleading", "accepted")}
    assert not wrong

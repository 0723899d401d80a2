"""What check() tells a learner: correct variants pass, forgotten returns and scalar-only code are named,
numbers show their difference, and the traceback shows the message, not the helpers' insides."""

import functools

import numpy as np
import pytest

import solutions
from correct_variants import VARIANTS
from optim_helpers.checks import Mistake, check
from optim_helpers.checks._core import known_exercises, load_cases
from optim_helpers.checks._diagnose import plausible
from optim_helpers.compare import explain_difference, format_pair
from solutions.cases import MISTAKES


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda fn: fn.__code__.co_name)
def test_correct_implementation_written_differently_passes(variant, capsys):
    check(variant)
    assert capsys.readouterr().out.startswith("✔")


def test_every_exercise_has_a_correct_variant():
    assert {variant.__name__ for variant in VARIANTS} == set(known_exercises())


@pytest.mark.parametrize("name", known_exercises())
def test_forgotten_return_is_named(name):
    @functools.wraps(getattr(solutions, name))  # same name and signature as the exercise
    def forgot_return(*args, **kwargs):
        getattr(solutions, name)(*args, **kwargs)

    with pytest.raises(AssertionError, match="did you forget `return`"):
        check(forgot_return)


@pytest.mark.parametrize("name, function", [
    ("update_lr", "float"), ("schedule_lr_decay", "math.floor"), ("exponential_decay", "math.pow"),
    ("inverse_sqrt_decay", "math.sqrt"),
])
def test_scalar_only_schedule_is_named_with_what_to_use(name, function):
    with pytest.raises(AssertionError, match=rf"works for one epoch but not for an array of epochs: {function}"):
        check(MISTAKES[name]["scalar_only"])


def test_unregistered_scalar_only_code_is_explained():
    def inverse_sqrt_decay(learning_rate0, epoch_num, k=1.0):
        if epoch_num < 1:  # an `if` on an array of epochs raises ValueError, not the registered TypeError
            return learning_rate0
        return k * learning_rate0 / epoch_num**0.5

    with pytest.raises(AssertionError, match=r"works for one number but not for an array.*np\.sqrt"):
        check(inverse_sqrt_decay)


def test_digits_are_enough_to_show_the_difference():
    assert format_pair(1.441891, 1.441894) == ("1.441891", "1.441894")
    assert explain_difference(1.4418911, 1.4418943, "the cost") == "the cost is 1.441891, expected 1.441894"


def test_the_first_wrong_quantity_is_named_by_the_returned_item_and_entry():
    def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                    epsilon=1e-8):
        new_parameters, new_v, new_s, v_corrected, s_corrected = solutions.update_parameters_with_adam(
            parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
        new_v = {key: value + np.cos(value) * 1e-3 for key, value in new_v.items()}
        return new_parameters, new_v, new_s, v_corrected, s_corrected

    with pytest.raises(AssertionError, match=r'v\["dW1"\]\[0, 0\] is'):
        check(update_parameters_with_adam)


def test_the_input_dump_is_a_few_lines():
    def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                    epsilon=1e-8):
        result = solutions.update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
        return ({key: value + np.cos(value) * 1e-3 for key, value in result[0].items()}, *result[1:])

    with pytest.raises(AssertionError) as failure:
        check(update_parameters_with_adam)
    assert len(str(failure.value).splitlines()) <= 6


def test_a_seed_that_was_used_is_not_blamed():
    cases = load_cases("random_mini_batches")
    assert not plausible("ignores_seed", solutions.random_mini_batches, cases)
    assert plausible("ignores_seed", MISTAKES["random_mini_batches"]["ignores_seed"], cases)


def test_another_generator_seeded_with_the_seed_is_not_told_it_ignored_the_seed():
    def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
        permutation = np.random.RandomState(seed).permutation(X.shape[1])
        X, Y = X[:, permutation], Y[:, permutation]
        return [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size])
                for k in range(0, X.shape[1], mini_batch_size)]

    with pytest.raises(AssertionError) as failure:
        check(random_mini_batches)
    assert "ignored the seed" not in str(failure.value)
    assert "np.random.default_rng(seed).permutation(m)" in str(failure.value)


def test_a_mistake_renders_as_its_message_alone_in_ipython():
    with pytest.raises(Mistake) as failure:
        check(MISTAKES["ewa"]["swapped_weights"])
    rendered = "\n".join(failure.value._render_traceback_())
    assert "swapped the weights" in rendered
    assert "optim_helpers" not in rendered and "File " not in rendered


def test_the_learners_own_frames_stay_when_their_code_raised():
    def ewa(theta, beta):
        return theta[100]

    with pytest.raises(Mistake) as failure:
        check(ewa)
    rendered = "\n".join(failure.value._render_traceback_())
    assert "in ewa" in rendered and "return theta[100]" in rendered
    assert "_core.py" not in rendered and "_diagnose.py" not in rendered


def test_a_mistake_is_still_an_assertion_error_for_nbgrader_and_pytest():
    assert issubclass(Mistake, AssertionError)


def test_an_eigenvalue_exactly_at_the_tolerance_is_zero():
    hessians = [case["args"][0] for case in load_cases("critical_point_type")]
    at_tolerance = [H for H in hessians if np.any(np.isin(np.abs(np.diag(H)), [0.25]))]
    assert at_tolerance, "a stored case must sit exactly at the tolerance, or a strict < would pass"

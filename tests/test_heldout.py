"""check() on mistakes nobody registered (tests/heldout_mistakes.py): always rejected, usually with a cause."""

import pytest

from heldout_mistakes import HELDOUT
from optim_helpers.checks import check

# A message that only reports a symptom: the value differs, and nothing says why.
SYMPTOM_ONLY = "returned a wrong value"
# Measured 2026-11-29: see the final report; keep the bar where a regression would show.
MIN_NAMED_FRACTION = 0.7


def _message(wrong):
    with pytest.raises(AssertionError) as failure:
        check(wrong)
    return str(failure.value)


@pytest.mark.parametrize("wrong", HELDOUT, ids=lambda fn: fn.__code__.co_name)
def test_heldout_mistake_is_rejected(wrong):
    _message(wrong)


def test_most_heldout_mistakes_get_a_cause():
    messages = {wrong.__code__.co_name: _message(wrong) for wrong in HELDOUT}
    symptom_only = sorted(label for label, message in messages.items() if SYMPTOM_ONLY in message)
    named = 1 - len(symptom_only) / len(messages)
    assert named >= MIN_NAMED_FRACTION, f"only {named:.0%} named; symptom only: {symptom_only}"

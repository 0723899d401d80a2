"""The mistake engine shared by check() and the grader's judge: fingerprints that survive rounding and
nothing more, the judge naming what check() names on inputs it drew itself, and the feedback page
showing it under the failed cell."""

import copy
import html

import numpy as np
import pytest

from grader.grading.feedback_page import harden_page
from grader.grading.judge import _mistake, mistake_sentence
from heldout_mistakes import HELDOUT
from optim_helpers import codec
from optim_helpers.checks import _engine as engine
from optim_helpers.checks import check
from solutions.cases import CASES, MISTAKES

HELDOUT_BY_LABEL = {fn.__code__.co_name: fn for fn in HELDOUT}


def test_a_fingerprint_matches_through_rounding_errors_and_not_through_a_real_difference():
    expected = {"W1": np.linspace(-2, 3, 12).reshape(3, 4), "b1": np.array([[1e-6], [2.0], [-3.0]])}
    wrong = {"W1": expected["W1"] * 1.1, "b1": expected["b1"] * 1.1}
    stored = engine.fingerprint(wrong, expected)
    rounded = {key: value * (1 + 1e-13) for key, value in wrong.items()}
    assert engine.Probe.of(rounded, expected).matches(stored)
    for key, index in [("W1", (2, 3)), ("b1", (1, 0))]:  # one entry of either leaf off by 1e-4
        other = copy.deepcopy(wrong)
        other[key][index] *= 1.0001
        assert not engine.Probe.of(other, expected).matches(stored)
    assert not engine.Probe.of({"W1": wrong["W1"]}, expected).matches(stored)  # another structure
    assert engine.Probe.of(expected, expected).matches(engine.SAME)
    assert engine.Probe.of(engine.Raised("TypeError"), expected).matches("!TypeError")


def _harness_outputs(fn, cases):
    """What the sandboxed harness sends back for ``fn`` on ``cases`` (grader/sandbox/harness.py's records)."""
    outputs = []
    for args, kwargs in cases:
        args, kwargs = copy.deepcopy((args, kwargs))
        try:
            value = fn(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - as the harness does
            outputs.append({"error": type(error).__name__, "message": str(error)})
            continue
        outputs.append({"value": codec.dumps(value), "inputs_after": codec.dumps([list(args), kwargs])})
    return outputs


@pytest.mark.parametrize("label", ["ewa_weights_swapped_preallocated", "update_lr_power", "rmsprop_skips_last_layer",
                                   "momentum_rate_and_beta_swapped_in_def", "adam_layer_number_for_t",
                                   "nesterov_keras"])
def test_the_judge_names_on_fresh_inputs_what_check_names_on_its_probes(label):
    wrong = HELDOUT_BY_LABEL[label]
    with pytest.raises(AssertionError) as failure:
        check(wrong)
    cases = CASES[wrong.__name__](np.random.default_rng(2026))
    assert failure.value.cause and _mistake(wrong.__name__, cases, _harness_outputs(wrong, cases)) == failure.value.cause


def test_the_judge_names_nothing_it_cannot_reproduce_and_says_when_an_input_was_modified():
    cases = CASES["ewa"](np.random.default_rng(3))
    assert _mistake("ewa", cases, _harness_outputs(HELDOUT_BY_LABEL["ewa_running_mean"], cases)) == ""
    assert _mistake("ewa", cases, _harness_outputs(MISTAKES["ewa"]["mutates_input"], cases)) == "behaviour:mutates_input"
    assert _mistake("ewa", cases, [{"value": "not json"}] * len(cases)) == ""


def test_each_mistake_value_has_the_sentence_check_says():
    assert mistake_sentence("test_ewa", "registry:swapped_weights").startswith("ewa swapped the weights")
    cases = CASES["update_lr"](np.random.default_rng(4))
    generated = _mistake("update_lr", cases, _harness_outputs(HELDOUT_BY_LABEL["update_lr_power"], cases))
    assert mistake_sentence("test_update_lr", generated).startswith("update_lr raised decay_rate to the power")
    assert mistake_sentence("test_ewa", "behaviour:mutates_input").startswith("ewa modified an input in place")
    assert mistake_sentence("test_ewa", "") == mistake_sentence("test_ewa", "registry:no_such") == ""
    assert mistake_sentence("test_unknown", "registry:swapped_weights") == ""


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>02</title></head><body><main>
<ul><li><a href="#test_ewa">Test cell</a> (Score: 0.0 / 3.0)</li></ul>
<div class="cell border-box-sizing code_cell rendered"><a name="test_ewa"></a><div class="panel-heading"><span class="nbgrader-label">Grade cell: <code>test_ewa</code></span>
<span class="pull-right">
Score: 0.0 / 3.0 <a href="#top">(Top)</a>
</span></div>
<pre>AssertionError</pre></div>
</main></body></html>
"""


def test_the_feedback_page_shows_the_mistake_under_the_failed_cell_once(tmp_path):
    page = tmp_path / "02.html"
    page.write_text(PAGE)
    for _ in range(2):  # a page hardened twice keeps one note
        harden_page(page, mistakes={"test_ewa": "registry:swapped_weights"})
    body = page.read_text().split("</head>", 1)[1]
    sentence = html.escape(mistake_sentence("test_ewa", "registry:swapped_weights"), quote=True)
    note = f'<div id="mistake-test_ewa" class="alert alert-warning" role="note">The re-check recognised the mistake: {sentence}</div>'
    assert body.count(note) == 1 and body.count('id="mistake-') == 1
    assert body.index("Grade cell: <code>test_ewa</code>") < body.index(note) < body.index("<pre>AssertionError")
    assert "why 0 points" not in body  # nbgrader's own score stands: it failed there too

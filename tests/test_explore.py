"""The explorations of optim_helpers.explore without a browser: what nbclient, nbval and nbgrader see, and redraws."""

import numpy as np
import pytest
from optim_helpers import explore
from optim_helpers.data import load_temperatures

from solutions import (
    effective_window,
    ewa,
    ewa_bias_corrected,
    exponential_decay,
    initialize_adam,
    initialize_rmsprop,
    initialize_velocity,
    inverse_sqrt_decay,
    schedule_lr_decay,
    update_lr,
    update_parameters_with_adam,
    update_parameters_with_gd,
    update_parameters_with_momentum,
    update_parameters_with_rmsprop,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def shown(monkeypatch):
    """The mime bundles the explorations display."""
    bundles = []
    monkeypatch.setattr(explore, "display", lambda bundle, raw=False: bundles.append(bundle))
    return bundles


@pytest.fixture(scope="module")
def temperatures():
    return load_temperatures(year=2015)


def parts(box):
    """``(controls, readout, image)`` of an exploration."""
    controls, readout, image, _ = box.children
    return list(controls.children), readout, image


def build(name, temperatures):
    days, theta = temperatures or (None, None)
    return {
        "ewa": lambda: explore.explore_ewa(ewa, effective_window, days, theta),
        "bias_correction": lambda: explore.explore_bias_correction(ewa, ewa_bias_corrected, days, theta),
        "momentum": lambda: explore.explore_momentum(initialize_velocity, update_parameters_with_momentum),
        "schedules": lambda: explore.explore_schedules(update_lr, schedule_lr_decay, exponential_decay,
                                                       inverse_sqrt_decay),
        "race": lambda: explore.explore_race(update_parameters_with_gd, initialize_velocity,
                                             update_parameters_with_momentum, initialize_rmsprop,
                                             update_parameters_with_rmsprop, initialize_adam,
                                             update_parameters_with_adam),
    }[name]()


EXPLORATIONS = ["ewa", "bias_correction", "momentum", "schedules", "race"]


@pytest.mark.parametrize("name", EXPLORATIONS)
def test_without_a_browser_the_output_keeps_the_default_figure_and_readout(name, temperatures, shown):
    box = build(name, temperatures)
    (bundle,) = shown
    _, readout, image = parts(box)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == readout.value and readout.value
    assert bytes(image.value).startswith(PNG_SIGNATURE)
    assert explore.base64.b64decode(bundle["image/png"]) == bytes(image.value)


@pytest.mark.parametrize("name", EXPLORATIONS)
def test_every_control_redraws_the_figure_and_the_readout(name, temperatures, shown):
    controls, readout, image = parts(build(name, temperatures))
    for control in controls:
        before = (bytes(image.value), readout.value)
        if isinstance(control.value, bool):
            control.value = not control.value
        elif hasattr(control, "options"):
            control.value = control.options[1]
        else:
            control.value = control.value + control.step if control.value + control.step <= control.max \
                else control.value - control.step
        assert bytes(image.value) != before[0], f"{control.description} did not redraw the figure"
        assert bytes(image.value).startswith(PNG_SIGNATURE)
        if control.description != "time_interval":  # the staircase's end value may stay the same
            assert readout.value != before[1], f"{control.description} did not change the readout"


def test_ewa_readout_gives_window_and_lag(temperatures, shown):
    controls, readout, _ = parts(build("ewa", temperatures))
    assert readout.value.startswith("β = 0.900: window 1/(1 − β) = 10.0 days;")
    controls[0].value = 0.98
    days, theta = temperatures
    lag = int((days[np.argmax(ewa(theta, 0.98))] - days[np.argmax(ewa(theta, 0.5))]).astype(int))
    assert "window 1/(1 − β) = 50.0 days" in readout.value and f"{lag} days after" in readout.value


def test_momentum_readout_gives_the_theoretical_rate_at_the_optimal_setting(shown):
    controls, readout, _ = parts(explore.explore_momentum(initialize_velocity, update_parameters_with_momentum))
    assert "theory at the optimal α = 0.50, β = 0.67: 0.818" in readout.value
    controls[0].value, controls[1].value = 0.5, 0.67
    measured = float(readout.value.split("measured rate ")[1].split()[0])
    assert abs(measured - 0.818) < 0.03, readout.value


def test_divergence_is_a_readout_not_an_error(shown):
    controls, readout, _ = parts(explore.explore_momentum(initialize_velocity, update_parameters_with_momentum))
    controls[0].value, controls[1].value = 1.0, 0.0  # gradient descent with α = 1 > 2/20
    assert "diverges" in readout.value


def test_an_unfinished_exercise_shows_one_line_and_no_figure(temperatures, shown):
    days, theta = temperatures

    def effective_window(beta):
        raise NotImplementedError()

    box = explore.explore_ewa(ewa, effective_window, days, theta)
    (bundle,) = shown
    _, readout, image = parts(box)
    assert readout.value == "`effective_window` is not written yet: finish Exercise 2 first, then run this cell again."
    assert bundle["text/plain"] == readout.value and "image/png" not in bundle
    assert image.layout.display == "none"


def test_a_not_implemented_error_with_a_message_is_not_mistaken_for_an_unfinished_exercise():
    def update_lr(learning_rate0, epoch_num, decay_rate):
        raise NotImplementedError("arrays of epochs")

    try:
        update_lr(0.2, 1, 1)
    except NotImplementedError as error:
        with pytest.raises(NotImplementedError, match="arrays of epochs"):
            explore.unfinished_line(error, {"Exercise 1": update_lr})


def test_the_race_reads_out_every_optimizer_on_every_surface(shown):
    controls, readout, _ = parts(build("race", None))
    for surface in explore.SURFACES:
        controls[1].value = surface
        assert readout.value.startswith(f"{surface}, α = 0.05: after 100 steps f − f* = ")
        for optimizer in ("gradient descent", "momentum", "RMSprop", "Adam"):
            assert optimizer in readout.value

"""The explorations of optim_helpers.explore without a browser: what nbclient, nbval and nbgrader see, redraws,
what their readouts measure, and the conventions their figures share with optim_helpers.plots."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from optim_helpers import explore
from optim_helpers.data import YEAR, load_temperatures, yearly_cycle, yearly_delay
from optim_helpers.plots import plot_trajectories, readable_log_axis

from solutions import (
    clip_by_global_norm,
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
    warmup_cosine_lr,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def shown(monkeypatch):
    """The mime bundles the explorations display."""
    bundles = []
    monkeypatch.setattr(explore, "display", lambda bundle, raw=False: bundles.append(bundle))
    return bundles


@pytest.fixture
def figures(monkeypatch):
    """The matplotlib figures of the explorations built in a test, in order."""
    drawn = []

    class RecordingPainter(explore.Painter):
        def __init__(self, fig, animated=()):
            drawn.append(fig)
            super().__init__(fig, animated)

    monkeypatch.setattr(explore, "Painter", RecordingPainter)
    return drawn


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
        "warmup_and_clipping": lambda: explore.explore_warmup_and_clipping(warmup_cosine_lr, clip_by_global_norm,
                                                                           RECORDED_GRADIENTS),
    }[name]()


# Gradients whose global norms span the clipping slider's range, as a run that explodes and settles records them.
CLIPPING_SCALES = np.geomspace(20, 0.05, 50)
RECORDED_GRADIENTS = [{"dW1": scale * np.ones((2, 2)), "db1": scale * np.ones((2, 1))} for scale in CLIPPING_SCALES]
EXPLORATIONS = ["ewa", "bias_correction", "momentum", "schedules", "race", "warmup_and_clipping"]


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


def sine_wave_delay(beta, period=YEAR):
    """Days by which an EWA delays a pure wave of this period, and the share of its swing it keeps."""
    omega = 2 * np.pi / period
    response = (1 - beta) / (1 - beta * np.exp(-1j * omega))
    return -np.angle(response) / omega, abs(response)


def readout_numbers(readout):
    """(delay in days, swing kept in %) from the ewa exploration's readout."""
    delay = int(readout.split(" peaks ")[1].split(" day")[0])
    kept = int(readout.split(" keeps ")[1].split("%")[0])
    return delay, kept


def test_yearly_cycle_recovers_a_wave_and_its_delay_through_an_ewa():
    t = np.arange(3 * 365)
    wave = 11.0 + 7.0 * np.sin(2 * np.pi * (t - 100) / YEAR)
    reference = yearly_cycle(wave)
    assert reference.peak == pytest.approx(100 + YEAR / 4, abs=1e-6) and reference.swing == pytest.approx(7.0)
    for beta in (0.5, 0.9, 0.98, 0.999):
        cycle = yearly_cycle(ewa(wave, beta), beta)  # started at v₀ = 0: the β^t term takes the start-up
        delay, kept = sine_wave_delay(beta)
        assert yearly_delay(cycle, reference) == pytest.approx(delay, abs=1e-6)
        assert cycle.swing / reference.swing == pytest.approx(kept, abs=1e-6)


def test_without_the_start_term_the_start_from_zero_would_be_taken_for_lag():
    t = np.arange(365)
    wave = 11.0 + 7.0 * np.sin(2 * np.pi * (t - 100) / YEAR)
    beta = 0.99
    naive = yearly_delay(yearly_cycle(ewa(wave, beta)), yearly_cycle(wave))
    assert abs(naive - sine_wave_delay(beta)[0]) > 3


def test_ewa_readout_measures_the_lag_like_the_notebook_on_every_step_of_the_slider(temperatures, shown):
    days, theta = temperatures
    controls, readout, _ = parts(build("ewa", temperatures))
    assert readout.value.startswith("β = 0.9: window 1/(1 − β) = 10.0 days;")
    data_cycle = yearly_cycle(theta)
    for beta in controls[0].options:
        controls[0].value = beta
        cycle = yearly_cycle(ewa(theta, beta), beta)
        delay, kept = readout_numbers(readout.value)
        assert f"window 1/(1 − β) = {1 / (1 - beta):.1f} days" in readout.value
        assert delay == round(yearly_delay(cycle, data_cycle))
        assert kept == round(100 * cycle.swing / data_cycle.swing)
        theory_delay, theory_kept = sine_wave_delay(beta)  # the real year is not a pure wave: within two days
        assert abs(delay - theory_delay) < 2 and abs(kept - 100 * theory_kept) < 4, readout.value


def test_the_beta_slider_steps_evenly_through_the_window_and_spends_most_of_its_track_above_0_9(temperatures, shown):
    controls, _, _ = parts(build("ewa", temperatures))
    betas = np.array(controls[0].options)
    assert betas[0] == 0.5 and betas[-1] == 0.999 and {0.9, 0.98} <= set(betas)
    steps = np.diff(np.log10(1 / (1 - betas)))  # in decades of the window
    assert steps.min() > 0.07 and steps.max() < 0.2
    assert np.mean(betas >= 0.9) > 0.7


def test_momentum_readout_gives_theory_for_the_setting_and_the_best_rate(shown):
    controls, readout, _ = parts(explore.explore_momentum(initialize_velocity, update_parameters_with_momentum))
    assert "best 0.818, at α = 0.50, β = 0.67" in readout.value
    controls[0].value, controls[1].value = 0.5, 0.67
    measured = float(readout.value.split("measured rate ")[1].split(",")[0])
    assert abs(measured - 0.818) < 0.005, readout.value


def test_momentum_readout_at_alpha_0_3_beta_0_9_is_the_sqrt_beta_rate_further_exercise_1_promises(shown):
    controls, readout, _ = parts(explore.explore_momentum(initialize_velocity, update_parameters_with_momentum))
    controls[0].value, controls[1].value = 0.3, 0.9
    assert f"measured rate {np.sqrt(0.9):.3f}, theory {np.sqrt(0.9):.3f} per step" in readout.value, readout.value


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.67, 0.9, 0.95, 0.99])
def test_measured_momentum_rate_matches_the_theory_across_the_sliders(beta):
    curvatures, start = np.array([0.2, 20.0]), np.array([-8.0, 1.0])
    for learning_rate in (0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 1.0):
        theory = explore.momentum_rate(learning_rate, beta, curvatures)
        path = explore.momentum_run(initialize_velocity, update_parameters_with_momentum, start, curvatures,
                                    learning_rate, beta, 2000)
        measured = explore.convergence_rate(np.linalg.norm(path, axis=1))
        if theory > 1.001:
            assert measured > 1, (learning_rate, beta)
        elif theory < 0.999:
            assert measured == pytest.approx(theory, rel=3e-3), (learning_rate, beta)


def test_momentum_rate_is_gradient_descents_factor_without_momentum_and_sqrt_beta_in_the_swinging_range():
    curvatures = np.array([0.2, 20.0])
    assert explore.momentum_rate(0.09, 0.0, curvatures) == pytest.approx(max(abs(1 - 0.09 * curvatures)))
    assert explore.momentum_rate(0.3, 0.9, curvatures) == pytest.approx(np.sqrt(0.9))


def test_the_momentum_path_stays_inside_its_axes_at_the_optimal_setting(shown, figures):
    controls, _, _ = parts(explore.explore_momentum(initialize_velocity, update_parameters_with_momentum))
    controls[0].value, controls[1].value = 0.5, 0.67
    left = figures[0].axes[0]
    path = next(line for line in left.get_lines() if line.get_label() == "your momentum").get_xydata()
    (x0, x1), (y0, y1) = left.get_xlim(), left.get_ylim()
    assert np.abs(path[:, 1]).max() > 1.5, "the setting swings wider than the default view"
    assert x0 <= path[:, 0].min() and path[:, 0].max() <= x1 and y0 <= path[:, 1].min() and path[:, 1].max() <= y1


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


def test_the_clipping_readout_counts_the_steps_above_the_threshold_and_caps_the_largest(shown):
    controls, readout, _ = parts(build("warmup_and_clipping", None))
    max_norm = next(control for control in controls if control.description == "max_norm")
    for value in (1.0, 10.0):
        max_norm.value = value
        norms = np.sqrt(6) * CLIPPING_SCALES  # six entries of each gradient equal the scale
        assert f"{np.sum(norms > value)} of {len(norms)} steps clipped" in readout.value
        assert readout.value.endswith(f"→ {value:.3g}")


def test_the_race_reads_out_every_optimizer_on_every_surface(shown):
    controls, readout, _ = parts(build("race", None))
    for surface in explore.SURFACES:
        controls[1].value = surface
        assert readout.value.startswith(f"{surface}, α = 0.05: after 100 steps f − f* = ")
        for optimizer in ("gradient descent", "momentum", "RMSprop", "Adam"):
            assert optimizer in readout.value


def test_the_race_marks_the_minima_of_each_surface_with_a_star_and_the_start_apart(shown, figures):
    controls, _, _ = parts(build("race", None))
    left = figures[0].axes[0]
    for name, surface in explore.SURFACES.items():
        controls[1].value = name
        stars = [line for line in left.get_lines() if line.get_marker() == "*"]
        assert [line.get_label() for line in stars] == ["minimum"]
        assert sorted(map(tuple, stars[0].get_xydata())) == sorted(surface.minima)
        for w1, w2 in surface.minima:
            assert surface.f(w1, w2) == pytest.approx(surface.f_min)
            assert np.allclose(surface.gradient(w1, w2), 0)
        start = next(line for line in left.get_lines() if line.get_label() == "start")
        assert tuple(start.get_xydata()[0]) == surface.start


@pytest.mark.parametrize("name", ["ewa", "momentum", "schedules", "race", "warmup_and_clipping"])
def test_legends_sit_outside_every_axes(name, temperatures, shown, figures):
    build(name, temperatures)
    (fig,) = figures
    fig.canvas.draw()
    assert fig.legends and not any(ax.get_legend() for ax in fig.axes)
    for legend in fig.legends:
        box = legend.get_window_extent()
        assert not any(box.overlaps(ax.get_window_extent()) for ax in fig.axes), f"the legend of {name} covers a plot"


def test_a_star_means_a_minimum_in_the_course_figures():
    ax = plot_trajectories(lambda x, y: x**2 + y**2, {"path": [(1, 1), (0.5, 0.5)]}, xlim=(-1, 1), ylim=(-1, 1))
    (star,) = [line for line in ax.get_lines() if line.get_marker() == "*"]
    assert star.get_label() == "minimum" and "minimum" in [text.get_text() for text in ax.get_legend().get_texts()]
    saddle = plot_trajectories(lambda x, y: x**2 - y**2, {"path": [(1, 0.1)]}, xlim=(-1, 1), ylim=(-1, 1),
                               marks={"saddle point": [(0, 0)]})
    assert not [line for line in saddle.get_lines() if line.get_marker() == "*"]
    plt.close("all")


@pytest.mark.parametrize("limits", [(0.13, 8.0), (0.03, 0.8), (0.098, 0.15), (0.1, 1.3), (1e-12, 1e3)])
def test_log_axes_get_few_plain_labels_that_do_not_overlap(limits):
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.semilogy([0, 1], limits)
    ax.set_ylim(limits)
    readable_log_axis(ax.yaxis)
    fig.canvas.draw()
    low, high = ax.get_ylim()
    labels = [label for location, label in zip(ax.yaxis.get_majorticklocs(), ax.yaxis.get_majorticklabels())
              if low <= location <= high and label.get_text()]
    assert len(labels) >= 2, [label.get_text() for label in labels]
    assert not any(label.get_text() for label in ax.yaxis.get_minorticklabels()), "minor ticks are labelled"
    boxes = sorted((label.get_window_extent() for label in labels), key=lambda box: box.y0)
    assert all(lower.y1 <= upper.y0 for lower, upper in zip(boxes, boxes[1:])), [label.get_text() for label in labels]
    plt.close(fig)

"""Explorations: sliders that redraw a figure with the learner's own functions.

>>> from optim_helpers.explore import explore_ewa
>>> explore_ewa(ewa, effective_window, days, theta)

Each ``explore_*`` builds one matplotlib figure once and, on every slider move,
updates its lines with the learner's functions, renders it to PNG and swaps
the image shown under the sliders (an ``ipywidgets.Image``: no flicker, no new
figure), with a one-line readout above it.

Without a browser (nbval, nbgrader, nbclient) the cell still runs: its output
then holds the figure and the readout of the default setting as plain
``image/png`` and ``text/plain``, next to the widget that JupyterLab shows.
While an exercise it needs is unfinished (its function raises nbgrader's bare
``NotImplementedError``), the exploration shows one line saying which exercise
to finish, not a traceback.
"""

import base64
import io
from collections import namedtuple

import ipywidgets as widgets
import numpy as np
import PIL.Image
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from optim_helpers.data import yearly_cycle, yearly_delay
from optim_helpers.plots import mark
from optim_helpers.progress import unfinished_exercise


def explore(fig, redraw, controls, exercises, animated=()):
    """Show ``controls`` above ``fig``; every change calls ``redraw`` and shows the redrawn figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Drawn once by the caller; ``redraw`` changes its artists in place.
    redraw : callable
        ``redraw(**values)`` with one keyword per control; updates ``fig`` and
        returns the one-line readout (str).
    controls : dict
        ``{keyword: ipywidgets control}``, e.g. ``{"beta": FloatSlider(...)}``.
    exercises : dict
        ``{"Exercise N": learner function}``: the functions ``redraw`` calls,
        so that an unfinished one is named in the readout.
    animated : sequence of matplotlib artists, optional
        The only artists ``redraw`` changes. Given, the rest of the figure is
        drawn once and each redraw paints just these over it (blitting); a
        redraw that changes an axis' limits gets the rest drawn again.

    Returns
    -------
    ipywidgets.VBox
        The exploration (already displayed).
    """
    image = widgets.Image(format="png", layout=widgets.Layout(width=f"{fig.get_figwidth() * fig.dpi:.0f}px"))
    readout = widgets.Label()
    paint = Painter(fig, animated)
    for control in controls.values():
        control.style.description_width = "initial"  # "time_interval" in full

    def update(**values):
        try:
            readout.value = redraw(**values)
        except NotImplementedError as error:
            readout.value = unfinished_line(error, exercises)
            image.layout.display = "none"
            return
        image.value = paint()
        image.layout.display = None

    captured = widgets.interactive_output(update, controls)  # runs update once, with the default values
    box = widgets.VBox([widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
                        readout, image, captured])
    bundle = box._repr_mimebundle_()  # what JupyterLab renders: the live widget
    bundle["text/plain"] = readout.value  # what a notebook run without a browser keeps: the default setting
    if image.layout.display != "none":
        bundle["image/png"] = base64.b64encode(image.value).decode("ascii")
    display(bundle, raw=True)
    return box


class Painter:
    """``Painter(fig, animated)()``: the figure as PNG bytes, fast.

    Agg draws, Pillow encodes with light compression. The first call lays the
    figure out and keeps that layout. With ``animated`` artists, it also keeps
    the figure without them, and later calls paint only them over that copy;
    when an axis' limits have changed since, it lays out and draws that copy again first.
    """

    def __init__(self, fig, animated=()):
        self.fig, self.animated, self.background, self.limits = fig, list(animated), None, None
        self.layout = fig.get_layout_engine()
        self.canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        for artist in self.animated:
            artist.set_animated(True)

    def __call__(self):
        limits = [(ax.get_xlim(), ax.get_ylim()) for ax in self.fig.axes]
        if self.background is None or limits != self.limits:
            self.fig.set_layout_engine(self.layout)  # new limits may bring wider tick labels
            self.canvas.draw()  # animated artists are left out
            self.fig.set_layout_engine("none")  # redraws keep the first layout and skip the layout pass
            if self.animated:
                self.background, self.limits = self.canvas.copy_from_bbox(self.fig.bbox), limits
        else:
            self.canvas.restore_region(self.background)
        for artist in self.animated:
            self.fig.draw_artist(artist)
        buffer = io.BytesIO()
        PIL.Image.fromarray(np.asarray(self.canvas.buffer_rgba())).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


def unfinished_line(error, exercises):
    """``finish Exercise N first`` for the learner function that raised ``error``; re-raises anything else."""
    names = {function.__name__: function for function in exercises.values()}
    name = unfinished_exercise(error.__traceback__, names) if not error.args else None
    if name is None:
        raise error
    label = next(label for label, function in exercises.items() if function.__name__ == name)
    return f"`{name}` is not written yet: finish {label} first, then run this cell again."


# --------------------------------------------------------------------------- the notebooks' explorations


# β from 0.5 to 0.999, spaced evenly on a log scale of the window 1/(1 − β): eight steps a decade.
EWA_BETAS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.985, 0.99, 0.992, 0.994, 0.995,
             0.996, 0.997, 0.998, 0.9985, 0.999)


def explore_ewa(ewa, effective_window, days, theta):
    """Notebook 02: a β slider over the year of temperatures; the window, and how late the average's yearly cycle is."""
    fig = Figure(figsize=(9, 4.2), dpi=90, layout="constrained")
    ax = fig.subplots()
    data_cycle = yearly_cycle(theta)
    ax.scatter(days, theta, s=4, color="0.6", label="data")
    ax.plot(days, data_cycle.wave, "--", color="0.3", linewidth=1, label="the data's yearly cycle (fitted)")
    ax.axvline(days[0] + peak_offset(data_cycle), color="0.3", linestyle=":", linewidth=1.2,
               label="its top")
    (average,) = ax.plot(days, np.zeros(len(theta)), color="C1", linewidth=2, label="your ewa(theta, β)")
    peak = ax.axvline(days[0], color="C1", linestyle=":", linewidth=1.2, label="top of its yearly cycle")
    ax.set(ylabel="°C", ylim=(min(0.0, theta.min()) - 1, theta.max() + 1))
    fig.legend(loc="outside lower center", ncol=5, fontsize="small")

    def redraw(beta):
        v = ewa(theta, beta)
        cycle = yearly_cycle(v, beta)
        average.set_ydata(v)
        peak.set_xdata([days[0] + peak_offset(cycle)] * 2)
        ax.set_title(f"Exponentially weighted average of the temperature, β = {beta:g}")
        delay = round(yearly_delay(cycle, data_cycle))
        return (f"β = {beta:g}: window 1/(1 − β) = {effective_window(beta):.1f} days; the yearly cycle of your average "
                f"peaks {delay} day{'' if delay == 1 else 's'} after the data's and keeps "
                f"{cycle.swing / data_cycle.swing:.0%} of its swing")

    controls = {"beta": widgets.SelectionSlider(options=EWA_BETAS, value=0.9, description="β",
                                                continuous_update=True)}
    return explore(fig, redraw, controls, {"Exercise 1": ewa, "Exercise 2": effective_window},
                   animated=[average, peak, ax.title])


def peak_offset(cycle):
    """The peak of a ``YearlyCycle`` as a timedelta, to add to the first day."""
    return np.timedelta64(int(round(cycle.peak)), "D")


def explore_bias_correction(ewa, ewa_bias_corrected, days, theta, n_days=30):
    """Notebook 03: β and bias correction on/off over the first ``n_days`` days."""
    days, theta = days[:n_days], theta[:n_days]
    fig = Figure(figsize=(9, 3.8), dpi=90, layout="constrained")
    ax = fig.subplots()
    ax.plot(days, theta, "o", color="0.6", markersize=4, label="data")
    (average,) = ax.plot(days, np.zeros(n_days), color="C1", linewidth=2, label="the average")
    ax.set(ylabel="°C", ylim=(min(0.0, theta.min()) - 1, theta.max() + 1))
    ax.legend(loc="lower right")

    def redraw(beta, corrected):
        v = ewa_bias_corrected(theta, beta) if corrected else ewa(theta, beta)
        average.set_ydata(v)
        ax.set_title(f"The first {n_days} days, β = {beta:.3f}, "
                     + ("your ewa_bias_corrected" if corrected else "uncorrected ewa"))
        gap = np.abs(v - theta.mean()).mean()
        return (f"β = {beta:.3f}, {'with' if corrected else 'without'} bias correction: v₁ = {v[0]:.2f} °C "
                f"(θ₁ = {theta[0]:.1f} °C); mean distance to the {n_days}-day mean {gap:.2f} °C")

    controls = {"beta": widgets.FloatSlider(value=0.98, min=0.5, max=0.999, step=0.001, readout_format=".3f",
                                            description="β"),
                "corrected": widgets.Checkbox(value=False, description="bias correction")}
    return explore(fig, redraw, controls, {"the exercise": ewa_bias_corrected}, animated=[average, ax.title])


def explore_momentum(initialize_velocity, update_parameters_with_momentum, steps=200, measure_steps=2000):
    """Notebook 04: α and β on f = ½(0.2 w₁² + 20 w₂²) (κ = 100); trajectory, distance and measured rate.

    The figure shows the first ``steps`` steps. The rate is measured as notebook 04 measures it: a
    straight line through log‖w_k‖ over the second half of a longer run (``measure_steps`` steps,
    or until ‖w‖ has shrunk 10¹⁰⁰-fold), long enough for slow swings not to bias the slope.
    """
    curvatures = np.array([0.2, 20.0])
    mu, L = curvatures
    kappa = L / mu
    theory = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    beta_star = theory**2
    learning_rate_star = (2 / (np.sqrt(L) + np.sqrt(mu))) ** 2 / (1 - beta_star)  # our (1 − β) form
    start = np.array([-8.0, 1.0])

    fig = Figure(figsize=(11, 4.2), dpi=90, layout="constrained")
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2, 1]})
    finest_near_0 = (high * np.sinh(np.linspace(-3, 3, 241)) / np.sinh(3) for _, high in PATH_BOX)
    w1, w2 = np.meshgrid(*finest_near_0)
    left.contour(w1, w2, 0.5 * (mu * w1**2 + L * w2**2), levels=np.geomspace(0.01, 700, 24), cmap="viridis",
                 linewidths=0.7)
    (path_line,) = left.plot(*start, "o-", color="C3", markersize=2.5, linewidth=1, label="your momentum")
    marks = [mark(left, "start", [start]), mark(left, "minimum", [(0, 0)])]  # animated: drawn over the path
    left.set(xlabel="$w_1$", ylabel="$w_2$",
             title=f"{steps} steps of your momentum on f = ½(0.2 w₁² + 20 w₂²), κ = {kappa:.0f}")
    k = np.arange(steps + 1)
    (distance_line,) = right.semilogy(k, np.ones(steps + 1), color="C3")
    (rate_line,) = right.semilogy(k, np.ones(steps + 1), "--", color="C3", linewidth=1, label="measured rate$^k$")
    right.semilogy(k, np.linalg.norm(start) * theory**k, ":", color="k", linewidth=1,
                   label=f"best possible (optimal α, β): {theory:.3f}$^k$")
    right.set(title="Distance to the minimum", xlabel="step k", ylabel=r"$\|w_k - w^*\|$", ylim=(1e-12, 1e3))
    fig.legend(loc="outside lower center", ncol=5, fontsize="small")

    def redraw(learning_rate, beta):
        path = momentum_run(initialize_velocity, update_parameters_with_momentum, start, curvatures, learning_rate,
                            beta, measure_steps)
        distance = np.linalg.norm(path, axis=1)
        rate = convergence_rate(distance)
        shown = path[:steps + 1]
        path_line.set_data(shown[:, 0], shown[:, 1])
        left.set(xlim=path_limits(shown[:, 0], (-9, 3), PATH_BOX[0]),
                 ylim=path_limits(shown[:, 1], (-1.5, 1.5), PATH_BOX[1]))
        with np.errstate(over="ignore", invalid="ignore"):
            distance_line.set_ydata(np.r_[distance, np.full(steps + 1, np.nan)][:steps + 1])
            rate_line.set_ydata(distance[0] * rate**k)
        verdict = "diverges" if not rate < 1 else f"{np.log(1e-6) / np.log(rate):.0f} steps for a millionfold"
        return (f"α = {learning_rate:.2f}, β = {beta:.2f}: measured rate {rate:.3f}, theory "
                f"{momentum_rate(learning_rate, beta, curvatures):.3f} per step ({verdict}); "
                f"best {theory:.3f}, at α = {learning_rate_star:.2f}, β = {beta_star:.2f}")

    controls = {"learning_rate": widgets.FloatSlider(value=0.3, min=0.01, max=1.0, step=0.01, description="α"),
                "beta": widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="β")}
    return explore(fig, redraw, controls,
                   {"Exercise 1": initialize_velocity, "Exercise 2": update_parameters_with_momentum},
                   animated=[path_line, *marks, distance_line, rate_line])


PATH_BOX = ((-15.0, 15.0), (-10.0, 10.0))  # the most of the (w₁, w₂) plane notebook 04's exploration shows (symmetric)


def momentum_run(initialize_velocity, update_parameters_with_momentum, start, curvatures, learning_rate, beta,
                 max_steps, shrink=1e-100):
    """The points your momentum visits on f = ½ Σ curvatures·w², shape (k + 1, 2).

    Stops after ``max_steps`` steps, once ‖w‖ has shrunk by ``shrink`` or grown by 1/``shrink``,
    or at the first point that is not finite (which is left out).
    """
    parameters = {"W1": start[np.newaxis, :].copy(), "b1": np.zeros((1, 1))}
    v = initialize_velocity(parameters)
    path, size = [start], np.linalg.norm(start)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(max_steps):
            grads = {"dW1": curvatures * parameters["W1"], "db1": np.zeros((1, 1))}
            parameters, v = update_parameters_with_momentum(parameters, grads, v, beta, learning_rate)
            point = parameters["W1"][0].copy()
            if not np.all(np.isfinite(point)):
                break
            path.append(point)
            if not shrink * size < np.linalg.norm(point) < size / shrink:
                break
    return np.array(path)


def convergence_rate(distance):
    """Per-step factor of ``distance`` (shape (k + 1,)): exp of the slope of log(distance) over its second half."""
    second_half = np.arange(len(distance) // 2, len(distance))
    if len(second_half) < 3:
        return np.inf
    return float(np.exp(np.polyfit(second_half, np.log(distance[second_half]), 1)[0]))


def momentum_rate(learning_rate, beta, curvatures):
    """The theory's rate of our momentum on f = ½ Σ λ w² : the largest |root| of z² − (1 + β − α(1 − β)λ) z + β."""
    roots = [np.roots([1.0, -(1 + beta - learning_rate * (1 - beta) * curvature), beta]) for curvature in curvatures]
    return float(np.max(np.abs(roots)))


def path_limits(values, default, box):
    """Axis limits that show ``default`` and every finite value, rounded out to half units, within ``box``."""
    values = values[np.isfinite(values)]
    low = max(box[0], np.floor(2 * min(default[0], values.min() - 0.3)) / 2)
    high = min(box[1], np.ceil(2 * max(default[1], values.max() + 0.3)) / 2)
    return low, high


def explore_schedules(update_lr, schedule_lr_decay, exponential_decay, inverse_sqrt_decay, n_epochs=300):
    """Notebook 07: every schedule over ``n_epochs`` epochs, redrawn from α₀, decay_rate, time_interval, base and k."""
    epochs = np.arange(n_epochs + 1)
    fig = Figure(figsize=(9, 4.6), dpi=90, layout="constrained")
    ax = fig.subplots()
    names = ["update_lr", "schedule_lr_decay", "exponential_decay", "inverse_sqrt_decay"]
    lines = {name: ax.semilogy(epochs, np.ones(n_epochs + 1), linewidth=1.8, label=name)[0] for name in names}
    ax.set(title="Your learning-rate schedules (log scale: exponential decay is a straight line)", xlabel="epoch",
           ylabel="learning rate α", xlim=(0, n_epochs), ylim=(1e-4, 2.0))
    legend = fig.legend(loc="outside lower center", ncol=2)  # below the plot: no setting hides a curve under it

    def redraw(learning_rate0, decay_rate, time_interval, base, k):
        rates = {
            "update_lr": update_lr(learning_rate0, epochs, decay_rate),
            "schedule_lr_decay": schedule_lr_decay(learning_rate0, epochs, decay_rate, time_interval),
            "exponential_decay": exponential_decay(learning_rate0, epochs, base),
            "inverse_sqrt_decay": np.r_[np.nan, inverse_sqrt_decay(learning_rate0, epochs[1:], k)],
        }
        settings = {"update_lr": f"decay_rate = {decay_rate:.3g}",
                    "schedule_lr_decay": f"decay_rate = {decay_rate:.3g}, every {time_interval} epochs",
                    "exponential_decay": f"base = {base:.3f}", "inverse_sqrt_decay": f"k = {k:.2f}, from epoch 1"}
        for (name, line), text in zip(lines.items(), legend.get_texts()):
            line.set_ydata(rates[name])
            text.set_text(f"{name}, {settings[name]}")
        return f"α at epoch {n_epochs}: " + ", ".join(f"{name} {rates[name][-1]:.4f}" for name in names)

    controls = {
        "learning_rate0": widgets.FloatSlider(value=0.2, min=0.01, max=1.0, step=0.01, description="α₀"),
        "decay_rate": widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=1, step=0.1, description="decay_rate"),
        "time_interval": widgets.IntSlider(value=50, min=10, max=150, step=10, description="time_interval"),
        "base": widgets.FloatSlider(value=0.99, min=0.9, max=0.999, step=0.001, readout_format=".3f",
                                    description="base"),
        "k": widgets.FloatSlider(value=1.0, min=0.1, max=1.9, step=0.1, description="k"),
    }
    return explore(fig, redraw, controls, {"Exercise 1": update_lr, "Exercise 2": schedule_lr_decay,
                                           "Exercise 3": exponential_decay, "Exercise 4": inverse_sqrt_decay},
                   animated=[*lines.values(), legend])


# Three 2-D surfaces on the same square: the function, its gradient, its minimum value (for the cost gap),
# where its minima lie, and the start of the race.
Surface = namedtuple("Surface", "f gradient f_min minima start")
SURFACES = {
    "valley": Surface(lambda w1, w2: 0.5 * (0.1 * w1**2 + 10 * w2**2),
                      lambda w1, w2: (0.1 * w1, 10 * w2), 0.0, [(0.0, 0.0)], (-1.8, 0.8)),
    "saddle": Surface(lambda w1, w2: 0.5 * w1**2 + 0.25 * w2**4 - 0.5 * w2**2,
                      lambda w1, w2: (w1, w2**3 - w2), -0.25, [(0.0, -1.0), (0.0, 1.0)], (1.8, 1e-3)),
    "plateau": Surface(lambda w1, w2: 1 - np.exp(-(w1**2 + w2**2)),
                       lambda w1, w2: (2 * w1 * np.exp(-(w1**2 + w2**2)), 2 * w2 * np.exp(-(w1**2 + w2**2))), 0.0,
                       [(0.0, 0.0)], (1.8, 1.4)),
}


def explore_race(update_parameters_with_gd, initialize_velocity, update_parameters_with_momentum,
                 initialize_rmsprop, update_parameters_with_rmsprop, initialize_adam, update_parameters_with_adam,
                 steps=100):
    """Notebook 06: GD, momentum, RMSprop and Adam from the same start on a valley, a saddle or a plateau."""

    def gd():
        return None, lambda parameters, grads, state, t, alpha: (
            update_parameters_with_gd(parameters, grads, alpha), state)

    def momentum():
        return initialize_velocity, lambda parameters, grads, v, t, alpha: update_parameters_with_momentum(
            parameters, grads, v, 0.9, alpha)

    def rmsprop():
        return initialize_rmsprop, lambda parameters, grads, s, t, alpha: update_parameters_with_rmsprop(
            parameters, grads, s, 0.999, alpha)

    def adam():
        def step(parameters, grads, state, t, alpha):
            parameters, v, s, _, _ = update_parameters_with_adam(parameters, grads, *state, t, alpha)
            return parameters, (v, s)
        return initialize_adam, step

    racers = {"gradient descent": gd(), "momentum, β = 0.9": momentum(), "RMSprop, β₂ = 0.999": rmsprop(),
              "Adam": adam()}
    fig = Figure(figsize=(11, 4), dpi=90, layout="constrained")
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
    w1, w2 = np.meshgrid(np.linspace(-2, 2, 161), np.linspace(-2, 2, 161))
    contours = {name: left.contour(w1, w2, surface.f(w1, w2), levels=20, cmap="viridis", linewidths=0.6)
                for name, surface in SURFACES.items()}
    paths = {label: left.plot([], [], "o-", markersize=2, linewidth=1, label=label)[0] for label in racers}
    start_mark, minimum_marks = mark(left, "start"), mark(left, "minimum")
    left.set(xlim=(-2, 2), ylim=(-2, 2), xlabel="$w_1$", ylabel="$w_2$")
    k = np.arange(steps + 1)
    gaps = {label: right.semilogy(k, np.ones(steps + 1))[0] for label in racers}
    right.set(title="Cost above the minimum", xlabel="step", ylabel="f(w) − f*", ylim=(1e-8, 1e2))
    fig.legend(loc="outside lower center", ncol=6, fontsize="small")

    def redraw(learning_rate, surface):
        f, gradient, f_min, minima, start = SURFACES[surface]
        finals = {}
        with np.errstate(over="ignore", invalid="ignore"):
            for label, (initialize, step) in racers.items():
                parameters = {"W1": np.array([start], dtype=float), "b1": np.zeros((1, 1))}
                state = initialize(parameters) if initialize else None
                path = [parameters["W1"][0].copy()]
                for t in range(1, steps + 1):
                    d1, d2 = gradient(*parameters["W1"][0])
                    grads = {"dW1": np.array([[d1, d2]]), "db1": np.zeros((1, 1))}
                    parameters, state = step(parameters, grads, state, t, learning_rate)
                    path.append(parameters["W1"][0].copy())
                path = np.array(path)
                gap = f(path[:, 0], path[:, 1]) - f_min
                paths[label].set_data(path[:, 0], path[:, 1])
                gaps[label].set_ydata(np.maximum(gap, 1e-12))
                finals[label] = gap[-1]
        for name, contour in contours.items():
            contour.set_visible(name == surface)
        start_mark.set_data([start[0]], [start[1]])
        minimum_marks.set_data(*np.transpose(minima))
        left.set_title(f"{surface}: {steps} steps with α = {learning_rate:.3g}")
        ranked = sorted(finals, key=lambda label: (not np.isfinite(finals[label]), finals[label]))
        return f"{surface}, α = {learning_rate:.3g}: after {steps} steps f − f* = " + ", ".join(
            f"{label.split(',')[0]} {finals[label]:.1e}" for label in ranked)

    controls = {"learning_rate": widgets.FloatLogSlider(value=0.05, base=10, min=-3, max=0, step=0.1,
                                                        description="α"),
                "surface": widgets.Dropdown(options=list(SURFACES), value="valley", description="surface")}
    return explore(fig, redraw, controls, {"Exercise 1": initialize_adam, "Exercise 2": update_parameters_with_adam},
                   animated=[*contours.values(), *paths.values(), start_mark, minimum_marks, *gaps.values(),
                             left.title])


def explore_warmup_and_clipping(warmup_cosine_lr, clip_by_global_norm, gradients, learning_rate0=0.01):
    """Notebook 09: a warm-up + cosine schedule redrawn from its settings, and the recorded ``gradients``
    (a list of grads dicts, one per step) clipped at a threshold: their global norm before and after,
    both measured by the learner's clip_by_global_norm."""
    fig = Figure(figsize=(11, 4), dpi=90, layout="constrained")
    left, right = fig.subplots(1, 2)
    schedule_steps = np.arange(3001)
    (schedule,) = left.plot(schedule_steps, np.zeros(len(schedule_steps)), linewidth=1.8)
    peak = left.axvline(0, color="0.6", linestyle=":", linewidth=1)
    left.set(title=f"Your warmup_cosine_lr, α₀ = {learning_rate0:g}", xlabel="step", ylabel="learning rate α",
             xlim=(0, schedule_steps[-1]), ylim=(0, 1.05 * learning_rate0))
    steps = np.arange(1, len(gradients) + 1)
    (before,) = right.semilogy(steps, np.ones(len(steps)), color="0.6", linewidth=1, label="before clipping")
    (after,) = right.semilogy(steps, np.ones(len(steps)), linewidth=1.5, label="after your clip_by_global_norm")
    threshold = right.axhline(1.0, color="C3", linestyle="--", linewidth=1, label="max_norm")
    right.set(title="Global norm of the gradients of the clipping run", xlabel="step", ylabel="‖g‖")
    fig.legend(handles=[before, after, threshold], loc="outside lower center", ncol=3)  # no setting hides a line

    def global_norm(grads):
        return clip_by_global_norm(grads, np.inf)[1]  # never clips: the norm as the learner measures it

    def redraw(warmup_steps, total_steps, min_lr, max_norm):
        rates = warmup_cosine_lr(learning_rate0, schedule_steps, warmup_steps, total_steps, min_lr)
        norms = np.array([global_norm(grads) for grads in gradients])
        clipped = np.array([global_norm(clip_by_global_norm(grads, max_norm)[0]) for grads in gradients])
        schedule.set_ydata(rates)
        peak.set_xdata([warmup_steps, warmup_steps])
        before.set_ydata(norms)
        after.set_ydata(clipped)
        threshold.set_ydata([max_norm, max_norm])
        right.set_ylim(0.5 * min(norms.min(), 0.1), 2 * max(norms.max(), 100))
        return (f"α: 0 → {learning_rate0:g} over {warmup_steps} steps, then down to {min_lr:.2g} at step {total_steps}"
                f" (α at step {total_steps // 2}: {rates[total_steps // 2]:.4f}) · clipping at {max_norm:.3g}: "
                f"{np.sum(norms > max_norm)} of {len(norms)} steps clipped, the largest norm "
                f"{norms.max():.3g} → {clipped.max():.3g}")

    controls = {
        "warmup_steps": widgets.IntSlider(value=200, min=0, max=1000, step=50, description="warmup_steps"),
        "total_steps": widgets.IntSlider(value=2000, min=1100, max=3000, step=100, description="total_steps"),
        "min_lr": widgets.FloatSlider(value=0.0, min=0.0, max=learning_rate0 / 2, step=learning_rate0 / 20,
                                      readout_format=".4f", description="min_lr"),
        "max_norm": widgets.FloatLogSlider(value=1.0, base=10, min=-1, max=2, step=0.1, description="max_norm"),
    }
    return explore(fig, redraw, controls, {"Exercise 2": warmup_cosine_lr, "Exercise 3": clip_by_global_norm},
                   animated=[schedule, peak, before, after, threshold])

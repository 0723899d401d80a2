"""Figures the notebooks draw. Each function returns the matplotlib Axes it drew on.

One marker, one meaning, in every figure of the course (``MARKERS``): ★ is always a minimum.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

MARKERS = {
    "minimum": {"marker": "*", "color": "k", "markersize": 12},
    "saddle point": {"marker": "X", "color": "k", "markersize": 8},
    "start": {"marker": "o", "markerfacecolor": "none", "markeredgecolor": "k", "markersize": 8},
}


def new_axes(ax=None, figsize=(8, 4)):
    """The given Axes, or a fresh one."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def mark(ax, kind, points=()):
    """Mark ``points`` (shape ``(k, 2)``; may be set later with ``set_data``) as ``kind``, a key of ``MARKERS``.

    The points carry ``kind`` as their legend label. Returns the Line2D.
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    return ax.plot(points[:, 0], points[:, 1], linestyle="none", label=kind, **MARKERS[kind])[0]


def readable_log_axis(axis):
    """Plain tick labels on a log axis that spans few decades, and no labels on its minor ticks.

    Matplotlib labels minor ticks once a log axis spans less than a couple of decades
    (2×10⁻¹, 3×10⁻¹, …), and the labels run into each other. Call this once the limits are final.

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        ``ax.yaxis`` or ``ax.xaxis`` of a log-scaled Axes.
    """
    low, high = axis.get_view_interval()
    decades = np.log10(high / low)
    axis.set_minor_formatter(NullFormatter())
    if decades >= 3:  # powers of ten are enough, and matplotlib labels them well
        return
    if decades < 0.5:
        axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    else:
        axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 3.0, 5.0) if decades < 1.5 else (1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))


def plot_series(x, series, title="", xlabel="", ylabel="", ax=None, **scatter_kwargs):
    """Raw data as points plus named curves.

    Parameters
    ----------
    x : array_like of shape (T,)
    series : dict
        ``{label: values}``; the label ``"data"`` is drawn as points, the rest as lines.
    """
    ax = new_axes(ax)
    for label, values in series.items():
        if label == "data":
            ax.scatter(x, values, s=scatter_kwargs.pop("s", 4), color="0.6", label=label, **scatter_kwargs)
        else:
            ax.plot(x, values, label=label, linewidth=2)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.legend()
    return ax


def plot_cost_curves(costs, title="Cost", xlabel="epoch", ax=None, log=False, styles=None):
    """One line per optimizer or setting: ``costs = {label: values}``.

    ``styles`` maps some labels to extra line properties, e.g. ``{"momentum": {"linestyle": "--"}}``,
    so that curves lying on top of each other stay distinguishable.
    """
    ax = new_axes(ax)
    styles = styles or {}
    for label, values in costs.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=label, **{"linewidth": 1.2, **styles.get(label, {})})
    ax.set(title=title, xlabel=xlabel, ylabel="cost")
    if log:
        ax.set_yscale("log")
        readable_log_axis(ax.yaxis)
    ax.legend()
    return ax


def plot_decision_boundary(predict, X, Y, title="", ax=None, resolution=200):
    """Shade the plane by ``predict(points)`` (points of shape ``(2, k)``) and scatter ``(X, Y)``."""
    ax = new_axes(ax, figsize=(5, 4))
    pad = 0.5
    xs = np.linspace(X[0].min() - pad, X[0].max() + pad, resolution)
    ys = np.linspace(X[1].min() - pad, X[1].max() + pad, resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    labels = predict(np.vstack([grid_x.ravel(), grid_y.ravel()])).reshape(grid_x.shape)
    ax.contourf(grid_x, grid_y, labels, cmap="Spectral", alpha=0.5)
    ax.scatter(X[0], X[1], c=Y.ravel(), cmap="Spectral", s=10, edgecolors="k", linewidths=0.3)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    return ax


def plot_trajectories(f, trajectories, xlim, ylim, title="", ax=None, levels=30, marks=None):
    """Contours of ``f(x, y)`` with optimizer paths ``{label: array of shape (steps, 2)}``.

    ``marks`` maps a kind of ``MARKERS`` to its points, by default ``{"minimum": [(0, 0)]}``.
    """
    ax = new_axes(ax, figsize=(7, 4))
    xs, ys = np.meshgrid(np.linspace(*xlim, 300), np.linspace(*ylim, 300))
    ax.contour(xs, ys, f(xs, ys), levels=levels, cmap="Greys", linewidths=0.6)
    for label, path in trajectories.items():
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], "o-", markersize=2.5, linewidth=1.2, label=label)
    for kind, points in (marks or {"minimum": [(0, 0)]}).items():
        mark(ax, kind, points)
    ax.set(title=title, xlim=xlim, ylim=ylim, xlabel="$w_1$", ylabel="$w_2$")
    ax.legend()
    return ax

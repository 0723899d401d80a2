"""The course's data: daily temperatures (real, from NOAA via vega-datasets) and the moons set.

The ``data/`` folder sits beside the notebooks in a learner workspace or a release,
and at the top of the course repository; both places are searched.
"""

from collections import namedtuple
from pathlib import Path

import numpy as np

YEAR = 365.25  # days
YearlyCycle = namedtuple("YearlyCycle", "peak swing wave")

_HERE = Path(__file__).resolve().parent
DATA_DIRS = (_HERE.parent / "data", _HERE.parent.parent / "data")


def data_path(filename):
    """Path of a file in the course's ``data/`` folder, with a clear error if it is missing."""
    for folder in DATA_DIRS:
        if (folder / filename).is_file():
            return folder / filename
    searched = ", ".join(str(folder) for folder in DATA_DIRS)
    raise FileNotFoundError(
        f"{filename} was not found in {searched}. Run `make workspace` (or `make lab`) "
        "from the course folder to restore the data next to your notebooks."
    )


def load_temperatures(year=None):
    """Daily mean temperature in Seattle, 2012-2015, in °C.

    The mean of each day's recorded maximum and minimum (NOAA daily records, as
    packaged in ``seattle-weather.csv`` by vega-datasets; see data/README.md).

    Parameters
    ----------
    year : int, optional
        Keep only this year (2012 ... 2015).

    Returns
    -------
    days : ndarray of datetime64[D], shape (T,)
    temperature : ndarray of float, shape (T,)
    """
    table = np.genfromtxt(
        data_path("seattle-weather.csv"), delimiter=",", names=True, dtype=None, encoding="utf-8"
    )
    days = np.array([day.replace("/", "-") for day in table["date"]], dtype="datetime64[D]")
    temperature = (table["temp_max"] + table["temp_min"]) / 2
    if year is not None:
        keep = days.astype("datetime64[Y]").astype(int) + 1970 == year
        days, temperature = days[keep], temperature[keep]
    return days, temperature.astype(float)


def yearly_cycle(values, beta=None):
    """The yearly wave ``c + a sin(2πt/365.25) + b cos(2πt/365.25)`` fitted to a daily series (least squares).

    The whole year decides where the wave peaks, not the few warmest days, so the peak of a
    smoothed curve and of the noisy data can be compared.

    Parameters
    ----------
    values : array_like of shape (T,)
        One value a day; day ``t = 0 … T − 1``.
    beta : float, optional
        Given, ``values`` is an exponentially weighted average with this β, started at v₀ = 0.
        The fit then has one more term, ``d β^(t+1)``: the trace of that start (notebook 03),
        which fades geometrically and would otherwise be taken for part of the wave.

    Returns
    -------
    YearlyCycle
        ``peak``: the day (``0 <= peak < 365.25``, counted from the first value) on which the wave is highest;
        ``swing``: its amplitude ``√(a² + b²)``, half the distance from its lowest to its highest value;
        ``wave``: ndarray of shape (T,), ``c + a sin + b cos`` on every day (without the start term).
    """
    values = np.asarray(values, dtype=float)
    t = np.arange(len(values))
    omega = 2 * np.pi / YEAR
    columns = [np.ones(len(values)), np.sin(omega * t), np.cos(omega * t)]
    if beta is not None:
        columns.append(float(beta) ** (t + 1))
    c, a, b = np.linalg.lstsq(np.column_stack(columns), values, rcond=None)[0][:3]
    peak = ((np.pi / 2 - np.arctan2(b, a)) / omega) % YEAR  # a sin x + b cos x peaks where x + atan2(b, a) = π/2
    return YearlyCycle(peak, np.hypot(a, b), c + a * np.sin(omega * t) + b * np.cos(omega * t))


def yearly_delay(cycle, reference):
    """Days by which ``cycle`` peaks after ``reference`` (two ``YearlyCycle``), between −YEAR/2 and YEAR/2."""
    return (cycle.peak - reference.peak + YEAR / 2) % YEAR - YEAR / 2


def make_moons(n_samples, noise=0.2, seed=0):
    """Two interleaving half circles with Gaussian noise (like scikit-learn's ``make_moons``).

    Parameters
    ----------
    n_samples : int
        Number of points, split evenly between the two classes.
    noise : float, default 0.2
        Standard deviation of the Gaussian noise added to every coordinate.
    seed : int, default 0

    Returns
    -------
    X : ndarray of shape (2, n_samples)
    Y : ndarray of shape (1, n_samples), labels 0 and 1
    """
    rng = np.random.default_rng(seed)
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    outer = np.linspace(0, np.pi, n_outer)
    inner = np.linspace(0, np.pi, n_inner)
    X = np.hstack([
        np.vstack([np.cos(outer), np.sin(outer)]),
        np.vstack([1 - np.cos(inner), 1 - np.sin(inner) - 0.5]),
    ])
    Y = np.hstack([np.zeros(n_outer), np.ones(n_inner)]).reshape(1, -1)
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(n_samples)
    return X[:, order], Y[:, order]


def load_moons():
    """The course's moons split: 300 training and 1000 held-out test examples.

    Returns
    -------
    train_X : ndarray of shape (2, 300)
    train_Y : ndarray of shape (1, 300)
    test_X : ndarray of shape (2, 1000)
    test_Y : ndarray of shape (1, 1000)
    """
    train_X, train_Y = make_moons(300, noise=0.2, seed=3)
    test_X, test_Y = make_moons(1000, noise=0.2, seed=4)
    return train_X, train_Y, test_X, test_Y

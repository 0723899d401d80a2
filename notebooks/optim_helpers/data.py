"""The course's data: daily temperatures (real, from NOAA via vega-datasets) and the moons set.

The ``data/`` folder sits beside the notebooks in a learner workspace or a release,
and at the top of the course repository; both places are searched.
"""

from pathlib import Path

import numpy as np

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

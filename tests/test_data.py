"""The shipped data: what the notebooks and data/README.md say about it holds."""

import hashlib

import numpy as np

from grader.course import DATA
from optim_helpers.data import load_moons, load_temperatures, make_moons


def test_temperature_file_is_the_documented_copy():
    digest = hashlib.sha256((DATA / "seattle-weather.csv").read_bytes()).hexdigest()
    assert digest == SEATTLE_SHA256


def test_temperatures_cover_four_years_of_days():
    days, temperature = load_temperatures()
    assert len(days) == 1461 and str(days[0]) == "2012-01-01" and str(days[-1]) == "2015-12-31"
    assert np.all(np.diff(days).astype(int) == 1)
    assert -10 < temperature.min() < temperature.mean() < temperature.max() < 35


def test_one_year_of_temperatures():
    days, temperature = load_temperatures(year=2015)
    assert len(days) == len(temperature) == 365 and str(days[0]) == "2015-01-01"


def test_moons_split_is_deterministic_and_balanced():
    train_X, train_Y, test_X, test_Y = load_moons()
    assert train_X.shape == (2, 300) and train_Y.shape == (1, 300)
    assert test_X.shape == (2, 1000) and test_Y.shape == (1, 1000)
    assert train_Y.mean() == 0.5 and set(np.unique(test_Y)) == {0.0, 1.0}
    again = load_moons()
    np.testing.assert_array_equal(again[0], train_X)
    assert not np.allclose(train_X[:, :10], test_X[:, :10])


def test_moons_without_noise_lie_on_two_half_circles():
    X, Y = make_moons(100, noise=0.0)
    outer = X[:, Y[0] == 0]
    inner = X[:, Y[0] == 1]
    np.testing.assert_allclose(np.hypot(*outer), 1.0)
    np.testing.assert_allclose(np.hypot(inner[0] - 1, inner[1] - 0.5), 1.0)


SEATTLE_SHA256 = "62f0609f787158128aa2bd102967173a4953122dd4f872bf1d502cae1037df0b"

"""Checks for notebook 06 beyond the stored cases: v and s must be two separate objects."""

import numpy as np

from optim_helpers.checks._core import exercise


@exercise("initialize_adam")
def check_initialize_adam(runner):
    runner.expect_all()
    for case in runner.fixture["cases"]:
        v, s = runner.call(*case["args"])
        # Equal zeros pass any numeric comparison; only identity shows that one update would change both.
        if v is s:
            runner.fail_with("same_dict")
        if any(np.shares_memory(v[key], s[key]) for key in v if key in s):
            runner.fail_with("shared_arrays")

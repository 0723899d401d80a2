"""Where a submission's seconds go: ``python -m grader autograde --profile`` and ``make bench``.

The worker times its own steps (and nbgrader's execution, through marks the executing
preprocessor leaves); the parent adds the start of the worker process and its own work
on the result. Wall-clock seconds, so a step that waits on the sandbox counts in full.
"""

import time
from contextlib import contextmanager

# In the order a submission goes through them.
STEPS = {
    "start": "worker process start (fork, imports)",
    "prepare": "private course: release, gradebook, rebuilt notebook",
    "nbgrader before kernel": "nbgrader autograde up to the kernel (app, gradebook, preprocessors)",
    "kernel start": "sandboxed kernel start",
    "cells": "set-up, answer and test cells (and the kernel's shutdown)",
    "nbgrader after cells": "nbgrader autograde after the cells (scores, gradebook, files)",
    "judge": "the judge: a fresh sandbox re-running the answers on fresh inputs",
    "feedback": "feedback page (nbgrader generate_feedback, sanitized)",
    "keep": "parent: copy results, gradebook.db rows, record",
}


class StepClock:
    """Seconds per named step; :meth:`step` times a block, :meth:`add` takes a measured span."""

    def __init__(self):
        self.seconds = {}

    @contextmanager
    def step(self, name):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)

    def add(self, name, seconds):
        self.seconds[name] = self.seconds.get(name, 0.0) + max(0.0, seconds)


def table(profiles, title):
    """The mean seconds per step over ``profiles`` (each ``{step: seconds}``), as printable lines."""
    profiles = [p for p in profiles if p]
    if not profiles:
        return f"{title}: nothing was graded, nothing to profile"
    lines = [f"{title}: mean of {len(profiles)} submission(s), wall-clock seconds",
             f"  {'step':<24} {'seconds':>8} {'share':>6}  what"]
    means = {step: sum(p.get(step, 0.0) for p in profiles) / len(profiles) for step in STEPS}
    total = sum(means.values())
    for step, what in STEPS.items():
        lines.append(f"  {step:<24} {means[step]:8.2f} {means[step] / total if total else 0:6.0%}  {what}")
    lines.append(f"  {'total':<24} {total:8.2f}")
    return "\n".join(lines)

"""``check(fn)``: instant, specific feedback on an exercise function.

>>> from optim_helpers.checks import check
>>> check(ewa)          # prints "✔ ewa: all N checks passed." or raises AssertionError

Each topic module in this package registers its exercises with
``@exercise(name, mistakes)``; every module here is imported below. To add an
exercise: its checker here, its cases and known mistakes in
``solutions/cases/<topic>.py``, then ``python -m solutions.fixtures``.
"""

import importlib
import pkgutil

from optim_helpers.checks._core import Mistake, check, mistake_message

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["Mistake", "check", "mistake_message"]

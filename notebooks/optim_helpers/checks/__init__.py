"""``check(fn)``: instant, specific feedback on an exercise function.

>>> from optim_helpers.checks import check
>>> check(ewa)          # prints "✔ ewa: all N checks passed." or raises AssertionError

Every exercise has a fixture ``optim_helpers/fixtures/<exercise>.json``: probe inputs, expected
outputs, and the candidate mistakes (registered in solutions/cases, or generated from the
reference by solutions/mutants.py), each a sentence and a fingerprint of what it returns on
each probe (``_engine``). ``check`` runs the probes and states a cause only when it reproduces
the learner's results on every one: a candidate mistake, or a description that holds on all of
them (``_diagnose``: a factor, a rounding, ...); otherwise it says what is known and true, where
the results differ and which parts are right. A topic module here adds, with
``@exercise(name)``, the checks of properties that stored numbers cannot express (e.g. that v
and s are separate dicts); every module here is imported below. To add an exercise or a
mistake: its reference in ``solutions/``, its cases and wrong implementations (with their
sentences) in ``solutions/cases/<topic>.py``, then ``python -m solutions.fixtures``.
"""

import importlib
import pkgutil

from optim_helpers.checks._core import Mistake, check, mistake_message

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["Mistake", "check", "mistake_message"]

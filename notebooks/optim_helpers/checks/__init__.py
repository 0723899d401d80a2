"""``check(fn)``: instant, specific feedback on an exercise function.

>>> from optim_helpers.checks import check
>>> check(ewa)          # prints "✔ ewa: all N checks passed." or raises AssertionError

Every exercise has a fixture ``optim_helpers/fixtures/<exercise>.json``: inputs, expected
outputs, and each known mistake's sentence and output. ``check`` runs those cases and names
the mistake that explains a wrong result, or finds a likely cause from the shape of the
difference. A topic module here adds, with ``@exercise(name)``, the checks of properties
that stored numbers cannot express (e.g. that v and s are separate dicts); every module
here is imported below. To add an exercise or a mistake: its reference in ``solutions/``,
its cases and wrong implementations (with their sentences) in ``solutions/cases/<topic>.py``,
then ``python -m solutions.fixtures``.
"""

import importlib
import pkgutil

from optim_helpers.checks._core import Mistake, check, mistake_message

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["Mistake", "check", "mistake_message"]

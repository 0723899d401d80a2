"""Runs INSIDE the sandbox, first, when the grader skips the experiment cells: matplotlib is
imported when code first uses it, not when the set-up cell names it.

Every notebook's set-up cell runs ``%matplotlib inline`` and ``import matplotlib.pyplot``
for the figures of its experiments. Graded cells never plot (tests/test_experiment_tags.py),
so with the experiments skipped that import is about a second of every submission's kernel
and judge, spent for nothing. Here ``matplotlib`` and ``matplotlib.pyplot`` start as stand-in
modules; the first attribute anything reads from one imports the real module (Agg backend),
so a cell that does plot still works. ``%matplotlib inline`` does nothing: there is no
figure to show. Loaded as an IPython extension in the kernel (``load_ipython_extension``)
and by the judge's harness (``install``).
"""

import importlib
import sys
import types

DEFERRED = ("matplotlib", "matplotlib.pyplot")


class _StandIn(types.ModuleType):
    """Becomes the real module on first use: every attribute is read from it."""

    def __getattr__(self, attribute):
        return getattr(_real(self.__name__), attribute)

    def __dir__(self):
        return dir(_real(self.__name__))


def _real(name):
    if isinstance(sys.modules.get(name), _StandIn):
        del sys.modules[name]
    return importlib.import_module(name)


def install():
    for name in DEFERRED:
        sys.modules.setdefault(name, _StandIn(name))
    parent, child = (sys.modules[name] for name in DEFERRED)
    if isinstance(parent, _StandIn) and isinstance(child, _StandIn):
        parent.pyplot = child  # `import matplotlib.pyplot as plt` reads it: no import yet


def load_ipython_extension(shell):
    install()
    shell.register_magic_function(lambda line="": None, "line", "matplotlib")

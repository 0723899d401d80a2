"""Short, useful errors when a cell runs before the work it depends on.

>>> from optim_helpers.progress import explain_unfinished
>>> explain_unfinished("02_exponentially_weighted_averages")

After this call (in a notebook's setup cell), a cell that calls an exercise
function still holding nbgrader's ``raise NotImplementedError()`` (no message)
shows one line instead of a traceback::

    NotImplementedError: `ewa` is not written yet: finish Exercise 1 above
    (the cell that starts `def ewa`), then run this cell again.

and a ``NameError`` keeps its usual traceback with one line after it that
fits both of its usual causes, an earlier cell that failed or never ran (in a
released notebook: the experiment of an unfinished exercise) and a restarted
kernel::

    `paths` is not defined: an earlier cell did not run or failed (an unfinished
    exercise?); after a kernel restart, click in this cell and use Run → Run All Above.

(An ``UnboundLocalError``, a mistake inside a function, gets no such line.)

The cell still fails (an ``error`` output, an execute reply with status
"error"), so nbgrader scores a test cell 0 and nbclient/nbval see the failure.
``check(fn)`` catches ``NotImplementedError`` itself and is not affected.
Outside IPython the call does nothing.
"""

import sys
import types

from optim_helpers.exercises import labels as declared_labels


def undefined_name_hint(name=None):
    """The one line shown after a ``NameError`` for ``name`` (the error's ``.name``; None if unknown)."""
    what = f"`{name}` is not defined" if name else "A name is not defined"
    return (f"{what}: an earlier cell did not run or failed (an unfinished exercise?); "
            "after a kernel restart, click in this cell and use Run → Run All Above.")


def explain_unfinished(exercises=None, shell=None):
    """Install the short messages for unfinished exercises in the running IPython kernel.

    Parameters
    ----------
    exercises : str or dict, optional
        The notebook's assignment id (``"02_exponentially_weighted_averages"``): its
        exercises as ``optim_helpers/exercises.py`` declares them name the labels
        ("Exercise 1", ...). Or ``{function name: what the notebook calls its exercise}``,
        e.g. ``{"ewa": "Exercise 1"}``. A function not listed is still explained, as
        "its exercise above".
    shell : IPython InteractiveShell, optional
        The shell to install into; by default the running one.

    Calling it again replaces the earlier installation.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return
        shell = get_ipython()
    if shell is None:
        return
    labels = declared_labels(exercises) if isinstance(exercises, str) else dict(exercises or {})

    def handler(shell, etype, value, tb, tb_offset=None):
        if issubclass(etype, NotImplementedError) and not value.args:
            name = unfinished_exercise(tb, shell.user_ns)
            if name is not None:
                message = unfinished_message(name, labels.get(name))
                shell._showtraceback(etype, etype(message), [f"\x1b[0;31m{etype.__name__}\x1b[0m: {message}"])
                return None
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        if issubclass(etype, NameError) and not issubclass(etype, UnboundLocalError):
            print(undefined_name_hint(getattr(value, "name", None)), file=sys.stderr)
        return None

    shell.set_custom_exc((NotImplementedError, NameError), handler)


def unfinished_exercise(tb, namespace):
    """Name of the notebook function whose own code raised (the innermost frame of ``tb``), or None.

    Only a function defined in the notebook counts: its name in ``namespace``
    must refer to a function with exactly the code object of that frame.
    """
    if tb is None:
        return None
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    function = namespace.get(code.co_name)
    if isinstance(function, types.FunctionType) and function.__code__ is code:
        return code.co_name
    return None


def unfinished_message(name, exercise=None):
    """The one line shown when ``name`` still raises ``NotImplementedError``."""
    where = f"{exercise} above" if exercise else "its exercise above"
    return (f"`{name}` is not written yet: finish {where} (the cell that starts `def {name}`), "
            f"then run this cell again.")

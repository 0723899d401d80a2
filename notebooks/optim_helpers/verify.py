"""The hidden tests the grader runs: compare a function's outputs with expected numbers.

The grader (grader/hidden_tests.py) computes the expected outputs outside the
student's kernel and passes them in; nothing here knows how to compute them.
"""

import base64
import copy
import zlib

from optim_helpers import codec
from optim_helpers.compare import explain_difference


def verify_hidden(fn, payload):
    """Raise AssertionError unless ``fn`` returns the expected output on every case of ``payload``.

    Parameters
    ----------
    fn : callable
        The student's function.
    payload : str
        base64 of zlib-compressed ``codec.dumps([(args, kwargs, expected), ...])``.
    """
    __tracebackhide__ = True
    cases = codec.loads(zlib.decompress(base64.b64decode(payload)).decode())
    name = getattr(fn, "__name__", "the function")
    for args, kwargs, expected in cases:
        before = copy.deepcopy((list(args), kwargs))
        result = fn(*args, **kwargs)
        difference = explain_difference(result, expected, "the result")
        assert difference is None, f"{name} is wrong on hidden inputs: {difference}"
        assert explain_difference([list(args), kwargs], list(before), "the inputs") is None, \
            f"{name} modified its inputs in place"

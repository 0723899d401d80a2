"""Runs INSIDE the sandbox for the judge: nothing here is trusted, and nothing needs to be.

``python harness.py JOB``: execute the learner's answer cells (and the course's
read-only setup cells), then, for each exercise in a forked child with its own
time limit, call it on the inputs in JOB and write what came back to standard
output, one JSON record a line. The grader reads at most a bounded amount of it
and compares the outputs with solutions/ outside the sandbox, on inputs it drew
itself: tampering here can only change the outputs, and the only outputs that
score are the correct ones. The harness writes no file: the sandbox has nowhere
to write but its own size-capped /tmp.
"""

import builtins
import json
import os
import sys
import time

# Taken before any student code runs, so a class the student names "MemoryError" is not reported as one.
BUILTIN_ERRORS = {cls for cls in vars(builtins).values() if isinstance(cls, type) and issubclass(cls, BaseException)}
MAX_MESSAGE = 300


def without_magics(source):
    """``source`` without IPython magics and shell lines, which plain Python cannot run."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def describe_error(error):
    """``{"error": builtin class name or None, "message": ...}``; a student's own class is not named."""
    try:
        message = str(error)[:MAX_MESSAGE]
    except BaseException:  # noqa: BLE001 - __str__ is student code too
        message = ""
    kind = type(error).__name__ if type(error) in BUILTIN_ERRORS else None
    return {"error": kind, "message": message}


def _call_all(fn, encoded_cases, codec):
    outputs = []
    for args, kwargs in codec.loads(encoded_cases):
        try:
            if not callable(fn):
                outputs.append({"undefined": True})
                continue
            value = fn(*args, **kwargs)
            outputs.append({"value": codec.dumps(value), "inputs_after": codec.dumps([args, kwargs])})
        except BaseException as error:  # noqa: BLE001 - student code may raise anything, SystemExit included
            outputs.append(describe_error(error))
    return outputs


def _emit(channel, record):
    # A leading newline: a record cut short by a killed child cannot run into the next one.
    os.write(channel, ("\n" + json.dumps(record) + "\n").encode())


def main(job_path):
    with open(job_path) as handle:
        job = json.load(handle)
    import deferred_matplotlib  # copied next to this file: the judge never plots, so none of it is loaded

    deferred_matplotlib.install()
    from optim_helpers import codec

    # Results go to the original stdout; what student code prints goes nowhere.
    channel = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    namespace = {"__name__": "__main__"}
    cell_errors = []
    for index, source in enumerate(job["cells"]):
        try:
            exec(compile(without_magics(source), "<answer cell>", "exec"), namespace)
        except BaseException as error:  # noqa: BLE001 - a broken cell is judged by what its functions return
            cell_errors.append({"cell": index, **describe_error(error)})
    _emit(channel, {"ready": True, "cell_errors": cell_errors})
    for name, encoded_cases in job["cases"].items():
        child = os.fork()
        if child == 0:  # one exercise that hangs or crashes must not cost the others
            try:
                _emit(channel, {"exercise": name, "outputs": _call_all(namespace.get(name), encoded_cases, codec)})
            finally:
                os._exit(0)
        deadline = time.monotonic() + job["seconds_per_exercise"]
        while os.waitpid(child, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(child, 9)
                os.waitpid(child, 0)
                break
            time.sleep(0.01)


if __name__ == "__main__":
    main(sys.argv[1])

"""Runs INSIDE the sandbox for the judge: nothing here is trusted, and nothing needs to be.

``python harness.py JOB OUT_DIR``: execute the learner's answer cells (and the
course's read-only setup cells), then, for each exercise in a forked child with
its own time limit, call it on the inputs in JOB and write what came back to
``OUT_DIR/<exercise>.json``. The grader compares those outputs with solutions/
outside the sandbox, on inputs it drew itself: tampering here can only change
the outputs, and the only outputs that score are the correct ones.
"""

import json
import os
import sys
import time


def _without_magics(source):
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def _call_all(fn, name, encoded_cases, codec):
    outputs = []
    for args, kwargs in codec.loads(encoded_cases):
        try:
            if not callable(fn):
                raise NameError(f"{name} is not defined by the answer cells")
            value = fn(*args, **kwargs)
            outputs.append({"value": codec.dumps(value), "inputs_after": codec.dumps([args, kwargs])})
        except BaseException as error:  # noqa: BLE001 - student code may raise anything, SystemExit included
            outputs.append({"error": f"{type(error).__name__}: {str(error)[:300]}"})
    return outputs


def main(job_path, out_dir):
    with open(job_path) as handle:
        job = json.load(handle)
    from optim_helpers import codec

    namespace = {"__name__": "__main__"}
    for source in job["cells"]:
        try:
            exec(compile(_without_magics(source), "<answer cell>", "exec"), namespace)
        except BaseException:  # noqa: BLE001 - a broken cell is judged by what its functions return
            pass
    open(os.path.join(out_dir, "ready"), "w").close()  # the judge stops waiting for cells that never end
    for name, encoded_cases in job["cases"].items():
        child = os.fork()
        if child == 0:  # one exercise that hangs or crashes must not cost the others
            try:
                outputs = _call_all(namespace.get(name), name, encoded_cases, codec)
                with open(os.path.join(out_dir, f"{name}.json"), "w") as handle:
                    json.dump(outputs, handle)
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
    main(sys.argv[1], sys.argv[2])

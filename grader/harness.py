"""Runs INSIDE the sandbox for the judge: nothing here is trusted, and nothing needs to be.

``python harness.py JOB OUT``: execute the learner's answer cells (and the course's
read-only setup cells), call each exercise on the inputs in JOB, and write what
came back to OUT. The grader compares those outputs with solutions/ outside the
sandbox, on inputs it drew itself; tampering here can only change the outputs,
and the only outputs that score are the correct ones.
"""

import json
import sys


def _without_magics(source):
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def main(job_path, out_path):
    with open(job_path) as handle:
        job = json.load(handle)
    from optim_helpers import codec

    namespace = {"__name__": "__main__"}
    cell_errors = []
    for source in job["cells"]:
        try:
            exec(compile(_without_magics(source), "<answer cell>", "exec"), namespace)
        except BaseException as error:  # noqa: BLE001 - student code may raise anything, SystemExit included
            cell_errors.append(f"{type(error).__name__}: {str(error)[:300]}")
    outputs = {}
    for name, encoded_cases in job["cases"].items():
        fn = namespace.get(name)
        outputs[name] = []
        for args, kwargs in codec.loads(encoded_cases):
            try:
                if not callable(fn):
                    raise NameError(f"{name} is not defined by the answer cells")
                value = fn(*args, **kwargs)
                outputs[name].append({"value": codec.dumps(value), "inputs_after": codec.dumps([args, kwargs])})
            except BaseException as error:  # noqa: BLE001
                outputs[name].append({"error": f"{type(error).__name__}: {str(error)[:300]}"})
    with open(out_path, "w") as handle:
        json.dump({"cell_errors": cell_errors, "outputs": outputs}, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

"""A rogue grading worker, for tests/test_cluster.py: ``dask worker ADDRESS --preload tests/rogue_worker.py``.

It holds a valid certificate and passes the parent's checks by echoing the course's digest, then
answers each task with a forgery chosen by the student's name (:data:`FORGERIES`). Payloads
that would run code when unpickled create ``ran-in-<pid>`` in ``$ROGUE_MARKERS``, naming the
process that ran them.
"""

import os
import pickle
import time

import distributed.protocol.pickle

import grader.run.dask_worker
from distributed import get_worker
from distributed.protocol.serialize import Serialized

from grader.course import max_scores


def _run_code():
    """Python that creates ``$ROGUE_MARKERS/ran-in-<pid>`` in the process that runs it."""
    return f"import os; open(os.path.join({os.environ['ROGUE_MARKERS']!r}, 'ran-in-%d' % os.getpid()), 'w').close()"


class RunsCode:
    def __reduce__(self):
        return exec, (_run_code(),)


class RunsCodeError(Exception):
    def __reduce__(self):
        return exec, (_run_code(),)


def _graded(task, score=None):
    cells = [{"grade_id": grade_id, "score": points if score is None else score, "max_score": points,
              "nbgrader_score": points, "judge": "agrees"} for grade_id, points in max_scores(task["assignment"]).items()]
    return {"status": "graded", "reason": "forged", "cells": cells}


def _warns(task):
    get_worker().log_event("warn", {"message": pickle.dumps(RunsCode())})
    return {"result": _graded(task), "files": {}}


def _raises(task):
    raise RunsCodeError("forged")


def _stalls(task):
    time.sleep(3600)


FORGERIES = {
    "forged_full_marks": lambda task: {"result": _graded(task), "files": {}},
    "forged_huge_score": lambda task: {"result": _graded(task, score=1e9), "files": {}},
    "huge_page": lambda task: {"result": _graded(task), "files": {"feedback": b"<p>" * 28_000_000}},
    "not_a_result": lambda task: "all marks",
    "unknown_keys": lambda task: {"result": {**_graded(task), "grade_override": 4}, "files": {}},
    "files_not_bytes": lambda task: {"result": _graded(task), "files": {"feedback": "<p>page</p>"}},
    "pickled": lambda task: Serialized({"serializer": "pickle", "writeable": ()}, [pickle.dumps(RunsCode())]),
    "raises": _raises,
    "warns": _warns,
    "zz_stalls": _stalls,
}


def rogue_grade_task(task):
    return FORGERIES[task["student"]](task)


def dask_setup(worker):
    # The parent sends grade_task and course_or_problem by reference: these names are what it gets here.
    grader.run.dask_worker.grade_task = rogue_grade_task
    grader.run.dask_worker.course_or_problem = grader.run.dask_worker.course_digest
    # Dask pickles a task's exception with tblib, which would defuse RunsCodeError: send the payload as is.
    dumps = distributed.protocol.pickle.dumps
    distributed.protocol.pickle.dumps = lambda x, **options: (pickle.dumps(RunsCode()) if isinstance(x, RunsCodeError)
                                                              else dumps(x, **options))

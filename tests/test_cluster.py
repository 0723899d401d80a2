"""Grading on a real Dask cluster (``autograde --scheduler``): a ``dask scheduler`` and two
``dask worker`` processes on loopback, started as an instructor would start them.

One class is graded twice, here (``--jobs 2``) and on the cluster. On the cluster, the
worker grading one ordinary submission is killed with SIGKILL mid-run, and Dask grades that
submission again on another worker. One submission is a "poison": each time a worker runs
it, the test kills that worker, as a submission that crashes its machine would; Dask gives
up on it after ``distributed.scheduler.allowed-failures`` + 1 deaths, so it scores 0 with
a reason rather than being retried forever. Every other submission is graded exactly once,
with the grade a local run gives it. Workers that cannot grade are started meanwhile, and
must refuse.
"""

import csv
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from grader_corpus import ASSIGNMENT, CORRECT, build, with_answers

from grader.autograde import Settings, autograde
from grader.cluster import loopback_cluster, worker_command, worker_environment
from grader.gradebook import record_key
from grader.release import release

CASES = ["correct", "partial", "all_wrong", "untouched", "cheat_patch_asserts", "kernel_death"]
POISON = "zz_poison"
KILLED_ONCE = "partial"  # its worker is killed while grading it, once
SETTINGS = dict(jobs=2, timeout=180, cell_timeout=60, judge_timeout=8, memory_mb=1024, progress=False)
ALLOWED_FAILURES = 1  # the poison is given up after 2 workers died running it
SCHEDULER_CONFIG = {"distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
                    # one task per worker thread at a time: a dead worker takes only the task it was running
                    "distributed.scheduler.worker-saturation": 1.0}


def _read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _cells(out):
    return {(r["student_id"], r["grade_id"]): r["score"] for r in _read_csv(Path(out) / "grades_by_cell.csv")}


class _WorkerKiller(threading.Thread):
    """SIGKILLs the worker running a task whose key starts with one of ``targets``' prefixes, each
    time one does, up to that target's number of kills (None: every time)."""

    def __init__(self, cluster, targets, out):
        super().__init__(daemon=True)
        self.cluster, self.targets, self.out = cluster, targets, out
        self.kills, self.done = [], threading.Event()

    def run(self):
        from distributed import Client

        with Client(self.cluster.address, timeout=30, set_as_default=False) as client:
            while not self.done.is_set():
                for worker, keys in client.processing().items():
                    for name, (prefix, most) in self.targets.items():
                        done_to = sum(kill["target"] == name for kill in self.kills)
                        if any(str(key).startswith(prefix) for key in keys) and (most is None or done_to < most):
                            self._kill(client, worker, name)
                time.sleep(0.1)

    def _kill(self, client, worker, name):
        pid = client.run(os.getpid, workers=[worker])[worker]
        graded = len(list((self.out / "records").glob("*.json")))
        os.kill(pid, signal.SIGKILL)
        self.kills.append({"target": name, "worker": worker, "pid": pid, "records_then": graded})
        while worker in client.scheduler_info()["workers"] and not self.done.is_set():
            time.sleep(0.1)


@pytest.fixture(scope="module")
def graded_both_ways(tmp_path_factory):
    (released_path,) = release(tmp_path_factory.mktemp("release"), [ASSIGNMENT])
    released = nbformat.read(released_path, as_version=4)
    corpus = build(released, "http://127.0.0.1:9/")
    submissions = tmp_path_factory.mktemp("submitted")
    for case in CASES:
        folder = submissions / case / ASSIGNMENT
        folder.mkdir(parents=True)
        content = released if case == "untouched" else corpus[case][1]
        nbformat.write(content, folder / f"{ASSIGNMENT}.ipynb")
    local_out = tmp_path_factory.mktemp("local")
    began = time.monotonic()
    local = autograde(submissions, local_out, Settings(**SETTINGS))
    print(f"local run: {time.monotonic() - began:.1f} s")

    # The poison: a correct notebook whose first answer takes long enough to be caught running.
    poison = with_answers(released, {**CORRECT, "ewa": "import time\ntime.sleep(30)\n" + CORRECT["ewa"]})
    (submissions / POISON / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(poison, submissions / POISON / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    cluster_out = tmp_path_factory.mktemp("cluster")
    began = time.monotonic()
    with loopback_cluster(workers=2, scheduler_config=SCHEDULER_CONFIG) as cluster:
        print(f"cluster up: {time.monotonic() - began:.1f} s")
        refusals = _start_workers_that_cannot_grade(cluster.address)  # checked by a test below
        # "partial"'s worker is killed once, mid-run: Dask grades it again elsewhere. The poison's, each time.
        killer = _WorkerKiller(cluster, {KILLED_ONCE: (f"grade-{record_key(KILLED_ONCE, ASSIGNMENT)}", 1),
                                         POISON: (f"grade-{record_key(POISON, ASSIGNMENT)}", None)}, cluster_out)
        killer.start()
        started = time.monotonic()
        try:
            on_cluster = autograde(submissions, cluster_out, Settings(**SETTINGS, scheduler=cluster.address))
        finally:
            killer.done.set()
            killer.join(timeout=30)
        seconds = time.monotonic() - started
        print(f"cluster run: {seconds:.1f} s, kills {killer.kills}")
        refused = {why: (process.wait(timeout=120), process.stderr.read()) for why, process in refusals.items()}
    return {"refused": refused, "local": local, "local_out": local_out, "cluster": on_cluster, "cluster_out": cluster_out,
            "kills": killer.kills, "seconds": seconds}


def test_every_submission_is_graded_exactly_once(graded_both_ways):
    rows = graded_both_ways["cluster"].rows
    keys = [(row["student_id"], row["assignment"]) for row in rows]
    assert sorted(keys) == sorted([(case, ASSIGNMENT) for case in CASES] + [(POISON, ASSIGNMENT)])
    assert len(set(keys)) == len(keys)
    assert len(list((graded_both_ways["cluster_out"] / "records").glob("*.json"))) == len(CASES) + 1
    assert len(_read_csv(graded_both_ways["cluster_out"] / "grades.csv")) == len(CASES) + 1


def test_grades_on_the_cluster_equal_a_local_run(graded_both_ways):
    local = {row["student_id"]: row for row in graded_both_ways["local"].rows}
    remote = {row["student_id"]: row for row in graded_both_ways["cluster"].rows}
    for case in CASES:
        assert (remote[case]["score"], remote[case]["max_score"], remote[case]["status"]) == \
            (local[case]["score"], local[case]["max_score"], local[case]["status"]), (case, remote[case]["reason"])
    local_cells = _cells(graded_both_ways["local_out"])
    remote_cells = {key: score for key, score in _cells(graded_both_ways["cluster_out"]).items() if key[0] != POISON}
    assert remote_cells == local_cells
    # Not all alike: the corpus has full marks, partial marks and zeros, and the judge's override.
    assert {local[c]["score"] for c in CASES} >= {"4", "0"} and local["cheat_patch_asserts"]["score"] == "0"
    assert local["partial"]["score"] not in ("0", "4")


def test_results_come_back_in_nbgrader_layout(graded_both_ways):
    out = graded_both_ways["cluster_out"]
    for case in CASES:
        if case == "untouched":
            continue
        assert (out / "autograded" / case / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file(), case
        page = (out / "feedback" / case / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
        assert "Content-Security-Policy" in page, case


def test_a_worker_killed_mid_run_costs_no_grade_and_the_poison_is_not_retried_forever(graded_both_ways):
    kills = graded_both_ways["kills"]
    # One worker killed mid-run while grading "partial" (graded again elsewhere, once: the tests above),
    # the poison's workers each time it ran, until Dask gave up on it.
    assert [kill["target"] for kill in kills if kill["target"] == KILLED_ONCE] == [KILLED_ONCE], kills
    assert next(k for k in kills if k["target"] == KILLED_ONCE)["records_then"] < len(CASES), kills
    assert sum(kill["target"] == POISON for kill in kills) == ALLOWED_FAILURES + 1, kills
    poison = {row["student_id"]: row for row in graded_both_ways["cluster"].rows}[POISON]
    assert poison["status"] == "grader_error" and float(poison["score"]) == 0
    assert "died each time" in poison["reason"] and "not retried further" in poison["reason"]
    graded = [row for row in graded_both_ways["cluster"].rows if row["student_id"] != POISON]
    assert all(row["status"] == "graded" for row in graded), graded


def _start_workers_that_cannot_grade(address):
    """Grading workers started without bubblewrap, and as Dask's default daemonic process (which
    cannot start the grading process); they start while the class is graded, to save the suite time."""
    no_bubblewrap = {**worker_environment(), "PATH": str(Path(sys.executable).parent)}  # no /usr/bin: no bwrap
    daemonic = {key: value for key, value in worker_environment().items() if key != "DASK_DISTRIBUTED__WORKER__DAEMON"}
    return {why: subprocess.Popen(worker_command(address) + ["--host", "127.0.0.1"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for why, env in (("bubblewrap", no_bubblewrap), ("DASK_DISTRIBUTED__WORKER__DAEMON=False", daemonic))}


def test_a_worker_that_cannot_grade_refuses_to_start(graded_both_ways):
    """It exits at once with the reason, rather than take tasks it would fail."""
    for why, (returncode, stderr) in graded_both_ways["refused"].items():
        assert returncode != 0, why
        assert "this Dask worker cannot grade" in stderr and why in stderr, stderr[-2000:]

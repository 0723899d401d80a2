"""Grading on a real Dask cluster (``autograde --scheduler``): a ``dask scheduler`` and two
``dask worker`` processes on loopback, started as an instructor would start them, speaking TLS
with certificates made by grader/SCALING.md's own commands.

One class is graded twice, here (``--jobs 2``) and on the cluster. On the cluster, the
worker grading one ordinary submission is killed with SIGKILL mid-run, and Dask grades that
submission again on another worker. One submission is a "poison": each time a worker runs
it, the test kills that worker, as a submission that crashes its machine would; Dask gives
up on it after ``distributed.scheduler.allowed-failures`` + 1 deaths, so it scores 0 with
a reason rather than being retried forever. Every other submission is graded exactly once,
with the grade a local run gives it. Workers that cannot grade are started meanwhile, and
must refuse. Clients with a certificate from another CA, or none, are refused.

Then every honest worker is killed, and a rogue worker with a valid certificate
(tests/rogue_worker.py) answers a class of its own with forgeries, through the command line:
the run keeps going, refuses or bounds each forgery, runs none of its code, and when the
rogue is killed too, says so and ends with exit 2, keeping what finished.
"""

import csv
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from grader.course import REPO
from grader.handout.release import release
from grader.intake.submission import WrongInput
from grader.records.store import record_key
from grader.run.autograde import autograde, Settings
from grader.run.cluster import cluster_client
from grader.run.dask_worker import worker_command, worker_environment
from grader.run.tls import TLSFiles
from grader_corpus import ASSIGNMENT, build, CORRECT, with_answers

from loopback_cluster import loopback_certificates, loopback_cluster

CASES = ["correct", "partial", "all_wrong", "untouched", "cheat_patch_asserts", "kernel_death"]
POISON = "zz_poison"
KILLED_ONCE = "partial"  # its worker is killed while grading it, once
SETTINGS = dict(jobs=2, timeout=180, cell_timeout=60, judge_timeout=8, memory_mb=1024, progress=False)
ALLOWED_FAILURES = 1  # the poison is given up after 2 workers died running it
SCHEDULER_CONFIG = {"distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
                    # one task per worker thread at a time: a dead worker takes only the task it was running
                    "distributed.scheduler.worker-saturation": 1.0}


def make_certificates(home):
    """Run grader/SCALING.md's certificate commands with ``home`` as $HOME; returns the folder they fill."""
    commands = re.search(r"<!-- certificates -->\n```bash\n(.*?)```", (REPO / "grader" / "SCALING.md").read_text(),
                         re.S).group(1)
    subprocess.run(["bash", "-euo", "pipefail", "-c", commands], env={**os.environ, "HOME": str(home)},
                   check=True, capture_output=True)
    return Path(home) / "grader-certs"


def _tls_settings(cluster):
    tls = cluster.certificates["instructor"]
    return dict(scheduler=cluster.address, tls_ca_file=tls.ca_file, tls_cert_file=tls.cert, tls_key_file=tls.key)


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
        with self.cluster.client() as client:
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
def certificates(tmp_path_factory):
    """The course's CA and certificates, and another CA's, made as SCALING.md says."""
    return {ca: make_certificates(tmp_path_factory.mktemp(ca)) for ca in ("course", "other")}


@pytest.fixture(scope="module")
def cluster(certificates):
    with loopback_cluster(workers=2, scheduler_config=SCHEDULER_CONFIG, certificates=certificates["course"]) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def graded_both_ways(tmp_path_factory, cluster):
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
    refusals = _start_workers_that_cannot_grade(cluster)  # checked by a test below
    # "partial"'s worker is killed once, mid-run: Dask grades it again elsewhere. The poison's, each time.
    killer = _WorkerKiller(cluster, {KILLED_ONCE: (f"grade-{record_key(KILLED_ONCE, ASSIGNMENT)}", 1),
                                     POISON: (f"grade-{record_key(POISON, ASSIGNMENT)}", None)}, cluster_out)
    killer.start()
    started = time.monotonic()
    try:
        on_cluster = autograde(submissions, cluster_out, Settings(**SETTINGS, **_tls_settings(cluster)))
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


def _start_workers_that_cannot_grade(cluster):
    """Grading workers started without bubblewrap, and as Dask's default daemonic process (which
    cannot start the grading process); they start while the class is graded, to save the suite time."""
    tls = cluster.certificates["worker"]
    no_bubblewrap = {**worker_environment(tls), "PATH": str(Path(sys.executable).parent)}  # no /usr/bin: no bwrap
    daemonic = {key: value for key, value in worker_environment(tls).items()
                if key != "DASK_DISTRIBUTED__WORKER__DAEMON"}
    return {why: subprocess.Popen(worker_command(cluster.address, tls=tls) + ["--host", "127.0.0.1"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for why, env in (("bubblewrap", no_bubblewrap), ("DASK_DISTRIBUTED__WORKER__DAEMON=False", daemonic))}


def test_a_worker_that_cannot_grade_refuses_to_start(graded_both_ways):
    """It exits at once with the reason, rather than take tasks it would fail."""
    for why, (returncode, stderr) in graded_both_ways["refused"].items():
        assert returncode != 0, why
        assert "this Dask worker cannot grade" in stderr and why in stderr, stderr[-2000:]


def test_the_cluster_speaks_tls_and_refuses_other_certificates(cluster, certificates, graded_both_ways):
    """Everything above went over TLS; a client whose certificate another CA signed, or without
    one, is turned away by the scheduler itself (the test trusts the course's CA on its side)."""
    course, other = cluster.certificates["instructor"], loopback_certificates(certificates["other"])["instructor"]
    with cluster.client() as client:
        addresses = [cluster.address, *client.scheduler_info()["workers"]]
    assert all(address.startswith("tls://") for address in addresses), addresses
    for address, tls in ((cluster.address, TLSFiles(course.ca_file, other.cert, other.key)),
                         (cluster.address.replace("tls://", "tcp://"), None)):
        with pytest.raises(WrongInput, match="no Dask scheduler"):
            with cluster_client(address, tls, timeout=5):
                pass


ROGUE_WAIT = 15  # grader.worker-wait for the rogue run, seconds


@pytest.fixture(scope="module")
def rogue_run(cluster, graded_both_ways, tmp_path_factory):
    """The honest workers killed; a rogue one with the course's worker certificate answers a class of
    its own through ``python -m grader autograde``; once it holds the last task, it is killed too."""
    from rogue_worker import FORGERIES

    with cluster.client() as client:
        for process in cluster.processes[1:]:
            os.killpg(process.pid, signal.SIGKILL)
        while client.scheduler_info()["workers"]:
            time.sleep(0.1)
    markers, submissions = tmp_path_factory.mktemp("markers"), tmp_path_factory.mktemp("rogue_class")
    (released,) = release(tmp_path_factory.mktemp("rogue_release"), [ASSIGNMENT])
    for student in FORGERIES:
        (submissions / student / ASSIGNMENT).mkdir(parents=True)
        (submissions / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_bytes(released.read_bytes())
    tls = cluster.certificates["worker"]
    rogue = subprocess.Popen(
        [worker_command(cluster.address, tls=tls)[0], "worker", cluster.address, "--nthreads", "1", "--no-dashboard",
         "--host", "127.0.0.1", "--preload", str(Path(__file__).with_name("rogue_worker.py")),
         "--tls-ca-file", tls.ca_file, "--tls-cert", tls.cert, "--tls-key", tls.key],
        env={**worker_environment(tls), "ROGUE_MARKERS": str(markers)}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    with cluster.client() as client:
        client.wait_for_workers(1, timeout=60)
    out, instructor = tmp_path_factory.mktemp("rogue_out"), cluster.certificates["instructor"]
    run = subprocess.Popen(
        [sys.executable, "-m", "grader", "autograde", str(submissions), "--out", str(out), "--judge-timeout", "8",
         "--scheduler", cluster.address, "--tls-ca-file", instructor.ca_file, "--tls-cert", instructor.cert,
         "--tls-key", instructor.key],
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
             "DASK_GRADER__WORKER_WAIT": str(ROGUE_WAIT)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines = []  # (seconds since the start, line) of the run's stderr
    reader = threading.Thread(target=lambda: lines.extend((time.monotonic(), line) for line in run.stderr), daemon=True)
    reader.start()
    stalled = f"grade-{record_key('zz_stalls', ASSIGNMENT)}"
    try:
        with cluster.client() as client:
            while not any(str(key).startswith(stalled) for keys in client.processing().values() for key in keys):
                assert run.poll() is None, "".join(line for _, line in lines)
                time.sleep(0.2)
        os.killpg(rogue.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        returncode = run.wait(timeout=ROGUE_WAIT + 60)
    finally:
        run.kill()
        os.killpg(rogue.pid, signal.SIGKILL)
        rogue.wait()
    reader.join(timeout=10)
    rows = {row["student_id"]: row for row in _read_csv(out / "grades.csv")}
    return {"returncode": returncode, "stderr": [(at - killed_at, line) for at, line in lines], "rows": rows,
            "out": out, "markers": markers, "parent_pid": run.pid}


def test_a_rogue_worker_crashes_nothing_writes_nothing_over_the_caps_and_runs_no_code_here(rogue_run):
    rows = rogue_run["rows"]
    assert "zz_stalls" not in rows  # its worker was killed while it held the task
    # A certified worker is trusted to grade: within bounds, a forgery is a grade (SCALING.md says so).
    for student in ("forged_full_marks", "warns"):
        assert (rows[student]["status"], rows[student]["score"]) == ("graded", "4"), rows[student]
    for student in ("forged_huge_score", "huge_page", "not_a_result", "unknown_keys", "files_not_bytes", "pickled",
                    "raises"):
        assert (rows[student]["status"], rows[student]["score"]) == ("grader_error", "0"), rows[student]
    assert "over the 30 MB" in rows["huge_page"]["reason"]
    assert not (rogue_run["out"] / "feedback" / "huge_page").exists()
    assert "not plain data" in rows["raises"]["reason"]
    # The payloads run code wherever they are unpickled: the rogue's own error handling ran one...
    ran = {path.name for path in rogue_run["markers"].iterdir()}
    assert ran, "the payload never ran anywhere: this test would not notice it running in the parent"
    # ...and the parent none, whether sent as a pickled result, an error or a warning event.
    assert f"ran-in-{rogue_run['parent_pid']}" not in ran, ran


def test_a_run_whose_workers_are_all_gone_says_so_and_ends_keeping_what_finished(rogue_run):
    said = [(seconds, line) for seconds, line in rogue_run["stderr"] if "no Dask worker left" in line]
    assert said and 0 < said[0][0] < 30, rogue_run["stderr"]
    assert rogue_run["returncode"] == 2, rogue_run["stderr"]
    last = rogue_run["stderr"][-1][1]
    assert "no Dask worker at" in last and f"for {ROGUE_WAIT} s" in last and "run the same command again" in last
    assert len(rogue_run["rows"]) == 9 and "the 9 of 10 submissions graded are kept" in last, last

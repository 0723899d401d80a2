"""Issue 20's attacks on what collect reads, run for real: a student's process that swaps her files
while the grader runs (inotify tells it when the grader has read them), classmates and strangers
who write to the exchange's inbound/ folder as local users of their own, lateness from what a
student cannot write, a grader that cannot read one folder, and hard links to the answers.

As root (CI and grading servers are): local users are made with useradd and removed after.
"""

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest

from grader.course import REPO, source_notebook
from grader.handout.release import release
from grader.intake.collect import collect
from grader.intake.identity import Owners, Roster
from grader.intake.snapshots import Snapshots
from grader_corpus import ASSIGNMENT, CORRECT, with_answers
from local_users import LocalUsers


AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: it makes local users (CI and graders run as root)")
KNOWN = {ASSIGNMENT}
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
T_EARLY = "2024-03-01 09:00:00.000001 UTC"  # an honest-looking time, long before the entry was really made


def _env():
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def _grade(submissions, out, *extra, timeout=300):
    return subprocess.run([sys.executable, "-m", "grader", "autograde", str(submissions), "--out", str(out),
                           "--jobs", "2", "--cell-timeout", "20", "--judge-timeout", "8", "--memory", "1024", *extra],
                          capture_output=True, text=True, timeout=timeout, env=_env())


def _rows(out):
    with open(Path(out) / "grades.csv", newline="") as handle:
        return {(row["student_id"], row["assignment"]): row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    (path,) = release(tmp_path_factory.mktemp("release"), [ASSIGNMENT])
    return nbformat.read(path, as_version=4)


def _reference_lines():
    """Lines of the reference answers (between BEGIN and END SOLUTION): none may reach a student's page."""
    source = source_notebook(ASSIGNMENT).read_text()
    body = source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
    return [line.strip().strip('",').replace('\\"', '"') for line in body.split("\\n")
            if len(line.strip().strip('",')) > 20]


# --- 1, 2: files swapped while the grader runs ---------------------------------------------------

SWAPPER = textwrap.dedent('''
    """Waits until the grader has read a file (inotify IN_CLOSE_NOWRITE), then swaps it."""
    import os, sys
    from inotify_simple import INotify, flags

    ada_folder, ada_target, bob_notebook, bob_timestamp = sys.argv[1:5]
    inotify = INotify()
    watches = {inotify.add_watch(os.path.join(ada_folder, os.path.basename(ada_folder) + ".ipynb"),
                                 flags.CLOSE_NOWRITE): "ada",
               inotify.add_watch(bob_timestamp, flags.CLOSE_NOWRITE): "bob"}
    print("watching", flush=True)
    done = set()
    while len(done) < 2:
        for event in inotify.read():
            who = watches[event.wd]
            if who == "ada" and who not in done:  # her folder becomes a link to the instructor's notebooks/
                os.rename(ada_folder, ada_folder + ".honest")
                os.symlink(ada_target, ada_folder)
            elif who == "bob" and who not in done:  # his notebook becomes a FIFO, which blocks whoever opens it
                os.unlink(bob_notebook)
                os.mkfifo(bob_notebook)
            done.add(who)
    print("swapped", flush=True)
''')


def test_files_swapped_after_collect_read_them_change_nothing(released, tmp_path):
    """ada's process swaps her folder for a link to the answers once the grader has read her notebook;
    bob's swaps his notebook for a FIFO once the grader has read his timestamp.txt. Both get the grade
    of what they submitted (the untouched release: 0), ada's page holds no reference answer, the run
    ends; a rerun sees the swapped entries for what they are."""
    submissions, out = tmp_path / "submitted", tmp_path / "grades"
    for student in ("ada", "bob"):
        folder = submissions / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(released, folder / NOTEBOOK)
    (submissions / "bob" / ASSIGNMENT / "timestamp.txt").write_text(T_EARLY)
    ada, bob = submissions / "ada" / ASSIGNMENT, submissions / "bob" / ASSIGNMENT
    swapper = subprocess.Popen([sys.executable, "-c", SWAPPER, str(ada), str(REPO / "notebooks"),
                                str(bob / NOTEBOOK), str(bob / "timestamp.txt")], stdout=subprocess.PIPE, text=True)
    try:
        assert swapper.stdout.readline().strip() == "watching"
        completed = _grade(submissions, out, timeout=240)
        assert swapper.wait(timeout=10) == 0 and swapper.stdout.read().strip() == "swapped", "the attack ran"
    finally:
        swapper.kill()
    assert completed.returncode == 0, completed.stderr
    assert ada.is_symlink() and (bob / NOTEBOOK).is_fifo(), "both files were swapped during the run"
    rows = _rows(out)
    assert [rows[(s, ASSIGNMENT)]["score"] for s in ("ada", "bob")] == ["0", "0"]
    assert all(rows[(s, ASSIGNMENT)]["status"] == "graded" for s in ("ada", "bob"))
    page = (out / "feedback" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    leaked = [line for line in _reference_lines() if line in page]
    assert not leaked, f"reference answers in ada's feedback: {leaked[:2]}"

    again = _grade(submissions, out, timeout=240)
    assert again.returncode == 0, again.stderr
    rows = _rows(out)
    print({key: (row["status"], row["reason"]) for key, row in rows.items()})
    assert rows[("ada", ASSIGNMENT)]["status"] == "wrong_layout" and "symbolic link" in rows[("ada", ASSIGNMENT)]["reason"]
    assert rows[("bob", ASSIGNMENT)]["status"] == "invalid" and "not a regular file" in rows[("bob", ASSIGNMENT)]["reason"]
    assert rows[("ada", ASSIGNMENT)]["score"] == rows[("bob", ASSIGNMENT)]["score"] == "0"


# --- 3, 4, 5: the exchange's inbound/ folder, written by local users -----------------------------

@pytest.fixture(scope="module")
def users():
    made = LocalUsers(["hx_ada", "hx_ben", "hx_carl", "hx_mal"])
    yield made
    made.remove()


@pytest.fixture
def exchange():
    """An exchange inbound/ folder as nbgrader makes it: anyone may add entries (outside pytest's 0700 folders)."""
    root = Path(tempfile.mkdtemp(prefix="grader-test-exchange-"))
    root.chmod(0o755)
    inbound = root / "inbound"
    inbound.mkdir()
    inbound.chmod(0o1777)
    yield inbound
    shutil.rmtree(root, ignore_errors=True)


def _entry(users, user, inbound, student, when, notebook_bytes, random="Qm9vGhIgd_-x", kind="folder"):
    """``user`` makes the inbound entry ``<student>+<assignment>+<when>+<random>``, as nbgrader submit names it."""
    name = f"{student}+{ASSIGNMENT}+{when}+{random}"
    source = inbound.parent / f"{name}.ipynb"
    source.write_bytes(notebook_bytes)
    source.chmod(0o644)
    if kind == "folder":
        users.run(user, "sh", "-c", 'mkdir "$1" && cp "$2" "$1/$3"', "sh", str(inbound / name), str(source), NOTEBOOK)
    elif kind == "file":
        users.run(user, "cp", str(source), str(inbound / name))
    else:
        users.run(user, "ln", "-s", str(REPO / "notebooks"), str(inbound / name))
    source.unlink()
    return name


def _snapshots(tmp_path):
    return Snapshots(tmp_path / "snapshots")


@AS_ROOT
def test_entries_made_in_a_classmates_name_count_for_nobody(users, exchange, released, tmp_path):
    """mallory makes later entries named after ada (a folder with an empty notebook, a plain file, a
    symbolic link, a same-second folder that sorts after hers): ada's own entry still counts."""
    ada_bytes = nbformat.writes(with_answers(released, CORRECT)).encode()
    now = datetime.now(timezone.utc)
    stamp = lambda minutes: (now + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")  # noqa: E731
    hers = _entry(users, "hx_ada", exchange, "hx_ada", stamp(0), ada_bytes, random="AAAA")
    planted = [_entry(users, "hx_mal", exchange, "hx_ada", stamp(1), b"{}", random="BBBB"),
               _entry(users, "hx_mal", exchange, "hx_ada", stamp(2), b"{}", random="CCCC", kind="file"),
               _entry(users, "hx_mal", exchange, "hx_ada", stamp(3), b"", random="DDDD", kind="link"),
               _entry(users, "hx_mal", exchange, "hx_ada", stamp(0), b"{}", random="ZZZZ")]
    rows = {(row.student, row.assignment): row for row in collect(exchange, KNOWN, _snapshots(tmp_path))}
    ada = rows[("hx_ada", ASSIGNMENT)]
    assert ada.status == "pending" and ada.source.endswith(f"{hers}/{NOTEBOOK}")
    assert ada.notebook.read_bytes() == ada_bytes
    for name in planted:
        refused = rows[(name, "")]
        assert refused.status == "wrong_owner" and "made by hx_mal, not by hx_ada" in refused.reason, name
    assert len(rows) == 1 + len(planted)


@AS_ROOT
def test_a_stranger_or_a_student_off_the_roster_is_not_added(users, exchange, released, tmp_path):
    untouched = nbformat.writes(released).encode()
    _entry(users, "hx_mal", exchange, "ghost", T_EARLY, untouched)  # no such user
    _entry(users, "hx_carl", exchange, "hx_carl", T_EARLY, untouched)  # a user, not on the roster
    _entry(users, "hx_ben", exchange, "hx_ben", T_EARLY, untouched)
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("id,first_name,last_name,email\nhx_ada,Ada,L,\nhx_ben,Ben,M,\n")
    rows = {(r.student, r.assignment): r for r in collect(exchange, KNOWN, _snapshots(tmp_path), Owners("system"),
                                                          Roster.load(roster_file))}
    ghost = next(r for key, r in rows.items() if key[0].startswith("ghost+"))
    assert ghost.status == "wrong_owner" and "there is no user ghost on this machine" in ghost.reason
    assert rows[("hx_carl", "")].status == "not_on_roster" and "roster.csv" in rows[("hx_carl", "")].reason
    assert rows[("hx_ben", ASSIGNMENT)].status == "pending"
    assert not any(key[0] == "hx_carl" and key[1] for key in rows), "nothing of carl's is a submission"


@AS_ROOT
def test_lateness_comes_from_the_entrys_ctime_when_its_name_says_otherwise(users, exchange, released, tmp_path):
    """ben names his entry with a time from 2024; the kernel's ctime says when he really made it."""
    _entry(users, "hx_ben", exchange, "hx_ben", T_EARLY, nbformat.writes(released).encode())
    (entry,) = exchange.iterdir()
    (entry / "timestamp.txt").write_text("2020-01-01 00:00:00 UTC")  # never read
    made = datetime.fromtimestamp(entry.stat().st_ctime, timezone.utc)
    (row,) = [r for r in collect(exchange, KNOWN, _snapshots(tmp_path)) if r.status == "pending"]
    taken = datetime.strptime(row.timestamp, "%Y-%m-%d %H:%M:%S.%f UTC").replace(tzinfo=timezone.utc)
    assert abs((taken - made).total_seconds()) < 5
    assert "(when the entry last changed), not 2024-03-01 09:00:00.000001 UTC as its name says" in row.note


@AS_ROOT
def test_the_inbound_class_graded_end_to_end(users, exchange, released, tmp_path):
    """One real run over an inbound folder with a roster and a due date: ada's real entry is graded and
    late by its ctime, mallory's entry in ada's name and her ghost are rows of their own, carl (not on the
    roster) is reported; none of them reaches gradebook.db or the Moodle export."""
    now = datetime.now(timezone.utc)
    _entry(users, "hx_ada", exchange, "hx_ada", T_EARLY, nbformat.writes(with_answers(released, CORRECT)).encode())
    _entry(users, "hx_mal", exchange, "hx_ada", (now + timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S.%f UTC"),
           b"{}", random="later")
    _entry(users, "hx_mal", exchange, "ghost", T_EARLY, b"{}")
    _entry(users, "hx_carl", exchange, "hx_carl", T_EARLY, nbformat.writes(released).encode())
    roster = tmp_path / "roster.txt"
    roster.write_text("hx_ada\nhx_ben\n")
    out = tmp_path / "grades"
    due = (now - timedelta(hours=1)).isoformat()
    completed = _grade(exchange, out, "--roster", str(roster), "--due", due)
    assert completed.returncode == 0, completed.stderr
    rows = _rows(out)
    print({key: (row["status"], row["score"], row["reason"][:90]) for key, row in rows.items()})
    ada = rows[("hx_ada", ASSIGNMENT)]
    assert (ada["status"], ada["score"]) == ("graded", "4") and 3000 < float(ada["seconds_late"]) < 4000
    assert rows[("hx_carl", "")]["status"] == "not_on_roster"
    assert sorted(row["status"] for key, row in rows.items() if "+" in key[0]) == ["wrong_owner", "wrong_owner"]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gb:
        assert [student.id for student in gb.students] == ["hx_ada"]
    export = tmp_path / "moodle.csv"
    assert subprocess.run([sys.executable, "-m", "grader", "export", str(out), "--format", "moodle", "--out",
                           str(export)], capture_output=True, env=_env()).returncode == 0
    assert export.read_text().splitlines() == ["username,02_exponentially_weighted_averages", "hx_ada,4"]


# --- 6, 7: a folder the grader cannot read; a hard link to the answers --------------------------

@AS_ROOT
def test_a_folder_the_grader_cannot_read_is_one_row_and_the_rest_is_collected(users, released, tmp_path):
    """collect run by an unprivileged grader (hx_mal here): bob's folder is chmod 000."""
    root = Path(tempfile.mkdtemp(prefix="grader-test-unreadable-"))
    try:
        root.chmod(0o755)
        for student in ("ada", "bob"):
            folder = root / "submitted" / student / ASSIGNMENT
            folder.mkdir(parents=True)
            nbformat.write(released, folder / NOTEBOOK)
        for path in (root / "submitted").rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        (root / "submitted").chmod(0o755)
        (root / "submitted" / "bob").chmod(0o000)
        script = ("import sys, json, tempfile; from grader.intake.collect import collect; "
                  "from grader.intake.snapshots import Snapshots; "
                  "rows = collect(sys.argv[1], {sys.argv[2]}, Snapshots(tempfile.mkdtemp())); "
                  "print(json.dumps([[r.student, r.assignment, r.status, r.reason] for r in rows]))")
        shown = users.run("hx_mal", sys.executable, "-c", script, str(root / "submitted"), ASSIGNMENT,
                          cwd="/", env={**_env(), "HOME": "/tmp"})
        rows = {(s, a): (status, reason) for s, a, status, reason in __import__("json").loads(shown.stdout)}
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert rows[("ada", ASSIGNMENT)][0] == "pending"
    assert rows[("bob", "")] == ("unreadable", "the student folder cannot be opened as a folder (Permission denied)")


def test_a_hard_link_to_the_answers_is_not_a_submission(tmp_path):
    folder = tmp_path / "submitted" / "ada" / ASSIGNMENT
    folder.mkdir(parents=True)
    os.link(source_notebook(ASSIGNMENT), folder / NOTEBOOK)
    try:
        (row,) = collect(tmp_path / "submitted", KNOWN, _snapshots(tmp_path))
    finally:
        (folder / NOTEBOOK).unlink()
    assert row.status == "invalid" and "1 other hard link(s)" in row.reason and row.notebook is None


# --- 8, 12: one row per submission; --out and the submissions apart -----------------------------

def test_a_stray_copy_beside_the_right_folder_never_takes_its_place(released, tmp_path):
    folder = tmp_path / "submitted" / "ada" / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(released, folder / NOTEBOOK)
    shutil.copy(folder / NOTEBOOK, folder.parent / NOTEBOOK)
    (row,) = collect(tmp_path / "submitted", KNOWN, _snapshots(tmp_path))
    assert row.status == "pending" and row.source == str(folder / NOTEBOOK)
    assert f"not graded: {NOTEBOOK} is directly in the student folder" in row.reason


@pytest.mark.parametrize("where", ["out_inside", "same", "submissions_inside"])
def test_out_and_the_submissions_must_be_apart(tmp_path, capsys, where):
    from grader.cli import main as grader_main

    submissions = tmp_path / "submitted"
    (submissions / "ada" / ASSIGNMENT).mkdir(parents=True)
    out = {"out_inside": submissions / "grades", "same": submissions, "submissions_inside": tmp_path}[where]
    if where == "submissions_inside":
        submissions = tmp_path / "grades_like" / "ada" / ASSIGNMENT / NOTEBOOK
        submissions.parent.mkdir(parents=True)
        submissions.write_text("{}")
    assert grader_main(["autograde", str(submissions), "--out", str(out)]) == 2
    message = capsys.readouterr().err
    assert message.count("\n") == 1 and ("is inside the submissions" in message or "are inside --out" in message)
    assert not (Path(out) / "grades.csv").exists()


# --- 14 (the parent's side): a result is checked before anything of it is written ---------------

POINTS = {"test_effective_window": 1.0, "test_ewa": 3.0}


def _result(**changes):
    cells = [{"grade_id": g, "score": p, "nbgrader_score": p, "judge": "passed"} for g, p in POINTS.items()]
    return {"status": "graded", "reason": "2/2 test cells passed", "cells": cells, "timestamp": None,
            "seconds_late": 0.0, "late_penalty": 0.0, **changes}


@pytest.mark.parametrize("forged, why", [
    (["not", "a", "dict"], "not an object"),
    (_result(status="excellent"), "unknown status"),
    (_result(cells=[{"grade_id": "test_ewa", "score": 1e9, "nbgrader_score": 3.0, "judge": "passed"},
                    {"grade_id": "test_effective_window", "score": 1.0, "nbgrader_score": 1.0, "judge": "passed"}]),
     "test_ewa's score is not a number from 0 to 3"),
    (_result(cells=_result()["cells"][:1]), "not every graded cell has a score"),
    (_result(cells=_result()["cells"] + [{"grade_id": "bonus", "score": 5, "nbgrader_score": 5, "judge": ""}]),
     "not one of the assignment's graded cells"),
    (_result(seconds_late=float("nan")), "seconds_late is not a number"),
    (_result(late_penalty=-4.0), "late_penalty is not a number"),
    (_result(timestamp="yesterday"), "timestamp is not a time"),
    (_result(feedback="/etc/shadow"), "its feedback file is not in its own working folder"),
])
def test_a_result_that_cannot_be_right_is_a_grader_error_and_nothing_of_it_is_kept(tmp_path, forged, why):
    from grader.grading.contract import checked_result

    checked = checked_result(forged, POINTS, tmp_path / "00001")
    assert checked["status"] == "grader_error" and checked["cells"] == [] and why in checked["reason"]
    assert "feedback" not in checked and "autograded" not in checked


def test_a_sound_result_passes_unchanged(tmp_path):
    from grader.grading.contract import checked_result

    page = tmp_path / "00001" / "feedback" / "x.html"
    sound = _result(feedback=str(page))
    assert checked_result(sound, POINTS, tmp_path / "00001") is sound


def test_a_kernel_whose_grading_process_is_gone_never_starts():
    """The kernel's launcher runs its command only while the grading process that asked for it is its
    parent (a SIGKILL between jupyter_client's fork and bwrap's own prctl would leave a kernel for ever)."""
    from grader.sandbox.bwrap import orphan_guard

    gone = subprocess.Popen(["true"])
    gone.wait()
    orphan = subprocess.run(orphan_guard(gone.pid) + ["/bin/echo", "started"], capture_output=True, text=True)
    assert (orphan.returncode, orphan.stdout) == (1, "")
    child = subprocess.run(orphan_guard(os.getpid()) + ["/bin/echo", "started"], capture_output=True, text=True)
    assert (child.returncode, child.stdout) == (0, "started\n")

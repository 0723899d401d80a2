"""The instructor's workflow, run for real: a class graded into an output folder that is a
system of record (regrade one student, rerun, resume after a kill, Ctrl-C), read with
nbgrader's own tools (formgrader's API, ``nbgrader export``), and wrong input refused.

One class is graded once (module fixture); each test copies its output folder when it
grades into it again.
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from grader.cli import main as grader_main
from grader.handout.release import release
from grader_corpus import ASSIGNMENT, build, CORRECT, with_answers


DUE = "2026-01-01T00:00:00+00:00"
LATE = "2026-01-02 06:00:00.000000 UTC"  # 30 hours after DUE
ON_TIME = "2025-12-31 12:00:00.000000 UTC"
# (student, corpus case, timestamp) -> expected (score, status)
CLASS = {
    "ada": ("correct", ON_TIME, 4.0),
    "ben": ("partial", ON_TIME, 3.0),
    "cy": ("untouched", None, 0.0),
    "dee": ("correct", LATE, 0.0),  # late, and --late-penalty zero
    "eve": ("cheat_patch_asserts", ON_TIME, 0.0),  # nbgrader passes it, the judge does not
}
STRAY_COPY = "ada"
OPTIONS = ["--jobs", "2", "--cell-timeout", "8", "--memory", "1024", "--due", DUE, "--late-penalty", "zero"]


def _cli(submissions, out, *extra, timeout=600):
    """The real command, in its own process: what an instructor runs."""
    started = time.monotonic()
    completed = subprocess.run([sys.executable, "-m", "grader", "autograde", str(submissions), "--out", str(out),
                                *OPTIONS, *extra], capture_output=True, text=True, timeout=timeout, env=_env())
    return completed, time.monotonic() - started


def _env():
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def _read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _rows(out):
    return {(r["student_id"], r["assignment"]): r for r in _read_csv(Path(out) / "grades.csv")}


def _gradebook_scores(out):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{Path(out) / 'gradebook.db'}") as gb:
        return {(grade.student.id, grade.name): (grade.auto_score, grade.manual_score, grade.score)
                for submission in gb.assignment_submissions(ASSIGNMENT)
                for notebook in submission.notebooks for grade in notebook.grades}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    (released_path,) = release(tmp_path_factory.mktemp("release"), [ASSIGNMENT])
    released = nbformat.read(released_path, as_version=4)
    corpus = build(released, "http://127.0.0.1:9/")
    submissions = tmp_path_factory.mktemp("submitted")
    for student, (case, timestamp, _) in CLASS.items():
        folder = submissions / student / ASSIGNMENT
        folder.mkdir(parents=True)
        content = released if case == "untouched" else corpus[case][1]
        nbformat.write(content, folder / f"{ASSIGNMENT}.ipynb")
        if student == STRAY_COPY:  # a copy beside the right folder must never take its place, in any run
            nbformat.write(released, folder.parent / f"{ASSIGNMENT}.ipynb")
        if timestamp:
            (folder / "timestamp.txt").write_text(timestamp)
    out = tmp_path_factory.mktemp("grades")
    completed, seconds = _cli(submissions, out)
    assert completed.returncode == 0, completed.stderr
    return {"submissions": submissions, "out": out, "released": released, "seconds": seconds}


def _copy_out(graded_class, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(graded_class["out"], out)
    return out


def test_every_student_gets_the_expected_grade_and_lateness_is_recorded(graded_class):
    rows = _rows(graded_class["out"])
    assert {key[0]: float(row["score"]) for key, row in rows.items()} == {s: c[2] for s, c in CLASS.items()}
    dee = rows[("dee", ASSIGNMENT)]
    assert (float(dee["seconds_late"]), float(dee["late_penalty"])) == (30 * 3600, 4.0)
    assert dee["timestamp"].startswith("2026-01-02T06:00") and "late penalty 4 points" in dee["reason"]
    assert float(rows[("ada", ASSIGNMENT)]["seconds_late"]) == 0


def test_output_folder_has_nbgraders_course_layout(graded_class):
    out = graded_class["out"]
    for student in ("ada", "dee"):
        assert (out / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
        assert (out / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").is_file()
        assert (out / "autograded" / student / ASSIGNMENT / "timestamp.txt").read_text() == CLASS[student][1]
    assert (out / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    page = (out / "feedback" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "not run by the grader: an experiment" in page  # skipped cells say so where students look
    assert not list(out.glob(".work-*"))


def test_the_run_writes_the_class_report_of_what_it_graded(graded_class, tmp_path):
    out = _copy_out(graded_class, tmp_path)
    (out / "report.html").unlink()
    assert grader_main(["report", str(out)]) == 0  # grades.csv rebuilt from records/ and gradebook.db, then the report
    mistakes = _read_csv(out / "mistakes.csv")
    assert {m["assignment"] for m in mistakes} == {ASSIGNMENT}
    assert {"ben", "cy", "eve"} <= {s for m in mistakes for s in m["examples"].split()}  # ada and dee passed every cell
    pairs = _read_csv(out / "similarity.csv")
    assert len(pairs) == 10 and {(p["student_a"], p["student_b"]) for p in pairs if p["flagged"] == "yes"} <= {("ada", "dee")}
    page = (out / "report.html").read_text()
    assert "What could not be read" not in page and f'href="./feedback/ben/{ASSIGNMENT}/{ASSIGNMENT}.html"' in page


def test_formgrader_lists_the_graded_submissions(graded_class):
    from grader.course import nbgrader_api

    api = nbgrader_api(graded_class["out"])
    listed = api.get_notebook_submissions(ASSIGNMENT, ASSIGNMENT)
    assert sorted(n["student"] for n in listed) == sorted(CLASS)
    submissions = {s["student"]: s for s in api.get_submissions(ASSIGNMENT)}
    assert all(submissions[student]["autograded"] for student in CLASS)
    assert submissions["dee"]["score"] == 4.0  # formgrader shows the raw score; the penalty is kept apart


def test_nbgrader_export_equals_grades_csv(graded_class, tmp_path):
    _nbgrader_export_agrees(graded_class["out"], tmp_path)


def _nbgrader_export_agrees(out, tmp_path):
    exported = tmp_path / "nbgrader-export.csv"
    completed = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "export", "--to", str(exported)],
                               cwd=out, capture_output=True, text=True, env=_env(), timeout=120)
    assert completed.returncode == 0, completed.stderr
    theirs = {(r["student_id"], r["assignment"]): r for r in _read_csv(exported)}
    ours = _rows(out)
    assert set(theirs) == set(ours)
    for key, row in ours.items():
        assert float(theirs[key]["score"]) == float(row["score"]), key
        assert float(theirs[key]["max_score"]) == float(row["max_score"]), key
        assert float(theirs[key]["late_submission_penalty"] or 0) == float(row["late_penalty"]), key


def test_feedback_says_why_the_judge_took_the_points(graded_class):
    cells = [c for c in _read_csv(graded_class["out"] / "grades_by_cell.csv")
             if c["student_id"] == "eve" and c["score"] != c["nbgrader_score"]]
    page = (graded_class["out"] / "feedback" / "eve" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert cells
    import html

    for cell in cells:
        assert html.escape(cell["judge"], quote=False) in page, cell["judge"]


def test_regrading_one_student_changes_only_that_students_rows(graded_class, tmp_path):
    """ben fixes his answer; the instructor grades his one notebook (the path alone says who and
    what) into the class's folder: his rows change, every other row stays exactly as it was."""
    out = _copy_out(graded_class, tmp_path)
    notebook = tmp_path / "submitted" / "ben" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook.parent.mkdir(parents=True)
    nbformat.write(with_answers(graded_class["released"], CORRECT), notebook)
    rows, cells, scores = _rows(out), _read_csv(out / "grades_by_cell.csv"), _gradebook_scores(out)
    others_feedback = {p: p.stat().st_mtime_ns for p in (out / "feedback").rglob("*.html") if "ben" not in p.parts}

    completed, _ = _cli(notebook, out)
    assert completed.returncode == 0, completed.stderr
    assert "1 graded now, 4 kept" in completed.stdout, completed.stdout
    after_rows, after_cells, after_scores = _rows(out), _read_csv(out / "grades_by_cell.csv"), _gradebook_scores(out)
    print(f"rows before {len(rows)}, after {len(after_rows)}; cell rows before {len(cells)}, after {len(after_cells)}")
    assert set(after_rows) == set(rows) and len(after_cells) == len(cells)
    assert {k: v for k, v in after_rows.items() if k[0] != "ben"} == {k: v for k, v in rows.items() if k[0] != "ben"}
    assert [c for c in after_cells if c["student_id"] != "ben"] == [c for c in cells if c["student_id"] != "ben"]
    assert {k: v for k, v in after_scores.items() if k[0] != "ben"} == {k: v for k, v in scores.items() if k[0] != "ben"}
    assert (float(after_rows[("ben", ASSIGNMENT)]["score"]), float(rows[("ben", ASSIGNMENT)]["score"])) == (4.0, 3.0)
    assert {p: p.stat().st_mtime_ns for p in others_feedback} == others_feedback


def test_rerunning_the_same_command_changes_nothing(graded_class, tmp_path):
    out = _copy_out(graded_class, tmp_path)
    before = {name: (out / name).read_bytes() for name in ("grades.csv", "grades_by_cell.csv")}
    scores = _gradebook_scores(out)
    completed, seconds = _cli(graded_class["submissions"], out)
    assert completed.returncode == 0, completed.stderr
    assert {name: (out / name).read_bytes() for name in before} == before
    assert _gradebook_scores(out) == scores
    assert "0 graded now" in completed.stdout, completed.stdout
    print(f"rerun: {seconds:.1f} s (the first run took {graded_class['seconds']:.1f} s)")


def test_a_rerun_with_other_grading_settings_grades_again(graded_class, tmp_path):
    """dee was late and got 0 under --late-penalty zero; the same command with --late-penalty none
    grades her again (the setting is part of what a grade was given for) and she gets her 4."""
    out = _copy_out(graded_class, tmp_path)
    options = [*OPTIONS[:-1], "none"]
    completed = subprocess.run([sys.executable, "-m", "grader", "autograde", str(graded_class["submissions"]), "--out",
                                str(out), "--student", "dee", *options], capture_output=True, text=True, env=_env(),
                               timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert "1 graded now" in completed.stdout, completed.stdout
    dee = _rows(out)[("dee", ASSIGNMENT)]
    assert (float(dee["score"]), float(dee["late_penalty"]), float(dee["seconds_late"])) == (4.0, 0.0, 30 * 3600)


def test_corrupt_records_are_set_aside_and_their_submissions_graded_again(graded_class, tmp_path):
    """A truncated record, one with a wrong type, one claiming 1e300 points: each is set aside with a
    warning that names it, its submission is graded again, and every grade ends as it was."""
    from grader.records.store import record_key

    out = _copy_out(graded_class, tmp_path)
    before = _rows(out)
    paths = {student: out / "records" / f"{record_key(student, ASSIGNMENT)}.json" for student in ("ada", "ben", "cy")}
    paths["ada"].write_text(paths["ada"].read_text()[:40])
    ben = json.loads(paths["ben"].read_text())
    paths["ben"].write_text(json.dumps({**ben, "cells": "all of them"}))
    cy = json.loads(paths["cy"].read_text())
    paths["cy"].write_text(json.dumps({**cy, "score": 1e300}))
    completed, _ = _cli(graded_class["submissions"], out)
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr
    for path in paths.values():
        assert f"record {path} set aside" in completed.stderr
    assert "3 graded now" in completed.stdout, completed.stdout
    assert len(list((out / "records" / "set-aside").glob("*.json"))) == 3
    fields = ("score", "max_score", "status")
    assert {k: [r[f] for f in fields] for k, r in _rows(out).items()} == {k: [r[f] for f in fields] for k, r in before.items()}


@contextmanager
def _formgrader(out, tmp_path):
    """nbgrader's formgrader served from ``out`` as from a course: yields its base URL."""
    import urllib.request

    port = _free_port()
    log = (tmp_path / "formgrader.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter"), "server", f"--port={port}", "--no-browser", "--allow-root",
         "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
         "--ServerApp.jpserver_extensions={'nbgrader.server_extensions.formgrader': True}",
         f"--ServerApp.root_dir={out}", f"--CourseDirectory.root={out}"],
        cwd=out, env={**_env(), "JUPYTER_CONFIG_DIR": str(tmp_path / "config")},
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(lambda: _answers(f"{base}/api/status", urllib.request), seconds=60)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def _api(method, url, body=None):
    import urllib.request

    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def test_a_manual_grade_given_in_formgrader_reaches_every_report_and_survives_a_regrade(graded_class, tmp_path):
    """ben's test_ewa (3/3 by the grader) is given 1.5 and a comment in formgrader, through its own API:
    the export and grades.csv say 1.5 at once, nbgrader export agrees, and regrading ben (--force, same
    notebook) keeps the instructor's grade."""
    from grader.course import nbgrader_api

    out = _copy_out(graded_class, tmp_path)
    (submission,) = [s for s in nbgrader_api(out).get_notebook_submissions(ASSIGNMENT, ASSIGNMENT)
                     if s["student"] == "ben"]
    with _formgrader(out, tmp_path) as base:
        grades = _api("GET", f"{base}/formgrader/api/grades?submission_id={submission['id']}")
        (grade,) = [g for g in grades if g["name"] == "test_ewa"]
        assert grade["auto_score"] == 3.0
        _api("PUT", f"{base}/formgrader/api/grade/{grade['id']}", {"manual_score": 1.5})
        comments = _api("GET", f"{base}/formgrader/api/comments?submission_id={submission['id']}")
        (comment,) = [c for c in comments if c["name"] == "ewa"]
        _api("PUT", f"{base}/formgrader/api/comment/{comment['id']}", {"manual_comment": "=see me, ben"})

    exported = tmp_path / "export.csv"
    completed = subprocess.run([sys.executable, "-m", "grader", "export", str(out), "--out", str(exported)],
                               capture_output=True, text=True, env=_env(), timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert {row["student_id"]: row[ASSIGNMENT] for row in _read_csv(exported)}["ben"] == "1.5"
    ben = _rows(out)[("ben", ASSIGNMENT)]
    assert ben["score"] == "1.5" and "graded in formgrader: test_ewa 1.5 (the grader gave 3)" in ben["reason"]
    assert ben["comments"] == "ewa: =see me, ben"
    _nbgrader_export_agrees(out, tmp_path)

    completed, _ = _cli(graded_class["submissions"], out, "--student", "ben", "--force")
    assert completed.returncode == 0, completed.stderr
    assert _rows(out)[("ben", ASSIGNMENT)]["score"] == "1.5"
    assert _gradebook_scores(out)[("ben", "test_ewa")] == (3.0, 1.5, 1.5)


def _start(submissions, out):
    return subprocess.Popen([sys.executable, "-m", "grader", "autograde", str(submissions), "--out", str(out),
                             *OPTIONS], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
                            start_new_session=True)


def _wait_for(condition, seconds=240):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def _busy_workers(out, ignore=()):
    """Submissions being graded on ``out``: folders with a private course in a run's working folder."""
    return [p for p in out.glob(".work-*/[0-9]*") if (p / "course").exists() and p.parent not in ignore]


def test_killed_and_interrupted_runs_resume_to_the_grades_of_an_uninterrupted_one(graded_class, tmp_path):
    """The class again, into a fresh folder: SIGKILL once a grade is kept, then Ctrl-C (SIGINT to the
    process group, as a terminal sends it) with both workers busy, then the same command to the end.
    The grades are those of the uninterrupted run, each submission graded once to the end.
    (That skipping the experiment cells changes no score is tests/test_experiment_equality.py's.)"""
    out = tmp_path / "out"
    records = lambda: sorted((out / "records").glob("*.json"))  # noqa: E731
    process = _start(graded_class["submissions"], out)
    _wait_for(lambda: len(records()) >= 2)  # cy's untouched notebook and one graded, at least
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    killed_pid, after_kill = process.pid, len(records())
    time.sleep(1)
    orphans = subprocess.run(["pgrep", "-f", str(out)], capture_output=True, text=True).stdout.split()
    assert orphans == [], "workers of a killed run must not grade on unseen"

    left_by_the_kill = set(out.glob(".work-*"))  # removed by the next run; its workers are not busy
    process = _start(graded_class["submissions"], out)
    _wait_for(lambda: len(_busy_workers(out, ignore=left_by_the_kill)) >= 2)
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    seconds = time.monotonic() - started
    after_interrupt = len(records())
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "grader: stopped by SIGINT" in stderr
    assert not list(out.glob(".work-*"))
    assert not list(Path("/tmp").glob(f"grader-sockets-{killed_pid}-*")), "the killed run's folders are removed"
    assert all(row["status"] != "grader_error" for row in _rows(out).values())
    time.sleep(0.5)
    assert subprocess.run(["pgrep", "-f", str(out)], capture_output=True, text=True).stdout.split() == []

    completed, _ = _cli(graded_class["submissions"], out)
    assert completed.returncode == 0, completed.stderr
    print(f"records after SIGKILL {after_kill}, after Ctrl-C {after_interrupt} (stopped in {seconds:.2f} s "
          f"with 2 jobs busy), after the last run {len(records())}: {completed.stdout.strip()}")
    assert seconds < 10
    assert after_kill < len(CLASS) and len(records()) == len(CLASS)
    fields = ("score", "max_score", "status", "late_penalty")
    assert ({k: [r[f] for f in fields] for k, r in _rows(out).items()}
            == {k: [r[f] for f in fields] for k, r in _rows(graded_class["out"]).items()})


@pytest.mark.parametrize("layout", ["empty", "course_root", "one_student"])
def test_wrong_input_is_refused_with_what_was_expected_and_found(graded_class, tmp_path, capsys, layout):
    target = tmp_path / "given"
    target.mkdir()
    if layout == "course_root":
        (target / "source" / ASSIGNMENT).mkdir(parents=True)
        shutil.copytree(graded_class["submissions"], target / "submitted")
    elif layout == "one_student":
        shutil.copytree(graded_class["submissions"] / "ada", target, dirs_exist_ok=True)
    assert grader_main(["autograde", str(target), "--out", str(tmp_path / "out")]) == 2
    message = capsys.readouterr().err
    print(f"{layout}: {message.strip()}")
    assert message.startswith("grader: ") and message.count("\n") == 1 and "expected" in message
    assert not (tmp_path / "out" / "grades.csv").exists()


def _free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_formgrader_opens_a_graded_submission_from_the_output_folder(graded_class, tmp_path):
    """nbgrader's formgrader, served from the output folder as from a course, shows eve's graded
    notebook with the judge's 0; a screenshot is kept in tests/artifacts/e2e/."""
    from browser import ARTIFACTS, launch_chromium

    from grader.course import nbgrader_api

    (submission,) = [s for s in nbgrader_api(graded_class["out"]).get_notebook_submissions(ASSIGNMENT, ASSIGNMENT)
                     if s["student"] == "eve"]
    with _formgrader(graded_class["out"], tmp_path) as base, launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(f"{base}/formgrader/submissions/{submission['id']}/?index=0")
        page.wait_for_selector("text=test_ewa", timeout=30_000)
        text = page.inner_text("body")
        page.get_by_text("test_ewa").first.scroll_into_view_if_needed()  # the graded cell and its score box
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "formgrader_submission.png"), full_page=False)
    assert "eve" in text or "Submission" in text
    assert "test_ewa" in text and "def ewa" in text


def _answers(url, request):
    try:
        with request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def test_new_gradebooks_get_the_schema_revision_alembic_itself_reports():
    """grader.course reads the revision nbgrader stamps on a new gradebook in-process; it must be
    what nbgrader's own way (``alembic heads`` in a subprocess) gives."""
    from nbgrader.dbutil import _temp_alembic_ini

    from grader.course import _alembic_head

    with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:
        output = subprocess.check_output([str(Path(sys.executable).parent / "alembic"), "-c", ini, "heads"], env=_env())
    assert _alembic_head() == output.decode().split("\n")[0].split(" ")[0]

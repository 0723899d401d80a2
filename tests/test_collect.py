"""collect: which submissions a folder (or one notebook) holds, in nbgrader's submitted/ and
inbound/ layouts, and a clear WrongInput for anything else. File system only: no grading runs."""

import atexit
import datetime
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from grader.intake.collect import collect
from grader.intake.identity import Owners
from grader.intake.snapshots import Snapshots
from grader.intake.submission import WrongInput
from grader.status import STATUSES

GD, EWA = "01_gd", "02_ewa"
KNOWN = {GD, EWA}
# nbgrader's default timestamp_format, "%Y-%m-%d %H:%M:%S.%f %Z", in UTC.
T1, T2, T3 = "2024-03-01 09:00:00.000001 UTC", "2024-03-01 10:00:00.5 UTC", "2024-03-02 08:00:00 UTC"


ANYONE = Owners("any")  # these tests make every entry as one user; identity checks: tests/test_hardening.py
SNAPSHOTS = Path(tempfile.mkdtemp(prefix="collect-snapshots-"))
atexit.register(shutil.rmtree, SNAPSHOTS, ignore_errors=True)


def gather(path, known=KNOWN, owners=ANYONE, roster=None):
    """collect, with the notebooks it reads copied outside the folder it reads."""
    return collect(path, known, Snapshots(tempfile.mkdtemp(dir=SNAPSHOTS)), owners=owners, roster=roster)


def notebook(folder, name, content=b'{"cells": []}'):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return folder / name


def submitted(root, student, assignment, timestamp=None):
    folder = root / student / assignment
    path = notebook(folder, f"{assignment}.ipynb")
    if timestamp is not None:
        (folder / "timestamp.txt").write_text(timestamp)
    return path


def inbound(root, student, assignment, timestamp, random="Qm9vGhIgd_-x"):
    """A folder as nbgrader submit names it, with the timestamp.txt it writes."""
    name = "+".join([student, assignment, timestamp] + ([random] if random else []))
    folder = root / name
    notebook(folder, f"{assignment}.ipynb")
    (folder / "timestamp.txt").write_text(timestamp)
    (folder / "submission_secret.txt").write_text("0" * 128)
    return folder


def rows_by_key(rows):
    keyed = {(row.student, row.assignment): row for row in rows}
    assert len(keyed) == len(rows), "one row per student and assignment"
    return keyed


def wrong_input(path, known=KNOWN):
    with pytest.raises(WrongInput) as raised:
        gather(path, known)
    message = str(raised.value)
    assert "\n" not in message and message.startswith("expected ")
    return message


# --- nbgrader's submitted/ layout


def test_submitted_layout_gives_gradable_rows_with_their_timestamps(tmp_path):
    submitted(tmp_path, "ada", GD, timestamp=f"{T1}\n")
    submitted(tmp_path, "bob", GD)
    submitted(tmp_path, "bob", EWA, timestamp=T2)
    rows = rows_by_key(gather(tmp_path))
    ada, bob_gd, bob_ewa = rows["ada", GD], rows["bob", GD], rows["bob", EWA]
    assert ada.source == str(tmp_path / "ada" / GD / f"{GD}.ipynb") and ada.status == "pending"
    assert ada.notebook.read_bytes() == (tmp_path / "ada" / GD / f"{GD}.ipynb").read_bytes()
    assert SNAPSHOTS in ada.notebook.parents, "graded from the grader's own copy"
    assert ada.timestamp == T1
    assert (bob_gd.timestamp, bob_gd.reason) == (None, "")
    assert bob_ewa.timestamp == T2
    assert rows["ada", EWA].status == "not_submitted" and rows["ada", EWA].notebook is None


def test_submitted_layout_mistakes_keep_their_statuses(tmp_path):
    submitted(tmp_path, "ok", GD)
    (tmp_path / "missing" / GD).mkdir(parents=True)
    notebook(tmp_path / "wrong_name" / GD, "my_work.ipynb")
    notebook(tmp_path / "flat", f"{GD}.ipynb")
    (tmp_path / "unknown" / "99_nonexistent").mkdir(parents=True)
    (tmp_path / "link" / GD).mkdir(parents=True)
    (tmp_path / "link" / GD / f"{GD}.ipynb").symlink_to(tmp_path / "ok" / GD / f"{GD}.ipynb")
    submitted(tmp_path, "eve\n", GD)
    (tmp_path / "stray.csv").write_text("a,b\n")
    (tmp_path / "linked_student").symlink_to(tmp_path / "ok")
    rows = rows_by_key(gather(tmp_path))
    assert rows["missing", GD].status == "missing" and "is missing" in rows["missing", GD].reason
    assert rows["wrong_name", GD].status == "wrong_file_name" and "found my_work.ipynb" in rows["wrong_name", GD].reason
    assert rows["flat", GD].status == "wrong_layout" and f"expected flat/{GD}/{GD}.ipynb" in rows["flat", GD].reason
    assert rows["unknown", "99_nonexistent"].status == "unknown_assignment"
    assert rows["unknown", GD].status == "not_submitted"
    assert rows["link", GD].status == "invalid" and "symbolic link" in rows["link", GD].reason
    assert rows["eve\\n", ""].status == "invalid_student_id"
    assert rows["stray", ""].status == "wrong_layout" and rows["linked_student", ""].status == "wrong_layout"
    # The statuses about who may submit, and what the grader may read, are in tests/test_hardening.py.
    elsewhere = {"wrong_owner", "not_on_roster", "unreadable"}
    assert {row.status for row in rows.values()} == set(STATUSES) - elsewhere, "one tree shows every other status"


def test_a_student_named_like_a_course_folder_is_still_a_student(tmp_path):
    submitted(tmp_path, "source", GD)
    submitted(tmp_path, "ada", GD)
    assert {row.student for row in gather(tmp_path) if row.notebook} == {"source", "ada"}


@pytest.mark.parametrize("content, problem", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"2024-03-01 " + b"9" * 100, "longer than 100 bytes"),
    (b"yesterday, I think", "not a timestamp nbgrader can read"),
    (b"=HYPERLINK(1)", "not a timestamp nbgrader can read"),
    (b"2024-03-01 10:00:00 ../../etc/passwd", "not a timestamp nbgrader can read"),
    (b"\xff\xfe2\x000\x00", "not UTF-8"),
])
def test_an_unreadable_timestamp_is_dropped_with_a_note_and_the_submission_kept(tmp_path, content, problem):
    path = submitted(tmp_path, "ada", GD)
    (path.parent / "timestamp.txt").write_bytes(content)
    (row,) = gather(tmp_path)
    assert (row.status, row.source, row.timestamp) == ("pending", str(path), None)
    assert row.note.startswith("timestamp.txt ignored") and problem in row.note and row.reason == row.note


@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder"])
def test_a_timestamp_that_is_no_regular_file_is_never_read(tmp_path, kind):
    path = submitted(tmp_path, "ada", GD)
    target = path.parent / "timestamp.txt"
    if kind == "symlink":
        secret = tmp_path / "secret.txt"
        secret.write_text(T1)
        target.symlink_to(secret)
    elif kind == "fifo":
        os.mkfifo(target)  # reading it would wait forever for a writer
    else:
        target.mkdir()
    (row,) = [r for r in gather(tmp_path) if r.student == "ada"]
    assert row.status == "pending" and row.timestamp is None and "timestamp.txt ignored" in row.note


# --- nbgrader's exchange inbound/ layout


def test_inbound_keeps_each_students_latest_submission_by_nbgraders_reading_of_time(tmp_path):
    inbound(tmp_path, "ada", GD, T1)
    latest = inbound(tmp_path, "ada", GD, "2024-03-01 12:00:00.5 CET")  # 11:00 UTC: later than T2
    inbound(tmp_path, "ada", GD, T2, random=None)  # add_random_string off
    inbound(tmp_path, "bob", EWA, T3)
    rows = rows_by_key(gather(tmp_path))
    ada = rows["ada", GD]
    assert ada.source == str(latest / f"{GD}.ipynb") and ada.status == "pending"
    assert ada.timestamp == "2024-03-01 11:00:00.500000 UTC", "the time in the entry's name, in UTC"
    assert ada.note == "latest of 3 submissions" and "latest of 3 submissions" in ada.reason
    assert rows["bob", EWA].timestamp == "2024-03-02 08:00:00.000000 UTC" and rows["bob", EWA].note == ""
    assert rows["ada", EWA].status == rows["bob", GD].status == "not_submitted"
    assert len(rows) == 4, "superseded submissions are not rows"


def test_inbound_latest_counts_even_when_it_is_broken(tmp_path):
    inbound(tmp_path, "ada", GD, T1)
    broken = inbound(tmp_path, "ada", GD, T2)
    (broken / f"{GD}.ipynb").unlink()
    (row,) = gather(tmp_path)
    assert row.status == "missing" and row.reason == f"{GD}.ipynb is missing; latest of 2 submissions"


def test_inbound_reads_student_ids_with_a_plus_as_nbgrader_does_and_better(tmp_path):
    with_random = inbound(tmp_path, "ada+1", GD, T1)
    without_random = inbound(tmp_path, "bob+2", GD, T1, random=None)  # nbgrader collect misreads this one
    rows = rows_by_key(gather(tmp_path))
    assert rows["ada+1", GD].source == str(with_random / f"{GD}.ipynb")
    assert rows["bob+2", GD].source == str(without_random / f"{GD}.ipynb")


def test_inbound_names_read_as_nbgrader_collect_reads_them(tmp_path):
    from nbgrader.exchange.default.collect import ExchangeCollect

    from grader.intake.inbound import _inbound_reading

    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    for name in (f"ada+{GD}+{now}+Qm9vGhIgd_-x", f"ada+{GD}+{now}", f"a+b+{GD}+{now}+Qm9vGhIgd_-x",
                 f"ada+{EWA}+{T3}+AAAA-___BBB", f"ada+99_other+{T1}+Qm9vGhIgd_-x"):
        record = ExchangeCollect._path_to_record(None, str(tmp_path / name))
        mine = _inbound_reading(name, KNOWN)
        assert (mine.student, mine.time) == (record["username"], record["timestamp"]), name


def test_inbound_mistakes_are_rows_and_never_stop_the_run(tmp_path):
    inbound(tmp_path, "ada", GD, T1)
    inbound(tmp_path, "ada", "99_other", T1)
    inbound(tmp_path, "eve\n", GD, T1)
    submitted(tmp_path, "mallory", GD)  # a submitted/-style student folder in inbound/
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "ada+01_gd+not a time+Qm9vGhIgd_-x").mkdir()
    (tmp_path / f"bob+{GD}+{T1}+Qm9vGhIgd_-x").symlink_to(tmp_path / "mallory" / GD)
    rows = rows_by_key(gather(tmp_path))
    assert rows["ada", GD].status == "pending"
    assert rows["ada", "99_other"].status == "unknown_assignment"
    assert rows["eve\\n", GD].status == "invalid_student_id"
    for name in ("mallory", "notes.txt", "ada+01_gd+not a time+Qm9vGhIgd_-x"):
        assert rows[name, ""].status == "wrong_layout" and "expected INBOUND/<student>+" in rows[name, ""].reason
    assert rows["bob", GD].status == "wrong_layout" and "symbolic" in rows["bob", GD].reason


def test_an_inbound_timestamp_file_is_never_read_the_entrys_name_says_when(tmp_path):
    folder = inbound(tmp_path, "ada", GD, T1)
    (folder / "timestamp.txt").write_text("2020-01-01 00:00:00 UTC")  # the student wrote this one
    (row,) = gather(tmp_path)
    assert row.status == "pending" and row.timestamp == "2024-03-01 09:00:00.000001 UTC" and row.note == ""


# --- One notebook


def test_one_notebook_in_the_submitted_layout_takes_student_and_timestamp_from_its_path(tmp_path):
    path = submitted(tmp_path, "ada", GD, timestamp=T1)
    (row,) = gather(path)
    assert (row.student, row.assignment, row.source, row.timestamp) == ("ada", GD, str(path), T1)
    assert row.note == f"graded as student 'ada', from ada/{GD}/{GD}.ipynb"


def test_one_notebook_in_an_inbound_folder_takes_its_student_from_the_folder(tmp_path):
    folder = inbound(tmp_path, "ada", GD, T2)
    (row,) = gather(folder / f"{GD}.ipynb")
    assert (row.student, row.timestamp) == ("ada", "2024-03-01 10:00:00.500000 UTC") and "inbound folder" in row.note


def test_a_loose_notebook_is_graded_as_student_and_says_so(tmp_path, monkeypatch):
    notebook(tmp_path / "Downloads", f"{EWA}.ipynb")
    (tmp_path / "Downloads" / "timestamp.txt").write_text(T1)  # not a submission folder: not read
    monkeypatch.chdir(tmp_path / "Downloads")
    (row,) = gather(f"{EWA}.ipynb")
    assert (row.student, row.assignment, row.status, row.timestamp) == ("student", EWA, "pending", None)
    assert row.source == str(tmp_path / "Downloads" / f"{EWA}.ipynb")
    assert "graded as student 'student'" in row.reason


@pytest.mark.parametrize("folder", ["=1+2", "source", "release"])
def test_one_notebook_in_a_hostile_or_course_folder_is_graded_as_student(tmp_path, folder):
    path = submitted(tmp_path, folder, GD, timestamp=T1)
    (row,) = gather(path)
    assert (row.student, row.status, row.timestamp) == ("student", "pending", None)


def test_one_notebook_that_is_a_symlink_is_refused(tmp_path):
    answers = notebook(tmp_path / "answers", "key.ipynb")
    (tmp_path / f"{GD}.ipynb").symlink_to(answers)
    (row,) = gather(tmp_path / f"{GD}.ipynb")
    assert row.status == "invalid" and row.notebook is None and "symbolic link" in row.reason


# --- Wrong input: a clear error naming what was expected and what was found


def test_an_empty_folder_is_wrong_input(tmp_path):
    (tmp_path / ".DS_Store").write_text("")
    message = wrong_input(tmp_path)
    assert "a submitted/ folder" in message and "an exchange inbound/ folder" in message
    assert f"found an empty folder: {tmp_path}" in message


def test_a_course_folder_is_wrong_input_that_names_its_submitted_folder(tmp_path):
    notebook(tmp_path / "source" / GD, f"{GD}.ipynb")
    notebook(tmp_path / "release" / GD, f"{GD}.ipynb")
    submitted(tmp_path / "submitted", "ada", GD)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    message = wrong_input(tmp_path)
    assert "found an nbgrader course folder" in message
    assert "nbgrader_config.py, release/, source/, submitted/" in message
    assert f"pass {tmp_path}/submitted (SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb)" in message


def test_a_course_folder_with_only_its_source_is_wrong_input(tmp_path):
    notebook(tmp_path / "source" / GD, f"{GD}.ipynb")
    assert "found an nbgrader course folder" in wrong_input(tmp_path)


def test_an_exchange_course_folder_is_wrong_input_that_names_its_inbound_folder(tmp_path):
    inbound(tmp_path / "inbound", "ada", GD, T1)
    notebook(tmp_path / "outbound" / GD, f"{GD}.ipynb")
    (tmp_path / "feedback").mkdir()
    message = wrong_input(tmp_path)
    assert "found an nbgrader exchange course folder" in message and f"pass {tmp_path}/inbound" in message


def test_one_students_folder_is_wrong_input(tmp_path):
    submitted(tmp_path, "ada", GD)
    submitted(tmp_path, "ada", EWA)
    notebook(tmp_path / "ada", "scratch.ipynb")
    message = wrong_input(tmp_path / "ada")
    assert "expected a folder of student folders (SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb)" in message
    assert f"found one student's folder ({tmp_path}/ada holds 01_gd/, 02_ewa/, scratch.ipynb)" in message
    assert f"pass the folder that holds it, {tmp_path}," in message


@pytest.mark.parametrize("layout", ["submitted", "inbound"])
def test_one_submissions_folder_is_wrong_input_that_names_its_notebook(tmp_path, layout):
    folder = submitted(tmp_path, "ada", GD, T1).parent if layout == "submitted" else inbound(tmp_path, "ada", GD, T1)
    message = wrong_input(folder)
    assert f"found one submission's folder ({folder} holds {GD}.ipynb)" in message
    assert f"pass the folder that holds every submission, {tmp_path}," in message
    assert f"the notebook {folder}/{GD}.ipynb to grade it alone" in message


def test_a_folder_with_nothing_like_a_submission_is_wrong_input(tmp_path):
    (tmp_path / "slides.pdf").write_text("%PDF")
    (tmp_path / "ada").mkdir()
    (tmp_path / "bob" / "lab9").mkdir(parents=True)
    message = wrong_input(tmp_path)
    assert "expected SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb or INBOUND/" in message
    assert f"for one of the assignments (01_gd, 02_ewa), found nothing like it in {tmp_path}" in message
    assert "(it holds ada/, bob/, slides.pdf)" in message


def test_a_file_that_is_no_notebook_is_wrong_input(tmp_path):
    (tmp_path / "grades.zip").write_bytes(b"PK")
    assert f"found the file {tmp_path}/grades.zip" in wrong_input(tmp_path / "grades.zip")


def test_a_notebook_of_an_unknown_assignment_is_wrong_input(tmp_path):
    path = notebook(tmp_path / "ada" / "lab9", "lab9.ipynb")
    message = wrong_input(path)
    assert "expected a notebook named after an assignment (01_gd.ipynb, 02_ewa.ipynb)" in message
    assert f"found {path}" in message


def test_a_path_that_does_not_exist_is_wrong_input(tmp_path):
    assert "(it does not exist)" in wrong_input(tmp_path / "nowhere")


def test_a_hostile_folder_name_stays_on_one_line(tmp_path):
    folder = tmp_path / "evil\nname"
    folder.mkdir()
    assert "evil\\nname" in wrong_input(folder)

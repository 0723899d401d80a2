"""The grader against a corpus of real submissions: right, wrong, broken, slow, hostile.

One autograde run over the whole corpus (module fixture), then one test per
question an instructor would ask of it.
"""

import csv
import hashlib
import html
import http.server
import os
import re
import threading
import time
from pathlib import Path

import nbformat
import pytest

from grader.cli import main as grader_main
from grader.grading.judge import mistake_sentence
from grader.handout.release import release
from grader.run.autograde import autograde, Settings
from grader_corpus import ASSIGNMENT, build, with_answers


# Generous limits: CI machines are slow and other tests run beside these. The cell time-out leaves the
# setup cell (imports, under load) room; the deadline is never reached by any case. The judge waits as
# long as a cell for an exercise that hangs (its default, 30 s, cost the cases that hang half a minute each).
SETTINGS = Settings(jobs=2, timeout=180, cell_timeout=8, judge_timeout=8, memory_mb=1024, progress=False)


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"[]")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def answer_server():
    """A server on the grading machine's loopback; no submission may reach it."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _RecordingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/answer", _RecordingHandler.requests
    server.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, answer_server):
    url, _ = answer_server
    (released_path,) = release(tmp_path_factory.mktemp("release"), [ASSIGNMENT])
    released = nbformat.read(released_path, as_version=4)
    submissions = tmp_path_factory.mktemp("submissions")
    cases = {}
    for student, (case, content) in build(released, url).items():
        folder = submissions / student / ASSIGNMENT
        folder.mkdir(parents=True)
        target = folder / f"{ASSIGNMENT}.ipynb"
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            nbformat.write(content, target)
        cases[student] = case
    _add_layout_mistakes(submissions, released_path)
    before = _fingerprint(submissions)
    out = tmp_path_factory.mktemp("grades")
    started = time.time()
    rows = autograde(submissions, out, SETTINGS).rows
    return {"cases": cases, "rows": {row["student_id"]: row for row in rows}, "out": out,
            "submissions": submissions, "before": before, "started": started}


def _add_layout_mistakes(submissions, released_path):
    (submissions / "missing" / ASSIGNMENT).mkdir(parents=True)
    (submissions / "wrong_name" / ASSIGNMENT).mkdir(parents=True)
    (submissions / "wrong_name" / ASSIGNMENT / "my_work.ipynb").write_bytes(released_path.read_bytes())
    (submissions / "flat").mkdir()
    (submissions / "flat" / f"{ASSIGNMENT}.ipynb").write_bytes(released_path.read_bytes())
    (submissions / "unknown" / "99_nonexistent").mkdir(parents=True)
    (submissions / "symlink" / ASSIGNMENT).mkdir(parents=True)
    answers = Path(__file__).resolve().parent.parent / "notebooks" / f"{ASSIGNMENT}.ipynb"
    (submissions / "symlink" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").symlink_to(answers)
    for hostile_id in HOSTILE_IDS:
        (submissions / hostile_id / ASSIGNMENT).mkdir(parents=True)
        (submissions / hostile_id / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_bytes(released_path.read_bytes())
    (submissions / "formula_folder" / "=1+2").mkdir(parents=True)


# Folder names a student could choose: a trailing newline, formulas, a bare CR that splits CSV rows.
HOSTILE_IDS = ["eve\n", '=HYPERLINK("evil.example","x")', "-rf", "bob\rmallory,4,4,graded", "@SUM(A1)"]


def _fingerprint(folder):
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def _read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


CASE_NAMES = [
    "correct", "partial", "all_wrong", "untouched", "infinite_loop", "sleeps", "memory_hog", "kernel_death",
    "ignores_interrupts", "tests_edited", "test_deleted", "test_duplicated", "grade_id_changed",
    "cells_reordered", "extra_cell_patches_checks", "answer_cell_deleted", "corrupt_json", "empty_file",
    "nbformat_3", "not_a_notebook", "cheat_hide_errors", "cheat_patch_asserts", "cheat_always_equal",
    "cheat_read_answers", "cheat_network",
    "deep_nesting", "cells_not_cells", "minor_as_text", "utf16", "utf8_bom", "lone_surrogate",
    "fills_disk", "bloats_outputs", "forges_reason", "spies_on_hidden_tests", "absurd_values", "fork_bomb",
    "syntax_error", "script_in_outputs",
]


@pytest.mark.parametrize("student", CASE_NAMES)
def test_submission_gets_its_expected_score_status_and_reason(corpus, student):
    case, row = corpus["cases"][student], corpus["rows"][student]
    assert (float(row["score"]), row["status"]) == (case.score, case.status), row["reason"]
    assert row["max_score"] == "4"
    assert case.reason in row["reason"], row["reason"]


def test_every_corpus_case_is_checked(corpus):
    assert sorted(corpus["cases"]) == sorted(CASE_NAMES)


def test_a_submission_past_its_deadline_is_stopped_and_scores_zero(tmp_path):
    """A cell that sleeps for minutes, a cell time-out longer than the deadline: the deadline must stop it."""
    (released_path,) = release(tmp_path / "release", [ASSIGNMENT])
    slow = with_answers(nbformat.read(released_path, as_version=4),
                        {"ewa": "import time\ntime.sleep(600)", "effective_window": ""})
    folder = tmp_path / "submissions" / "slow" / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(slow, folder / f"{ASSIGNMENT}.ipynb")
    started = time.monotonic()
    (row,) = autograde(tmp_path / "submissions", tmp_path / "out",
                       Settings(jobs=1, timeout=15, cell_timeout=600, progress=False)).rows
    assert (row["status"], row["score"]) == ("timeout", "0"), row["reason"]
    assert "did not finish within 15 s" in row["reason"]
    assert time.monotonic() - started < 120


@pytest.mark.parametrize("student", [name for name in CASE_NAMES if name.startswith("cheat_hide")
                                     or name.startswith("cheat_patch")])
def test_judge_catches_what_nbgrader_alone_would_have_paid(corpus, student):
    cells = [r for r in _read_csv(corpus["out"] / "grades_by_cell.csv") if r["student_id"] == student]
    assert any(float(r["nbgrader_score"]) > 0 for r in cells), "the cheat no longer fools nbgrader; update the corpus"
    assert all(float(r["score"]) == 0 for r in cells)


@pytest.mark.parametrize("student, status, reason", [
    ("missing", "missing", "is missing"),
    ("wrong_name", "wrong_file_name", "found my_work.ipynb"),
    ("flat", "wrong_layout", f"expected flat/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"),
    ("symlink", "invalid", "symbolic link"),
])
def test_layout_mistakes_are_explained(corpus, student, status, reason):
    row = corpus["rows"][student]
    assert (row["status"], row["score"]) == (status, "0") and reason in row["reason"]


def test_unknown_assignment_folder_is_reported(corpus):
    rows = [r for r in _read_csv(corpus["out"] / "grades.csv") if r["student_id"] == "unknown"]
    assert {r["status"] for r in rows} == {"unknown_assignment", "not_submitted"}


def test_no_submission_reached_the_network(corpus, answer_server):
    _, requests = answer_server
    assert requests == []


def test_submitted_files_are_never_modified(corpus):
    assert _fingerprint(corpus["submissions"]) == corpus["before"]


def test_grades_by_cell_add_up_to_grades(corpus):
    cells = _read_csv(corpus["out"] / "grades_by_cell.csv")
    for row in _read_csv(corpus["out"] / "grades.csv"):
        if row["assignment"] == ASSIGNMENT:
            mine = [c for c in cells if c["student_id"] == row["student_id"] and c["assignment"] == ASSIGNMENT]
            assert sorted(c["grade_id"] for c in mine) == ["test_effective_window", "test_ewa"]
            assert sum(float(c["score"]) for c in mine) == float(row["score"])


def test_gradebook_holds_the_final_scores(corpus):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{corpus['out'] / 'gradebook.db'}") as gb:
        for student in ("correct", "partial", "cheat_patch_asserts"):
            submission = gb.find_submission(ASSIGNMENT, student)
            assert submission.score == corpus["cases"][student].score
        # A file nbgrader never graded has no submission, so `nbgrader export` gives it 0, as grades.csv does.
        assert "corrupt_json" in {student.id for student in gb.students}
        assert "corrupt_json" not in {s.student.id for s in gb.assignment_submissions(ASSIGNMENT)}


def test_feedback_shows_the_score_and_no_hidden_test_code(corpus):
    for student in ("correct", "partial", "all_wrong"):
        html = (corpus["out"] / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "_expected" not in html and "_rng" not in html
        assert f"(Score: {corpus['cases'][student].score:.1f} / 4.0)" in html
        assert "Fontconfig" not in html and "most recent call last" not in html


def test_a_feedback_page_holds_no_script_the_student_wrote(corpus):
    page = (corpus["out"] / "feedback" / "script_in_outputs" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "__pwned" in page, "the case's outputs no longer reach the page; update the corpus"
    assert not re.search(r"<script[^>]*>[^<]*__pwned", page)
    assert not re.search(r"<[^>]+\son\w+\s*=", page) and "href=\"javascript:" not in page
    assert 'http-equiv="Content-Security-Policy"' in page


@pytest.mark.e2e
def test_a_hostile_feedback_page_runs_nothing_in_the_browser(corpus):
    from browser import launch_chromium

    page_path = corpus["out"] / "feedback" / "script_in_outputs" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    with launch_chromium() as browser:
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(page_path.as_uri())
        page.wait_for_timeout(500)
        assert page.evaluate("window.__pwned") is None and not dialogs
        assert page.evaluate("Array.from(document.images).every(i => !i.src.startsWith('data:') || i.naturalWidth > 0)")


@pytest.mark.e2e
def test_instructor_sees_the_score_in_the_feedback_page_and_no_hidden_tests(corpus):
    from browser import ARTIFACTS, launch_chromium

    page_path = corpus["out"] / "feedback" / "partial" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(page_path.as_uri())
        text = page.inner_text("body")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "feedback_partial.png"), full_page=True)
    assert "(Score: 3.0 / 4.0)" in text
    assert "effective_window returned 1/β" in text  # the named mistake reaches the student
    assert "HIDDEN TESTS" not in text and "_rng" not in text and "_expected" not in text


def test_cli_grades_with_relative_paths_and_exits_zero(corpus, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "subs" / "ada" / ASSIGNMENT
    folder.mkdir(parents=True)
    correct = corpus["submissions"] / "correct" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    (folder / f"{ASSIGNMENT}.ipynb").write_bytes(correct.read_bytes())
    monkeypatch.chdir(tmp_path)
    assert grader_main(["autograde", "subs", "--out", "out", "--jobs", "1"]) == 0
    assert "1 submissions (1 graded)" in capsys.readouterr().out
    (row,) = _read_csv(tmp_path / "out" / "grades.csv")
    assert (row["student_id"], row["score"], row["status"]) == ("ada", "4", "graded")


def test_cli_says_plainly_when_the_submissions_folder_is_missing(tmp_path, capsys):
    assert grader_main(["autograde", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    assert "does not exist" in capsys.readouterr().err


# --- Issue 11: what a hostile submission must not do to the run, the reports or their readers.


def _raw_lines(path):
    return Path(path).read_bytes().split(b"\n")


@pytest.mark.parametrize("name", ["grades.csv", "grades_by_cell.csv"])
def test_reports_read_cleanly_and_hold_no_formula_or_bare_cr(corpus, name):
    path = corpus["out"] / name
    assert b"\r" not in path.read_bytes()
    rows = _read_csv(path)
    assert rows and all(len(line) < 2000 for line in _raw_lines(path))
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t")), row
            assert len(value) <= 300, row


def test_hostile_student_ids_get_one_clean_row_each_and_stay_out_of_the_gradebook(corpus):
    from nbgrader.api import Gradebook

    rows = _read_csv(corpus["out"] / "grades.csv")
    invalid = [r for r in rows if r["status"] == "invalid_student_id"]
    assert len(invalid) == len(HOSTILE_IDS)
    assert {r["student_id"] for r in invalid} == {"eve\\n", "'=HYPERLINK(\"evil.example\",\"x\")", "'-rf",
                                                 "bob\\rmallory,4,4,graded", "'@SUM(A1)"}
    with Gradebook(f"sqlite:///{corpus['out'] / 'gradebook.db'}") as gb:
        students = {student.id for student in gb.students}
    assert students and all(re.fullmatch(r"[A-Za-z0-9_.@+-]+", student) for student in students)
    assert "correct" in students
    report = (corpus["out"] / "report.html").read_text()  # the class report counts them, names none of them
    assert f"invalid_student_id: {len(HOSTILE_IDS)}" in report and "mallory" not in report and "HYPERLINK" not in report


def test_a_formula_named_assignment_folder_is_reported_harmlessly(corpus):
    rows = [r for r in _read_csv(corpus["out"] / "grades.csv") if r["student_id"] == "formula_folder"]
    assert {r["assignment"] for r in rows if r["status"] == "unknown_assignment"} == {"'=1+2"}


def test_no_report_repeats_a_reason_the_student_wrote(corpus):
    text = (corpus["out"] / "grades.csv").read_text() + (corpus["out"] / "grades_by_cell.csv").read_text()
    assert "HYPERLINK(\"http://evil\")" not in text and "zzzzzzzzzz" not in text
    assert "kernel died" not in corpus["rows"]["forges_reason"]["reason"]


def test_outputs_are_capped_in_the_kept_notebook_and_feedback(corpus):
    notebook = corpus["out"] / "autograded" / "bloats_outputs" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    feedback = corpus["out"] / "feedback" / "bloats_outputs" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    assert notebook.stat().st_size < 12_000_000 and feedback.stat().st_size < 16_000_000
    for text in (notebook.read_text(), feedback.read_text()):
        assert "more than the grader's limit of 1 MB for one output" in text
        assert "this notebook's outputs reached the grader's limit of 10 MB" in text


def test_a_submission_that_fills_its_folders_wrote_no_more_than_their_caps(corpus):
    """The case prints how many MB it managed to write into the kernel's socket folder and its /tmp."""
    notebook = nbformat.read(corpus["out"] / "autograded" / "fills_disk" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in notebook.cells for o in c.get("outputs", []))
    socket_mb, tmp_mb = map(int, re.search(r"MB written: (\d+) (\d+)", printed).groups())
    assert socket_mb <= 16 and tmp_mb <= 256, printed


def test_no_feedback_page_holds_a_line_of_hidden_test_source(corpus):
    hidden = set()
    source = nbformat.read(Path(__file__).resolve().parent.parent / "notebooks" / f"{ASSIGNMENT}.ipynb", as_version=4)
    for cell in source.cells:
        if "BEGIN HIDDEN TESTS" in cell.source:
            region = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            hidden |= {line.strip() for line in region.splitlines() if len(line.strip()) > 12}
    assert hidden
    pages = list((corpus["out"] / "feedback").rglob("*.html"))
    spied = (corpus["out"] / "feedback" / "spies_on_hidden_tests" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "SPIED:" in spied, "the spy case no longer sees the cells it runs; update the corpus"
    for page in pages:
        text = html.unescape(page.read_text())
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{page}: {leaked[:3]}"


def test_the_run_leaves_no_working_folder_behind(corpus):
    assert not list(corpus["out"].glob(".work-*"))
    # This run's socket folders (named after its process, this one: other tests grade beside it).
    assert not list(Path("/tmp").glob(f"grader-sockets-{os.getpid()}-*"))


def test_every_hostile_case_is_graded_or_refused_never_a_grader_error(corpus):
    """The CLI exits 0 only when no row is a grader_error: the whole hostile corpus must get there."""
    assert not [row for row in corpus["rows"].values() if row["status"] == "grader_error"]


def test_each_failed_cell_records_the_mistake_the_judge_reproduced(corpus):
    """grades_by_cell.csv's mistake column (issue 21) and the same sentence under the cell in the feedback page."""
    cells = {(row["student_id"], row["grade_id"]): row for row in _read_csv(corpus["out"] / "grades_by_cell.csv")}
    assert cells[("all_wrong", "test_ewa")]["mistake"] == "registry:swapped_weights"
    assert cells[("all_wrong", "test_effective_window")]["mistake"] == "registry:one_over_beta"
    assert cells[("partial", "test_effective_window")]["mistake"] == "registry:one_over_beta"
    assert cells[("partial", "test_ewa")]["mistake"] == cells[("correct", "test_ewa")]["mistake"] == ""
    page = (corpus["out"] / "feedback" / "partial" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    note = page[page.index('<div id="mistake-test_effective_window"'):]
    sentence = mistake_sentence("test_effective_window", "registry:one_over_beta")
    assert note.startswith(f'<div id="mistake-test_effective_window" class="alert alert-warning" role="note">'
                           f"The re-check recognised the mistake: {html.escape(sentence, quote=True)}</div>")

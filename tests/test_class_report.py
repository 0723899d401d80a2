"""The class report: planted copies are flagged and independent answers are not; a folder with
missing, edited or garbage files gets a report that names them; hostile ids and answers run
nothing in chromium. Built from tests/class_fixtures.py, without grading."""

import csv
import html
import shutil

import pytest

from browser import ARTIFACTS, launch_chromium
from class_fixtures import (append_csv, ASSIGNMENT, EWA_ASSIGNMENT, ewa_class, momentum_class, template_answers,
                            write_class)
from grader.class_report.build import class_report, report_after_grading
from grader.class_report.page import CSP
from grader.class_report.similarity import answer_tokens, class_pairs, FLOOR
from grader.cli import main as grader_main
from grader.grading.judge import mistake_sentence
from grader.records.report import GRADE_COLUMNS

HOSTILE_ANSWER = 'def initialize_velocity(parameters):\n    s = "</pre><script>alert(1)</script><img src=x onerror=alert(2)>"\n' \
                 '    t = "\\"><svg onload=alert(3)>javascript:alert(4)"\n    return {"d" + k: 0 * p for k, p in parameters.items()}\n'


def _flagged(pairs):
    return {(p.student_a, p.student_b) for p in pairs if p.flagged}


def test_planted_copies_are_flagged_and_independently_written_answers_are_not():
    pairs = class_pairs(momentum_class(), template_answers())
    assert _flagged(pairs) == {("copier_of_dana", "dana"), ("copier_of_ref", "ref")}
    independent = [p for p in pairs if "copier" not in p.student_a + p.student_b]
    assert max(p.similarity for p in independent) < FLOOR / 2


def test_short_exercises_with_few_forms_flag_only_the_copy():
    pairs = class_pairs(ewa_class(), template_answers(EWA_ASSIGNMENT))
    assert _flagged(pairs) == {("appender", "copier")}
    assert max(p.similarity for p in pairs if "copier" not in (p.student_a, p.student_b)) < FLOOR


def test_renamed_reordered_recommented_code_normalises_to_the_same_tokens():
    answers = ewa_class()
    assert answer_tokens(answers["appender"]["ewa"]) == answer_tokens(answers["copier"]["ewa"])
    assert answer_tokens("def f(:\n  x = 1") == ["def", "V", "(", ":", "V", "=", "1"]  # unparsable: as written


def test_report_counts_mistakes_links_examples_and_lists_similar_pairs(tmp_path):
    write_class(tmp_path, momentum_class(), mistakes=("registry:stepped_with_velocity", ""))
    assert class_report(tmp_path) == []
    mistakes = list(csv.DictReader(open(tmp_path / "mistakes.csv")))
    assert [(m["mistake"], m["students"], m["share"], m["examples"]) for m in mistakes] == [
        ("registry:stepped_with_velocity", "2", "0.286", "carla ref"),  # every third student fails, in turn
        ("failed, cause not named", "1", "0.143", "dana")]
    flagged = [r for r in csv.DictReader(open(tmp_path / "similarity.csv")) if r["flagged"] == "yes"]
    assert [(r["student_a"], r["student_b"]) for r in flagged] == [("copier_of_ref", "ref"), ("copier_of_dana", "dana")]
    assert flagged[0]["similarity"] == "1.000" > flagged[1]["similarity"]  # a line added to the copy lowers it
    page = (tmp_path / "report.html").read_text()
    assert f'content="{CSP}"' in page and "Similar, not proof" in page and "<script" not in page
    sentence = mistake_sentence("test_update_parameters_with_nesterov", "registry:stepped_with_velocity")
    assert html.escape(sentence) in page and "registry:" not in page  # the registry's sentence, not its id
    assert f'href="./feedback/carla/{ASSIGNMENT}/{ASSIGNMENT}.html"' in page


def test_a_folder_with_missing_edited_and_garbage_files_gets_a_report_that_names_them(tmp_path, capsys):
    write_class(tmp_path, momentum_class())
    (tmp_path / "autograded" / "dana" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text("{not json")
    (tmp_path / "autograded" / "emil" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").unlink()
    (tmp_path / "autograded" / "carla" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_bytes(b"\xff\xfe{}")
    shutil.rmtree(tmp_path / "source")
    (tmp_path / "grades_by_cell.csv").write_text("who,what\nx,y\n")
    row = dict.fromkeys(GRADE_COLUMNS, "")
    append_csv(tmp_path / "grades.csv", GRADE_COLUMNS, [
        {**row, "assignment": ASSIGNMENT, "student_id": "<img src=x onerror=alert(1)>", "score": 1, "max_score": 7},
        {**row, "assignment": ASSIGNMENT, "student_id": "zed", "score": "lots", "max_score": 7},
        {**row, "assignment": "../../etc", "student_id": "zed", "score": 1, "max_score": 7},
        {**row, "assignment": ASSIGNMENT, "student_id": "zoe", "score": 9, "max_score": 7, "status": "graded"},
        {**row, "assignment": ASSIGNMENT, "student_id": "eve <b>", "score": 0, "max_score": 7, "status": "invalid_student_id"}])
    assert grader_main(["report", str(tmp_path)]) == 0
    page = (tmp_path / "report.html").read_text()
    for problem in ("dana/04_momentum/04_momentum.ipynb: not a JSON notebook",
                    "emil/04_momentum/04_momentum.ipynb: No such file or directory",
                    "carla/04_momentum/04_momentum.ipynb: not UTF-8 text",
                    "source/04_momentum/04_momentum.ipynb: No such file or directory",
                    "grades_by_cell.csv: no column assignment, student_id, score, max_score",
                    "&#x27;&lt;img src=x onerror=alert(1)&gt;&#x27; is not a valid id",
                    "score or max_score is not a number", "&#x27;../../etc&#x27; is not a valid name",
                    "score 9 is not between 0 and max_score 7"):
        assert problem in page
    assert "<img" not in page and "9 / 7" not in page and "eve &lt;b&gt;" not in page and "eve <b>" not in page
    assert ("1 rows for no valid student or assignment of the course, collect's verdicts on what it found "
            "(invalid_student_id: 1)") in page
    assert "Traceback" not in capsys.readouterr().err
    assert grader_main(["report", str(tmp_path / "nowhere")]) == 2
    assert grader_main(["report", str(tmp_path), "--out", str(tmp_path / "grades.csv")]) == 2
    assert "must be an .html file" in capsys.readouterr().err and (tmp_path / "grades.csv").read_text().startswith("assignment")


def test_a_report_that_fails_after_grading_is_one_line_and_no_exception(tmp_path, capsys):
    (tmp_path / "report.html").mkdir()  # the page cannot replace a folder
    write_class(tmp_path, momentum_class())
    report_after_grading(tmp_path)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "class report could not be written" in err and "grades are complete" in err


@pytest.fixture()
def hostile_report(tmp_path):
    answers = momentum_class()
    for student in ("dana", "copier_of_dana"):  # flagged, so the hostile answer is shown side by side
        answers[student]["initialize_velocity"] = HOSTILE_ANSWER
    answers["x@y+z"] = answers.pop("emil")  # a valid id with characters that mean something in URLs
    write_class(tmp_path, answers, mistakes=('registry:"><script>alert(5)</script>', "javascript:alert(6)"))
    class_report(tmp_path)
    return tmp_path / "report.html"


def test_hostile_ids_and_answers_run_nothing_in_chromium(hostile_report):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    dialogs, requests = [], []
    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(hostile_report.as_uri())
        page.wait_for_timeout(300)
        active = page.evaluate("document.querySelectorAll('script, img, iframe, object, embed, [onload], [onerror]')"
                               ".length")
        shown = page.inner_text("body")
        link = page.get_attribute(f'a[href*="x%40y%2Bz"]', "href")
        page.screenshot(path=str(ARTIFACTS / "class_report_hostile.png"), full_page=True)
    assert dialogs == [] and active == 0 and requests == [hostile_report.as_uri()]
    assert "<script>alert(1)</script>" in shown and "javascript:alert(6)" in shown  # shown as text, inert
    assert link == f"./feedback/x%40y%2Bz/{ASSIGNMENT}/{ASSIGNMENT}.html"

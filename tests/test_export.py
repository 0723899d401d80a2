"""grader export: grades.csv -> Canvas, Moodle and plain CSV gradebook files (grader/records/export.py).

Each test writes a small grades.csv, runs the ``export`` subcommand through argparse exactly as
``python -m grader`` builds it, and reads the result back with the csv module.
"""

import argparse
import csv

import pytest

from grader.records.export import add_export_command

GRADES_HEADER = ["assignment", "student_id", "score", "max_score", "status", "reason", "seconds_late"]
GRADES = [
    ["01_gradient_descent", "bob", "7.25", "10", "graded", "", "0"],
    ["02_momentum", "bob", "0", "5", "not_submitted", "no submission for this assignment", ""],
    ["01_gradient_descent", "alice", "8", "10", "graded", "", "0"],
    ["02_momentum", "alice", "4.5", "5", "graded", "", "120"],
    ["01_gradient_descent", "Carol.Ng", "0", "10", "timeout", "did not finish within 300 s; no points", ""],
    ["02_momentum", "Carol.Ng", "3", "5", "graded", "", "0"],
    # alice also left a stray copy beside the right folder: the graded one counts.
    ["02_momentum", "alice", "0", "5", "wrong_layout", "02_momentum.ipynb is directly in the student folder", ""],
    # a folder named like no assignment: max_score 0, not a gradebook column.
    ["homework", "alice", "0", "0", "unknown_assignment", "no assignment called 'homework'", ""],
    # hostile folder names, as grader.report writes them (escaped, behind an apostrophe).
    ["", "'=HYPERLINK(\"http://x\")", "0", "0", "invalid_student_id", "student folder names may use ...", ""],
    ["01_gradient_descent", "eve\\n", "10", "10", "graded", "", ""],
]


def run(argv):
    parser = argparse.ArgumentParser(prog="python -m grader")
    commands = parser.add_subparsers(dest="command", required=True)
    add_export_command(commands)
    args = parser.parse_args(argv)
    return args.run(args)


def write_grades(folder, rows, header=GRADES_HEADER):
    folder.mkdir(exist_ok=True)
    with open(folder / "grades.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    return folder


def export_rows(tmp_path, format_name):
    grades = write_grades(tmp_path / "grades", GRADES)
    out = tmp_path / f"{format_name}.csv"
    assert run(["export", str(grades), "--format", format_name, "--out", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_csv_is_one_row_per_student_with_a_total(tmp_path):
    assert export_rows(tmp_path, "csv") == [
        ["student_id", "01_gradient_descent", "02_momentum", "total"],
        ["alice", "8", "4.5", "12.5"],
        ["bob", "7.25", "0", "7.25"],
        ["Carol.Ng", "0", "3", "3"],
    ]


def test_canvas_matches_by_sis_login_id_with_a_points_possible_row(tmp_path):
    assert export_rows(tmp_path, "canvas") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_gradient_descent", "02_momentum"],
        ["Points Possible", "", "", "", "", "10", "5"],
        ["", "", "", "alice", "", "8", "4.5"],
        ["", "", "", "bob", "", "7.25", "0"],
        ["", "", "", "Carol.Ng", "", "0", "3"],
    ]


def test_moodle_is_username_then_one_column_per_grade_item(tmp_path):
    assert export_rows(tmp_path, "moodle") == [
        ["username", "01_gradient_descent", "02_momentum"],
        ["alice", "8", "4.5"],
        ["bob", "7.25", "0"],
        ["carol.ng", "0", "3"],
    ]


@pytest.mark.parametrize("format_name", ["csv", "canvas", "moodle"])
def test_hostile_ids_are_left_out_and_counted(tmp_path, capsys, format_name):
    rows = export_rows(tmp_path, format_name)
    fields = [value for row in rows for value in row]
    assert not any(value.startswith(("=", "+", "-", "@", "'")) for value in fields)
    assert not any("eve" in value or "HYPERLINK" in value or "homework" in value for value in fields)
    err = capsys.readouterr().err.splitlines()
    assert "grader export: left out 2 rows: student_id is not a login name (hostile or escaped folder name)" in err
    assert "grader export: left out 1 row: not a course assignment (max_score 0)" in err


def test_moodle_hint_names_the_mapping(tmp_path, capsys):
    export_rows(tmp_path, "moodle")
    assert "Map from 'username' to 'username'" in capsys.readouterr().out


def test_a_student_missing_from_one_assignment_gets_an_empty_cell(tmp_path):
    grades = write_grades(tmp_path / "grades", [["01_gradient_descent", "ann", "2", "10", "graded", "", ""],
                                                ["02_momentum", "ben", "5", "5", "graded", "", ""]])
    out = tmp_path / "out.csv"
    assert run(["export", str(grades), "--out", str(out)]) == 0
    with open(out, newline="") as handle:
        assert list(csv.reader(handle))[1:] == [["ann", "2", "", "2"], ["ben", "", "5", "5"]]


def test_numbers_are_plain_decimals_never_a_formula(tmp_path):
    grades = write_grades(tmp_path / "grades", [["01_a", "ann", "-0", "10", "graded", "", ""],
                                                ["02_b", "ann", "2.5e+00", "1e3", "graded", "", ""]])
    out = tmp_path / "out.csv"
    assert run(["export", str(grades), "--format", "canvas", "--out", str(out)]) == 0
    with open(out, newline="") as handle:
        assert list(csv.reader(handle))[1:] == [["Points Possible", "", "", "", "", "10", "1000"],
                                                ["", "", "", "ann", "", "0", "2.5"]]


def expect_error(tmp_path, capsys, argv, words):
    out = tmp_path / "out.csv"
    assert run([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("grader export: "), err
    assert all(word in err for word in words), err
    assert not out.exists() and not (tmp_path / "out.csv.partial").exists()


def test_missing_grades_dir_exits_2(tmp_path, capsys):
    expect_error(tmp_path, capsys, ["export", str(tmp_path / "nowhere")], ["no grades.csv", "autograde"])


def test_grades_dir_without_grades_csv_exits_2(tmp_path, capsys):
    (tmp_path / "grades").mkdir()
    expect_error(tmp_path, capsys, ["export", str(tmp_path / "grades")], ["no grades.csv"])


def test_unknown_format_exits_2(tmp_path, capsys):
    grades = write_grades(tmp_path / "grades", GRADES)
    expect_error(tmp_path, capsys, ["export", str(grades), "--format", "xlsx"], ["unknown format 'xlsx'", "moodle"])


@pytest.mark.parametrize("header, rows, words", [
    (["assignment", "student", "score", "max_score"], [["01_a", "ann", "1", "2"]], ["no column student_id"]),
    (GRADES_HEADER, [["01_a", "ann", "ten", "10", "graded", "", ""]], ["line 2", "score 'ten' is not a number"]),
    (GRADES_HEADER, [["01_a", "ann", "nan", "10", "graded", "", ""]], ["line 2", "not a number of points"]),
    (GRADES_HEADER, [["01_a", "ann", "-1", "10", "graded", "", ""]], ["not a number of points"]),
    (GRADES_HEADER, [["01_a", "ann", "11", "10", "graded", "", ""]], ["above max_score"]),
    (GRADES_HEADER, [["01_a", "ann", "1", "10", "graded", "", ""], ["01_a", "ben", "1", "5", "graded", "", ""]],
     ["line 3", "01_a has max_score 5"]),
])
def test_malformed_grades_csv_exits_2(tmp_path, capsys, header, rows, words):
    grades = write_grades(tmp_path / "grades", rows, header)
    expect_error(tmp_path, capsys, ["export", str(grades), "--format", "canvas"], words)


def test_grades_csv_that_is_not_text_exits_2(tmp_path, capsys):
    (tmp_path / "grades").mkdir()
    (tmp_path / "grades" / "grades.csv").write_bytes(b"\xff\xfe\x00a\x00s\x00s")
    expect_error(tmp_path, capsys, ["export", str(tmp_path / "grades")], ["not UTF-8"])


def test_empty_grades_csv_exits_2(tmp_path, capsys):
    (tmp_path / "grades").mkdir()
    (tmp_path / "grades" / "grades.csv").write_text("")
    expect_error(tmp_path, capsys, ["export", str(tmp_path / "grades")], ["no column assignment"])


def test_ids_that_moodle_would_merge_exit_2(tmp_path, capsys):
    grades = write_grades(tmp_path / "grades", [["01_a", "Ann", "1", "2", "graded", "", ""],
                                                ["01_a", "ann", "2", "2", "graded", "", ""]])
    expect_error(tmp_path, capsys, ["export", str(grades), "--format", "moodle"], ["Ann and ann", "same Moodle username"])


def test_out_never_overwrites_grades_csv(tmp_path, capsys):
    grades = write_grades(tmp_path / "grades", GRADES)
    before = (grades / "grades.csv").read_bytes()
    assert run(["export", str(grades), "--format", "csv", "--out", str(grades / "grades.csv")]) == 2
    assert "is grades.csv itself" in capsys.readouterr().err
    assert (grades / "grades.csv").read_bytes() == before

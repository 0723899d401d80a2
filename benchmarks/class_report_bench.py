"""make bench, the class report: the whole report of a synthetic output folder of 2,400 submissions
(300 students x 8 assignments, no grading), and similarity alone for 300 students of one assignment.

Each student's answer cells are the reference or a correct variant (tests/correct_variants.py), with
its names changed and a line of its own, so no two students hand in the same text.
"""

import argparse
import ast
import random
import sys
import tempfile
import time
from pathlib import Path

from grader.class_report.build import class_report
from grader.class_report.folder import read_folder
from grader.class_report.similarity import class_pairs
from grader.course import assignment_ids, REPO

sys.path.insert(0, str(REPO / "tests"))
from class_fixtures import (ASSIGNMENT, EWA_ASSIGNMENT, ewa_class, momentum_class, reference_answers,  # noqa: E402
                            template_answers, variant_answers, write_class)

GOALS = {"report": 10.0, "similarity": 60.0}  # seconds, issue 24


class _Disguised(ast.NodeTransformer):
    """Locals and parameters renamed with a student's own suffix."""

    def __init__(self, suffix):
        self.suffix = suffix

    def visit_Name(self, node):
        node.id = node.id if node.id in ("np", "math", "copy", "len", "range", "dict", "str") else node.id + self.suffix
        return node


def _student_answers(cells, variants, student, rng):
    """``{grade_id: code}`` for one student: per cell the reference or a variant, names suffixed,
    and one assignment of the student's own before the return."""
    answers = {}
    for grade_id, code in cells.items():
        chosen = rng.choice([code, variants[grade_id]]) if grade_id in variants else code
        try:
            tree = ast.parse(chosen)
        except SyntaxError:
            answers[grade_id] = chosen
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.FunctionDef) else tree.body
        body.insert(0, ast.parse(f"scale = {rng.randint(2, 10**6)} * {rng.random():.6f}").body[0])
        answers[grade_id] = ast.unparse(_Disguised(f"_{student}").visit(tree))
    return answers


def synthetic_class(root, assignments, students, seed=0):
    """Write an output folder at ``root``: ``students`` students for each of ``assignments``."""
    rng = random.Random(seed)
    variants = variant_answers()
    for assignment in assignments:
        cells = reference_answers(assignment)
        answers = {f"s{i:03d}": _student_answers(cells, variants, i, rng) for i in range(students)}
        write_class(root, answers, assignment=assignment)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python benchmarks/class_report_bench.py", description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--assignments", type=int, default=8, help="the first N assignments of the course")
    args = parser.parse_args(argv)
    assignments = assignment_ids()[: args.assignments]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        synthetic_class(root, assignments, args.students)
        print(f"class report: a synthetic folder of {args.students} students x {len(assignments)} assignments "
              f"built in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        loaded = read_folder(root)
        answers = loaded.answers(assignments[0], sorted({r["student_id"] for r in loaded.grades}))
        template = loaded.template(assignments[0])
        pairs = class_pairs(answers, template)
        similarity = time.perf_counter() - started
        started = time.perf_counter()
        problems = class_report(root)
        report = time.perf_counter() - started
        flagged = sum(p.flagged for p in pairs)
        print(f"  similarity, {len(answers)} students of {assignments[0]} ({len(pairs)} pairs, {flagged} flagged): "
              f"{similarity:.1f} s (target < {GOALS['similarity']:g} s: {_met(similarity < GOALS['similarity'])})")
        print(f"  whole report, {len(loaded.grades)} submissions, similarity of every assignment included: "
              f"{report:.1f} s (target < {GOALS['report']:g} s: {_met(report < GOALS['report'])}); {len(problems)} problems")
    _print_calibration()
    return 0


def _met(condition):
    return "met" if condition else "NOT met"


def _print_calibration():
    """The planted copies' similarity against that of the independently written answers, in the
    test classes of tests/class_fixtures.py."""
    for assignment, answers in ((ASSIGNMENT, momentum_class()), (EWA_ASSIGNMENT, ewa_class())):
        pairs = class_pairs(answers, template_answers(assignment))
        copies = [p for p in pairs if "copier" in p.student_a + p.student_b and p.similarity > 0.5]
        independent = [p for p in pairs if "copier" not in p.student_a + p.student_b]
        print(f"  calibration, {assignment}'s test class: planted copies "
              + ", ".join(f"{p.student_a}/{p.student_b} {p.similarity:.2f}{' flagged' * p.flagged}" for p in copies)
              + f"; {len(independent)} independent pairs at most {max(p.similarity for p in independent):.2f}, "
              f"{sum(p.flagged for p in independent)} flagged")

if __name__ == "__main__":
    sys.exit(main())

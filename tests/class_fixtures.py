"""Output folders for the class report, built without grading: the answers of a class of 04_momentum
written in independent ways (the reference, tests/correct_variants.py, and other correct formulas
written here), copies planted with renamed variables, reordered lines and changed comments, and
grades.csv / grades_by_cell.csv rows for them. tests/test_class_report.py and make bench use it."""

import csv
import inspect
import json
import re
import shutil
import textwrap

import correct_variants as variants

from grader.class_report.folder import released_template
from grader.course import max_scores, source_notebook
from grader.records.report import CELL_COLUMNS, GRADE_COLUMNS

ASSIGNMENT = "04_momentum"
EWA_ASSIGNMENT = "02_exponentially_weighted_averages"
_SOLUTION = re.compile(r"[ \t]*### (BEGIN|END) SOLUTION\n?")

COMPREHENSIONS = '''
def initialize_velocity(parameters):
    # one zero array per parameter, named like its gradient
    return {"d" + key: np.zeros_like(value) for key, value in parameters.items()}

def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    velocity = {key: beta * v[key] + (1 - beta) * grad for key, grad in grads.items()}
    stepped = {key: value - learning_rate * velocity["d" + key] for key, value in parameters.items()}
    return stepped, velocity

def update_parameters_with_nesterov(parameters, grads, v, beta, learning_rate):
    velocity = {key: beta * v[key] + (1 - beta) * grad for key, grad in grads.items()}
    ahead = {key: beta * velocity[key] + (1 - beta) * grads[key] for key in grads}
    return {key: value - learning_rate * ahead["d" + key] for key, value in parameters.items()}, velocity
'''

# v <- v + (1 - beta)(g - v): the same average, written as a step towards the gradient.
INCREMENTAL = '''
def initialize_velocity(parameters):
    layers = len(parameters) // 2
    velocity = dict()
    layer = 1
    while layer <= layers:
        velocity[f"dW{layer}"] = 0.0 * parameters[f"W{layer}"]
        velocity[f"db{layer}"] = 0.0 * parameters[f"b{layer}"]
        layer += 1
    return velocity

def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    updated = dict(parameters)
    velocity = dict(v)
    for name in parameters:
        gradient = grads[f"d{name}"]
        velocity[f"d{name}"] = velocity[f"d{name}"] + (1.0 - beta) * (gradient - velocity[f"d{name}"])
        updated[name] = updated[name] - learning_rate * velocity[f"d{name}"]
    return updated, velocity

def update_parameters_with_nesterov(parameters, grads, v, beta, learning_rate):
    updated = dict(parameters)
    velocity = dict(v)
    for name in parameters:
        gradient = grads[f"d{name}"]
        velocity[f"d{name}"] = velocity[f"d{name}"] + (1.0 - beta) * (gradient - velocity[f"d{name}"])
        look = velocity[f"d{name}"] + (1.0 - beta) * (gradient - velocity[f"d{name}"])
        updated[name] = updated[name] - learning_rate * look
    return updated, velocity
'''

# INCREMENTAL copied: names changed, independent lines swapped, comments changed and added, a counter added.
INCREMENTAL_COPIED = '''
def initialize_velocity(parameters):
    """Zeros like each parameter."""
    vel = dict()  # the velocities
    n_layers = len(parameters) // 2
    i = 1
    while i <= n_layers:
        vel[f"db{i}"] = 0.0 * parameters[f"b{i}"]  # bias first
        vel[f"dW{i}"] = 0.0 * parameters[f"W{i}"]
        i += 1
    return vel

def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    # copy, then update
    vel = dict(v)
    new_params = dict(parameters)
    steps = 0
    for p in parameters:
        g = grads[f"d{p}"]
        steps += 1
        vel[f"d{p}"] = vel[f"d{p}"] + (1.0 - beta) * (g - vel[f"d{p}"])
        new_params[p] = new_params[p] - learning_rate * vel[f"d{p}"]  # step
    return new_params, vel

def update_parameters_with_nesterov(parameters, grads, v, beta, learning_rate):
    vel = dict(v)
    new_params = dict(parameters)
    for p in parameters:
        g = grads[f"d{p}"]
        vel[f"d{p}"] = vel[f"d{p}"] + (1.0 - beta) * (g - vel[f"d{p}"])
        peek = vel[f"d{p}"] + (1.0 - beta) * (g - vel[f"d{p}"])
        new_params[p] = new_params[p] - learning_rate * peek
    return new_params, vel
'''

# np.copy and in-place arithmetic on the copies, keys built with %-formatting.
COPIES_IN_PLACE = '''
def initialize_velocity(parameters):
    zeros = {}
    for key in parameters:
        zeros["d%s" % key] = np.zeros(np.shape(parameters[key]))
    return zeros

def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    out_params, out_v = {}, {}
    for key in sorted(parameters):
        vel = np.copy(v["d%s" % key])
        vel *= beta
        vel += (1 - beta) * grads["d%s" % key]
        out_v["d%s" % key] = vel
        out_params[key] = np.copy(parameters[key]) - learning_rate * vel
    return out_params, out_v

def update_parameters_with_nesterov(parameters, grads, v, beta, learning_rate):
    out_params, out_v = {}, {}
    for key in sorted(parameters):
        vel = beta * np.copy(v["d%s" % key]) + (1 - beta) * grads["d%s" % key]
        out_v["d%s" % key] = vel
        out_params[key] = parameters[key] - learning_rate * (beta * vel + (1 - beta) * grads["d%s" % key])
    return out_params, out_v
'''


# 02's two short exercises, written four more ways beside the reference and tests/correct_variants.py:
# few forms exist, so some lines are bound to coincide.
EWA_CLASS = {
    "appender": '''
def ewa(theta, beta):
    averages = []
    v = 0
    for value in theta:
        v = beta * v + (1 - beta) * value
        averages.append(v)
    return np.array(averages)

def effective_window(beta):
    return 1 / (1 - beta)
''',
    "closed_form": '''
def ewa(theta, beta):
    theta = np.asarray(theta, dtype=float)
    t = np.arange(1, len(theta) + 1)
    weights = (1 - beta) * beta ** (t[:, None] - t[None, :])
    return np.tril(weights) @ theta

def effective_window(beta):
    return 1 / (1 - beta)
''',
    "recursive_index": '''
def ewa(theta, beta):
    out = np.zeros(len(theta))
    for i, x in enumerate(theta):
        out[i] = (out[i - 1] if i else 0.0) * beta + x * (1 - beta)
    return out

def effective_window(beta):
    return 1. / (1. - beta)
''',
    # appender's answers copied: names changed, comments added, the two first lines swapped.
    "copier": '''
def ewa(theta, beta):
    """my ewa"""
    avg = 0  # running average
    out = []
    for th in theta:
        avg = beta * avg + (1 - beta) * th  # update
        out.append(avg)
    return np.array(out)

def effective_window(beta):
    # window size
    return 1 / (1 - beta)
''',
}


def ewa_class():
    """``{student: {grade_id: code}}``: 02's class, six ways of writing it and one copy (``copier``
    rewrote ``appender``'s answers)."""
    reference = reference_answers(EWA_ASSIGNMENT)
    return {"ref": reference, "preallocated": {cell: code for cell, code in variant_answers().items() if cell in reference},
            **{student: split_functions(code) for student, code in EWA_CLASS.items()}}


def reference_answers(assignment=ASSIGNMENT):
    """``{grade_id: code}``: the source notebook's answer cells, solution markers removed."""
    return {grade_id: _SOLUTION.sub("", source) for grade_id, source in _answer_cells(_source(assignment)).items()}


def template_answers(assignment=ASSIGNMENT):
    """``{grade_id: code}``: the answer cells as released."""
    return {grade_id: released_template(source) for grade_id, source in _answer_cells(_source(assignment)).items()}


def variant_answers():
    """``{exercise: code}``: tests/correct_variants.py's functions, each renamed to its exercise
    (an answer cell's grade_id is its exercise's name)."""
    return {fn.__name__: re.sub(r"^@_named\(.*\)\ndef \w+", f"def {fn.__name__}", inspect.getsource(fn))
            for fn in variants.VARIANTS}


def split_functions(module_text):
    """``{function name: its code}`` of a text of top-level functions."""
    blocks = re.split(r"\n(?=def )", textwrap.dedent(module_text).strip())
    return {re.match(r"def (\w+)", block).group(1): block + "\n" for block in blocks}


def momentum_class():
    """``{student: {grade_id: code}}``: five students who wrote 04_momentum on their own, and two
    copiers (``copier_of_dana`` rewrote dana's answers; ``copier_of_ref`` pasted the reference with
    other comments)."""
    reference = reference_answers()
    return {
        "ref": reference,
        "dlai": {cell: code for cell, code in variant_answers().items() if cell in reference},
        "carla": split_functions(COMPREHENSIONS),
        "dana": split_functions(INCREMENTAL),
        "emil": split_functions(COPIES_IN_PLACE),
        "copier_of_dana": split_functions(INCREMENTAL_COPIED),
        "copier_of_ref": {cell: code.replace("L = len(parameters) // 2", "L = len(parameters) // 2  # layers")
                          for cell, code in reference.items()},
    }


def write_class(root, answers, assignment=ASSIGNMENT,
                mistakes=("registry:stepped_with_velocity", "", "behaviour:mutates_input")):
    """An output folder at ``root`` for ``answers`` (``{student: {grade_id: code}}``), as autograde
    leaves it: source/, autograded/ notebooks, grades.csv and grades_by_cell.csv. Every third
    student fails the assignment's last test cell, with the ``mistakes`` in turn."""
    nb = _source(assignment)
    (root / "source" / assignment).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source_notebook(assignment), root / "source" / assignment / f"{assignment}.ipynb")
    points = max_scores(assignment)
    tests = [grade_id for grade_id in points if grade_id.startswith("test_")]
    grades, cells = [], []
    for index, (student, cell_code) in enumerate(sorted(answers.items())):
        folder = root / "autograded" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{assignment}.ipynb").write_text(json.dumps(_with_answers(nb, cell_code)))
        scores = {grade_id: points[grade_id] for grade_id in tests}
        if index % 3 == 0:
            scores[tests[-1]] = 0.0
        cells += [_cell_row(assignment, student, grade_id, score, points[grade_id],
                            mistakes[index // 3 % len(mistakes)] if score < points[grade_id] else "")
                  for grade_id, score in scores.items()]
        grades.append(_grade_row(assignment, student, sum(scores.values()), sum(points[t] for t in tests)))
    append_csv(root / "grades.csv", GRADE_COLUMNS, grades)
    append_csv(root / "grades_by_cell.csv", CELL_COLUMNS, cells)


def append_csv(path, columns, rows):
    new = not path.exists()
    with open(path, "a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        if new:
            writer.writeheader()
        writer.writerows(rows)


def _grade_row(assignment, student, score, max_score, status="graded"):
    return {"assignment": assignment, "student_id": student, "score": score, "max_score": max_score,
            "status": status, "reason": "", "timestamp": "", "seconds_late": 0, "late_penalty": 0, "comments": ""}


def _cell_row(assignment, student, grade_id, score, max_score, mistake):
    return {"assignment": assignment, "student_id": student, "grade_id": grade_id, "score": score,
            "max_score": max_score, "nbgrader_score": score, "judge": "agrees", "mistake": mistake}


def _source(assignment=ASSIGNMENT):
    return json.loads(source_notebook(assignment).read_text())


def _answer_cells(nb):
    return {cell["metadata"]["nbgrader"]["grade_id"]: "".join(cell["source"]) for cell in nb["cells"]
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution")}


def _with_answers(nb, answers):
    cells = []
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution") and grade_id in answers:
            cell = {**cell, "source": answers[grade_id]}
        cells.append(cell)
    return {**nb, "cells": cells}

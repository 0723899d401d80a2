"""What the course hands out: the student versions of the notebooks (release.py, which refuses a
graded test cell the judge cannot re-check: exercises.py) and a learner's workspace
(workspace.py). Runs as the instructor or the learner, and trusts the repository's own files (source notebooks,
solutions/, optim_helpers/) and nothing else: no submission is ever read here.
"""

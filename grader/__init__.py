"""``python -m grader``: release the course, autograde submissions, build a learner workspace.

The pipeline is nbgrader's own (source -> release -> submitted -> autograded ->
feedback, with its sqlite gradebook); this package drives it so an instructor
never writes nbgrader config, and runs every submission in a sandbox.
"""

"""``python -m grader``: release the course, autograde submissions, build a learner workspace.

The pipeline is nbgrader's own (source -> release -> submitted -> autograded ->
feedback, with its sqlite gradebook); this package drives it so an instructor
never writes nbgrader config, and runs every submission in a sandbox.

One folder per process and trust boundary (grader/README.md draws it):

- ``handout/``: what the course hands out (release, the learner's workspace);
- ``intake/``: collect, in the parent: the submitted files, all hostile;
- ``run/``: the parent's run (plan, local pool, Dask cluster, interrupts, keeping);
- ``grading/``: one submission, in a process of its own;
- ``sandbox/``: the bubblewrap sandbox, and what runs inside it;
- ``records/``: the output folder (gradebook.db, records, reports, exports).

``cli.py`` (the commands), ``course.py`` (the course as nbgrader sees it) and ``status.py``
(every status) are shared by all of them.
"""

"""The parent process of a run, and its counterpart on each Dask worker.

Runs as the instructor, with the instructor's files: the command (command.py), the plan of what
to grade (plan.py), the grading processes started here ``--jobs`` at a time (local.py) or the
tasks sent to a Dask cluster (cluster.py, tls.py; dask_worker.py is what each worker runs), the
stop on Ctrl-C or SIGTERM (interrupts.py), and the keeping of each finished submission
(keep.py) into the output folder (grader/records). Trusts the course (grader/course.py) and its
own arguments; trusts nothing a grading process or a worker sends back until
grader/grading/contract.py has checked it.
"""

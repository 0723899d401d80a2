"""One submission, graded in a process of its own (process.py), under the parent's deadline.

The steps, in order: check the notebook (notebook.py), rebuild it from the release
(rebuild.py), replace its hidden tests by numbers for this submission (hidden_tests.py), run
nbgrader autograde with the kernel in the sandbox (preprocessors.py), judge the answers again
against solutions/ (judge.py), write the feedback page (feedback_content.py, feedback_page.py).
The job in and the result out are contract.py's dataclasses, the same for a local run and a
Dask task. Trusts its job (from the parent) and solutions/; never the notebook, the kernel's
outputs or anything the sandbox sends: those are bounded and checked here. No student code
runs in this process.
"""

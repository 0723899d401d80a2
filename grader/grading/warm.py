"""Preloaded by the forkserver that forks every grading process (grader/run/local.py's
``start_forkserver``, after grader.grading.process itself): the grading process's first-use costs
paid once, then inherited by each fork."""

import traceback

import nbformat

from grader.course import COURSE_ID, fast_new_gradebooks, quiet_nbgrader, traitlets_config
from grader.grading.feedback_content import feedback_config, SafeFeedbackExporter


def warm_up():
    """What every grading process would pay on first use, paid once in the forkserver that forks
    them all (this module): nbformat's schema validator, the gradebook's ORM set-up, and
    the feedback page's template, Markdown and highlighting machinery (about 1.5 s per submission)."""
    import nbformat.v4 as v4
    from nbgrader.api import Gradebook
    from nbgrader.converters.generate_feedback import GenerateFeedback

    quiet_nbgrader()
    fast_new_gradebooks()
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("*warm* `up`"),
                                v4.new_code_cell("x = 1", outputs=[v4.new_output("stream", text="1\n")])])
    nbformat.validate(nb)
    with Gradebook("sqlite://", COURSE_ID) as gb:
        gb.update_or_create_assignment("warm-up")
    exporter = SafeFeedbackExporter(config=GenerateFeedback(config=traitlets_config(feedback_config())).config)
    exporter.from_notebook_node(nb, resources={"nbgrader": {"notebook": "warm-up", "score": 0, "max_score": 0,
                                                            "late_penalty": 0}})


try:
    warm_up()
except Exception:  # noqa: BLE001 - only slower without it; a failure here must not stop the forkserver
    traceback.print_exc()

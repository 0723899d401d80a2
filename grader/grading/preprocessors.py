"""nbgrader preprocessors the grader adds to nbgrader's own pipeline."""

import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode

from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor
from traitlets import Bool

MAX_OUTPUT_CHARS = 1_000_000  # one output (an image, a table, a stream message)
MAX_NOTEBOOK_OUTPUT_CHARS = 10_000_000  # all the outputs a notebook keeps
MAX_ERROR_LINES, MAX_ERROR_LINE_CHARS = 40, 2000
# Source cells tagged so carry no points and no graded cell needs them (tests/test_experiment_tags.py).
EXPERIMENT_TAG = "experiment"
EXPERIMENT_NOTE = ("[not run by the grader: an experiment, it carries no points and no graded cell needs it; "
                   "run it yourself in JupyterLab]\n")
def _error(ename, evalue):
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def bounded_size(value, limit):
    """About how many characters ``value`` (a kernel message's content) holds, counting no further than ``limit``."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, dict):
            total += len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            total += len(item)
            stack.extend(item)
        else:
            total += 8
    return total


def _as_note(msg, text):
    """``msg`` turned into a stream message that says, in one line, what was removed."""
    header = {**(msg.get("header") or {}), "msg_type": "stream"}
    return {**msg, "header": header, "msg_type": "stream", "content": {"name": "stderr", "text": f"[{text}]\n"}}


def is_experiment(cell):
    tags = cell.get("metadata", {}).get("tags", [])
    return cell.get("cell_type") == "code" and isinstance(tags, list) and EXPERIMENT_TAG in tags


class ExecuteUntilKernelFails(Execute):
    """nbgrader's Execute, with two guards, and cells tagged ``experiment`` not run (unless
    ``run_experiments``): they carry no points, so grading need not pay for them.

    A kernel that dies (memory limit, ``os._exit``, a crash), stops responding (ignores
    the interrupt after a time-out) or sends messages that cannot be read ends the run instead of failing the whole autograde:
    that cell and every later cell get an error output, so they score 0, and the cells
    before keep their scores.

    Outputs are bounded as they arrive, so neither this process nor the files written
    from the notebook grow with what student code prints: an output over
    MAX_OUTPUT_CHARS, or past MAX_NOTEBOOK_OUTPUT_CHARS for the notebook, is replaced by a
    one-line note; errors are kept (they decide scores) with their text cut short.
    """

    run_experiments = Bool(False, help="run cells tagged experiment too (by default they are skipped)").tag(config=True)

    failure = None
    current_cell = None
    output_chars = 0
    notebook_full = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # What happened to the kernel, seen by this process (never read back from outputs, which the
        # student controls): ``{"cell": index, "event": "timeout"}``, or for a kernel that failed
        # ``{"cell": index, "event": "died" | "unresponsive" | "broken", "what": the sentence its cell shows}``.
        self.kernel_events = []
        # When execution began, when the first cell was reached (the kernel is up) and when it ended
        # (perf_counter seconds), for the grading process's profile (profile.py).
        self.marks = {}

    def __deepcopy__(self, memo):
        # traitlets deep-copies every configured value: the instance given in the configuration must be
        # the one that runs, so that its caller reads what it recorded.
        return self

    def preprocess(self, nb, resources=None, km=None):
        self.marks["execute"] = time.perf_counter()
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self.marks["executed"] = time.perf_counter()

    def preprocess_cell(self, cell, resources, index):
        self.marks.setdefault("first cell", time.perf_counter())
        self.current_cell = index
        if is_experiment(cell) and not self.run_experiments:
            # The tag comes from the release (rebuild_from_release), never from the submission.
            cell.outputs = [NotebookNode(output_type="stream", name="stdout", text=EXPERIMENT_NOTE)]
            cell.execution_count = None
            return cell, resources
        if self.failure:
            if cell.cell_type == "code":
                cell.outputs = [_error("KernelFailed", f"not run: {self.failure} in an earlier cell")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self.failure, event = "the kernel died", "died"
            detail = "memory limit, os._exit or a crash"
        except CellTimeoutError:
            self.failure, event = "the kernel stopped responding", "unresponsive"
            detail = "it ignored the interrupt after the time limit"
        except Exception:  # noqa: BLE001 - e.g. a message with a bad signature from a process the student forked
            self.failure, event = "the kernel sent messages that could not be read", "broken"
            detail = "forked processes, or code that wrote to the kernel's own channels"
        what = f"{self.failure} while running this cell ({detail})"
        self.kernel_events.append({"cell": index, "event": event, "what": what})
        cell.outputs.append(_error("KernelFailed", what))
        return cell, resources

    async def _async_handle_timeout(self, timeout, cell=None):
        self.kernel_events.append({"cell": self.current_cell, "event": "timeout"})
        return await super()._async_handle_timeout(timeout, cell)

    def process_message(self, msg, cell, cell_index):
        msg_type = msg.get("msg_type")
        if msg_type in ("status", "execute_input"):
            return super().process_message(msg, cell, cell_index)
        content = msg.get("content") or {}
        size = bounded_size(content, MAX_OUTPUT_CHARS)
        if msg_type == "error":
            msg = {**msg, "content": self._bounded_error(content)}
        elif msg_type in ("stream", "display_data", "execute_result"):
            if self.notebook_full:
                return None
            if size > MAX_OUTPUT_CHARS:
                msg = _as_note(msg, f"output removed: more than the grader's limit of "
                               f"{MAX_OUTPUT_CHARS // 1_000_000} MB for one output")
            elif self.output_chars + size > MAX_NOTEBOOK_OUTPUT_CHARS:
                self.notebook_full = True
                msg = _as_note(msg, f"output removed from here on: this notebook's outputs reached the grader's "
                               f"limit of {MAX_NOTEBOOK_OUTPUT_CHARS // 1_000_000} MB")
            else:
                self.output_chars += size
        elif size > MAX_OUTPUT_CHARS:  # widget state, display updates: not kept when oversized
            return None
        return super().process_message(msg, cell, cell_index)

    def on_cell_executed(self, **kwargs):
        # nbgrader copies an error reply into the outputs when no output matches it: bound it first.
        reply = kwargs.get("execute_reply") or {}
        content = reply.get("content") or {}
        if content.get("status") == "error":
            kwargs["execute_reply"] = {**reply, "content": {**self._bounded_error(content), "status": "error"}}
        return super().on_cell_executed(**kwargs)

    @staticmethod
    def _bounded_error(content):
        traceback = content.get("traceback")
        lines = traceback if isinstance(traceback, list) else []
        return {"ename": str(content.get("ename", "Error"))[:100],
                "evalue": str(content.get("evalue", ""))[:MAX_ERROR_LINE_CHARS],
                "traceback": [str(line)[:MAX_ERROR_LINE_CHARS] for line in lines[:MAX_ERROR_LINES]]}


class HideHiddenTests(NbGraderPreprocessor):
    """Feedback shows no hidden test code: hidden regions are removed from test cells and their
    errors are reduced to one line without a traceback (tracebacks quote the hidden lines)."""

    def preprocess(self, nb, resources):
        clear = ClearHiddenTests(parent=self)
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if not meta.get("grade") or cell.cell_type != "code":
                continue
            had_hidden = "BEGIN HIDDEN TESTS" in cell.source
            clear.preprocess_cell(cell, resources, 0)
            cell.outputs = [self._sanitize(output, had_hidden) for output in cell.get("outputs", [])]
        return nb, resources

    @staticmethod
    def _sanitize(output, had_hidden):
        if output.output_type != "error":
            return output
        first_line = (str(output.get("evalue", "")).splitlines() or [""])[0][:300]
        where = "a check or hidden test failed" if had_hidden else "the test failed"
        return _error(output.get("ename", "Error"), f"{first_line} ({where}; hidden test code is not shown)")

"""nbgrader preprocessors the grader adds to nbgrader's own pipeline."""

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode

from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor


def _error(ename, evalue):
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class ExecuteUntilKernelFails(Execute):
    """nbgrader's Execute, except that a kernel that dies (memory limit, ``os._exit``, a
    crash) or stops responding (ignores the interrupt after a time-out) ends the run
    instead of failing the whole autograde: that cell and every later cell get an error
    output, so they score 0, and the cells before keep their scores."""

    failure = None

    def preprocess_cell(self, cell, resources, index):
        if self.failure:
            if cell.cell_type == "code":
                cell.outputs = [_error("KernelFailed", f"not run: {self.failure} in an earlier cell")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self.failure = "the kernel died"
            detail = "memory limit, os._exit or a crash"
        except CellTimeoutError:
            self.failure = "the kernel stopped responding"
            detail = "it ignored the interrupt after the time limit"
        cell.outputs.append(_error("KernelFailed", f"{self.failure} while running this cell ({detail})"))
        return cell, resources


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

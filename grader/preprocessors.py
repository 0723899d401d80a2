"""nbgrader preprocessors the grader adds to nbgrader's own pipeline."""

from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode

from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor


def _error(ename, evalue):
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class ExecuteUntilKernelDies(Execute):
    """nbgrader's Execute, except that a dead kernel (memory limit, ``os._exit``, a crash)
    ends the run instead of the whole autograde: the cell it died in and every later
    cell get an error output, so they score 0, and the cells before keep their scores."""

    kernel_died = False

    def preprocess_cell(self, cell, resources, index):
        if self.kernel_died:
            if cell.cell_type == "code":
                cell.outputs = [_error("KernelDied", "not run: the kernel had died in an earlier cell")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self.kernel_died = True
            resources.setdefault("grader", {})["kernel_died_in_cell"] = index
            cell.outputs.append(_error("KernelDied", "the kernel died while running this cell "
                                       "(memory limit, os._exit or a crash)"))
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

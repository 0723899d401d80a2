"""The course as a self-paced learner sees it: JupyterLab in a real (headless) browser.

``make workspace`` builds a learner workspace in a temporary folder; every
workspace notebook is then overwritten by a solved copy (the released notebook
with the reference answers put back, so the released cells and their nbgrader
metadata are exactly what learners get), signed as trusted as the Jupyter server
signs a notebook a learner saves. ``make lab`` starts JupyterLab on a free
local port with a random token, and Playwright drives Debian's chromium through it,
in one JupyterLab page as a learner would: double-click each notebook in the
file browser, Run > Run All Cells from the menu, wait until every cell has run
and the kernel is idle, read the rendered outputs from the DOM, then shut the
kernel down and close the tab (File > Close All Tabs, Discard).
Every notebook must open clean: not marked unsaved before the learner types,
and trusted (no "Notebook ... is not trusted" in the server's log).
One released notebook is also kept unsolved, exactly as ``make workspace`` wrote
it: opened and closed untouched, JupyterLab must not ask to save it; run without
an answer, it must show the friendly "not written yet" message, in the notebook
and from nbgrader's Validate button. Last, the lab must be a learner's: none of
nbgrader's instructor tools and no nbgrader warning in the server's log.

The page is 14000 px tall, so every cell is painted and a screenshot is a clip
of it: a screenshot per notebook goes to ``tests/artifacts/e2e/`` (gitignored),
with ``timings.json`` (seconds per step).
Run only this file with ``pytest -m e2e``; leave it out with ``-m "not e2e"``.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

import nbformat
import pytest
from browser import ARTIFACTS, launch_chromium
from playwright import sync_api
from notebook_tools import SOURCE_NOTEBOOKS, SUCCESS_MARK, graded_test_cells, put_back_answers

from grader.handout.workspace import workspace_notary

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent

NOTEBOOK_IDS = [path.stem for path in SOURCE_NOTEBOOKS]
# The notebook opened without answers: 02 is the course's model notebook.
UNSOLVED_ID = next((i for i in NOTEBOOK_IDS if i.startswith("02_")), NOTEBOOK_IDS[0] if NOTEBOOK_IDS else None)
UNSOLVED_PREFIX = "unsolved_"

# Timeouts (seconds): nothing in this file may hang.
WORKSPACE_TIMEOUT = 60 + 15 * len(NOTEBOOK_IDS)  # nbgrader releases each notebook (~5 s each)
LAB_START_TIMEOUT = 60
LAB_STOP_TIMEOUT = 15
UI_TIMEOUT = 30  # one click, one page load
KERNEL_TIMEOUT = 60  # a notebook opened until its kernel is idle (~2 s; slow on a busy machine)
RUN_ALL_TIMEOUT = 120  # a whole notebook; the design allows 90 s for the whole course
VALIDATE_TIMEOUT = RUN_ALL_TIMEOUT  # Validate runs the whole notebook on the server
# A tall page: every cell is painted (no CSS content-visibility skipping) and each
# screenshot is a clip, so the viewport never changes (see save_screenshot).
VIEWPORT = {"width": 1400, "height": 14000}
LEARNER_SCREEN = {"width": 1400, "height": 900}  # the clip that shows what a learner's screen would

# Kernels print this on stderr once per machine, the first time matplotlib is imported.
HARMLESS_STDERR = ("Matplotlib is building the font cache",)



# --------------------------------------------------------------------------- fixtures

TIMINGS = {}  # seconds per step, written to tests/artifacts/e2e/timings.json


@contextmanager
def timed(step):
    start = time.monotonic()
    try:
        yield
    finally:
        TIMINGS[step] = round(time.monotonic() - start, 1)


@pytest.fixture(scope="module", autouse=True)
def timings_report():
    TIMINGS.clear()
    start = time.monotonic()
    yield
    TIMINGS["whole module"] = round(time.monotonic() - start, 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "timings.json").write_text(json.dumps(TIMINGS, indent=2) + "\n")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """The learner workspace made by ``make workspace``: solved notebooks plus one unsolved copy."""
    folder = tmp_path_factory.mktemp("e2e") / "workspace"
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    # -o: never (re)build the venv from inside a test, whatever the state of .venv/.lab-installed.
    command = ["make", "--no-print-directory", "-C", str(REPO), "workspace", f"WORKSPACE={folder}",
               "-o", ".venv/.lab-installed"]
    with timed("make workspace"):
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=WORKSPACE_TIMEOUT)
    assert result.returncode == 0, f"make workspace failed:\n{result.stdout}\n{result.stderr}"
    with workspace_notary(folder) as notary:
        for assignment_id, source_path in zip(NOTEBOOK_IDS, SOURCE_NOTEBOOKS):
            path = folder / f"{assignment_id}.ipynb"
            assert path.exists(), f"make workspace did not write {path.name}:\n{result.stdout}"
            if assignment_id == UNSOLVED_ID:
                shutil.copy2(path, folder / f"{UNSOLVED_PREFIX}{path.name}")
            released = nbformat.read(path, as_version=4)
            nbformat.write(put_back_answers(released, nbformat.read(source_path, as_version=4)), path)
            notary.sign(nbformat.read(path, as_version=4))  # as the server signs what a learner saves
    settings = folder / ".jupyter" / "lab" / "user-settings"
    assert settings.is_dir(), "workspace has no JupyterLab settings"
    # Every cell attached at once: JupyterLab's default attaches them in the page's idle time,
    # which a busy headless page can put off for a minute (07 was not shown whole in 60 s).
    notebook_settings = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    notebook_settings.parent.mkdir(parents=True, exist_ok=True)
    notebook_settings.write_text(json.dumps({"windowingMode": "none"}))
    return folder


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab: ``url``, ``token``, ``log`` and a tiny REST client."""

    def __init__(self, url, token, log):
        self.url, self.token, self.log = url, token, log

    def api(self, path, method="GET"):
        body = self.request(f"api/{path}", method)
        return json.loads(body) if body else None

    def request(self, path, method="GET"):
        request = urllib.request.Request(f"{self.url}/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    def lab_url(self):
        # A fresh JupyterLab workspace (layout) each time: no tabs restored from an earlier load.
        return f"{self.url}/lab/workspaces/e2e-{uuid.uuid4().hex[:8]}?token={self.token}"

    def shut_down_kernel_of(self, name):
        """Free the kernel at once (the server would stop it at the end anyway); never raises."""
        try:
            for session in self.api("sessions"):
                if session.get("path") == name:
                    self.api(f"sessions/{session['id']}", method="DELETE")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass

    def log_tail(self, n=40):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


@pytest.fixture(scope="module")
def lab(workspace, tmp_path_factory):
    """``make lab`` serving the workspace on 127.0.0.1 with a random token; always stopped."""
    state = tmp_path_factory.mktemp("lab-state")
    port, token = free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    # Keep the test's layouts, runtime files and IPython history out of the user's home.
    env.update(JUPYTERLAB_WORKSPACES_DIR=str(state / "workspaces"), JUPYTER_RUNTIME_DIR=str(state / "runtime"),
               IPYTHONDIR=str(state / "ipython"))
    options = ["--no-browser", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}"]
    # -o: the workspace fixture made the workspace; never (re)build the venv from inside a test.
    command = ["make", "--no-print-directory", "-C", str(REPO), "lab", f"WORKSPACE={workspace}", f"PORT={port}",
               f"LAB_ARGS={' '.join(options)}", "-o", "workspace", "-o", ".venv/.lab-installed"]
    log = state / "jupyterlab.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = Lab(f"http://127.0.0.1:{port}", token, log)
    try:
        start = deadline = time.monotonic()
        deadline += LAB_START_TIMEOUT
        while True:
            assert process.poll() is None, f"make lab exited with {process.returncode}:\n{server.log_tail()}"
            try:
                server.api("status")
                TIMINGS["JupyterLab start"] = round(time.monotonic() - start, 1)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, f"JupyterLab did not answer in {LAB_START_TIMEOUT} s:\n" \
                                                    f"{server.log_tail()}"
                time.sleep(0.25)
        yield server
    finally:
        stop(process)


def stop(process):
    """SIGTERM to make's process group (make, its shell and the server, which then shuts its kernels
    down); SIGKILL to whatever is left of the group after ``LAB_STOP_TIMEOUT``."""
    group = process.pid  # start_new_session: the group is make's own
    for sig, timeout in ((signal.SIGTERM, LAB_STOP_TIMEOUT), (signal.SIGKILL, 5)):
        deadline = time.monotonic() + timeout
        try:
            os.killpg(group, sig)
            while time.monotonic() < deadline:
                process.poll()  # reaps make; the server, once orphaned, is reaped by init
                os.killpg(group, 0)
                time.sleep(0.1)
        except ProcessLookupError:
            return


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium through Playwright; always closed."""
    with launch_chromium(UI_TIMEOUT) as browser:
        yield browser


@pytest.fixture(scope="module")
def lab_page(browser, lab):
    """One JupyterLab page for the whole module, as a learner keeps one open (~5 s saved per notebook)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(UI_TIMEOUT * 1000)
    try:
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        with timed("JupyterLab page load"):
            load_lab(page, lab)
        yield page
    finally:
        context.close()


@pytest.fixture
def page(lab_page, lab, request):
    """The JupyterLab page with no notebook open, before and after the test."""
    if lab_page.locator(".jp-NotebookPanel, .jp-Dialog").count():  # left over by a failed test
        load_lab(lab_page, lab)
    lab_page.errors.clear()
    try:
        yield lab_page
    finally:
        try:
            with timed(f"{request.node.name}: close"):
                close_all_tabs(lab_page)
        except (sync_api.Error, AssertionError):
            load_lab(lab_page, lab)  # the next test starts clean anyway


# --------------------------------------------------------------------------- the learner's actions


def load_lab(page, lab):
    """(Re)load JupyterLab in a fresh layout, with no tabs restored, and wait for the file browser."""
    page.goto(lab.lab_url(), timeout=UI_TIMEOUT * 1000)
    page.locator(".jp-DirListing-content .jp-DirListing-item").first.wait_for()


def close_all_tabs(page):
    """File > Close All Tabs, discarding the changes (outputs) when JupyterLab asks."""
    if not page.locator(".jp-NotebookPanel").count():
        return
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.get_by_role("menuitem", name="Close All Tabs", exact=True).click()
    discard = page.locator(".jp-Dialog").get_by_role("button", name="Discard")
    deadline = time.monotonic() + UI_TIMEOUT
    while page.locator(".jp-NotebookPanel").count():
        assert time.monotonic() < deadline, "the notebook did not close"
        if discard.count():
            discard.first.click()
        page.wait_for_timeout(100)


def open_notebook(page, name, n_cells):
    """Open ``name`` as a learner would (double-click in the file browser); return once all
    its cells are on the page and its kernel is idle.

    The toolbar's execution indicator says "idle" before any kernel exists (the
    status bar then reads "No Kernel | Initializing") and a Run All clicked at
    that moment does nothing, so this waits for the status bar's kernel item.
    """
    page.locator(".jp-DirListing-content").get_by_text(name, exact=True).dblclick()
    panel = page.locator(".jp-NotebookPanel")
    try:
        page.wait_for_function(
            """n => {
              const kernel = document.querySelector('#jp-main-statusbar [title^="Change kernel for"]')
                ?.textContent.trim() ?? '';
              const status = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator')
                ?.getAttribute('data-status');
              const cells = document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell').length;
              return cells === n && status === 'idle' && kernel.endsWith('| Idle') && !kernel.startsWith('No Kernel');
            }""",
            arg=n_cells,
            timeout=KERNEL_TIMEOUT * 1000,
            polling=100,
        )
    except sync_api.TimeoutError:
        state = page.evaluate("""() => ({
          kernel: document.querySelector('#jp-main-statusbar [title^="Change kernel for"]')?.textContent,
          cells: document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell').length,
          dialog: document.querySelector('.jp-Dialog')?.textContent })""")
        pytest.fail(f"{name} was not ready (all {n_cells} cells shown, kernel idle) in {KERNEL_TIMEOUT} s: {state}")
    assert panel.count() == 1, f"{panel.count()} notebooks open, expected only {name}"
    dialogs = page.locator(".jp-Dialog")
    assert dialogs.count() == 0, f"a dialog is in the way: {dialogs.first.inner_text()}"
    return panel


def notebook_tab(page, name):
    """The main area's tab of notebook ``name``."""
    label = page.locator(".lm-TabBar-tabLabel", has_text=re.compile(f"^{re.escape(name)}$"))
    return page.locator("#jp-main-dock-panel .lm-TabBar-tab").filter(has=label)


def assert_opened_clean(page, lab, name):
    """Just opened, ``name`` is not marked unsaved (JupyterLab would ask to save it on closing), and
    the server, which checks a notebook's signature each time it sends it, did not log it as untrusted."""
    classes = notebook_tab(page, name).get_attribute("class") or ""
    assert "jp-mod-dirty" not in classes.split(), \
        f"{name} is marked unsaved as soon as it opens (JupyterLab would ask to save it on closing)"
    untrusted = [line for line in lab.log.read_text(errors="replace").splitlines()
                 if f"Notebook {name} is not trusted" in line]
    assert not untrusted, "the server does not trust the workspace's notebook:\n" + "\n".join(untrusted)


def close_notebook(page):
    """File > Close Tab on the open notebook; returns what JupyterLab asked before closing, if it did
    (the question is then answered Discard), else None."""
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Close Tab")).click()  # + its shortcut
    page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel') || document.querySelector('.jp-Dialog')",
                           timeout=UI_TIMEOUT * 1000, polling=100)
    dialog = page.locator(".jp-Dialog")
    if not dialog.count():
        return None
    question = dialog.first.inner_text()
    dialog.get_by_role("button", name="Discard").click()
    page.locator(".jp-NotebookPanel").wait_for(state="detached")
    return question


def run_all_cells(page):
    """Run > Run All Cells; return when nothing is pending, the first cell has run and the kernel is idle.

    JupyterLab stops a Run All at the first error and clears the queue, so this
    also returns after a failing cell; callers check the prompts.
    """
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # Fail fast, not after RUN_ALL_TIMEOUT, if the click started nothing.
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')]
          .some(e => /^\\[(\\*|\\d+)\\]:$/.test(e.textContent.trim()))""",
        timeout=UI_TIMEOUT * 1000,
        polling=100,
    )
    page.wait_for_function(
        """() => {
          const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')]
            .map(e => e.textContent.trim());
          const status = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator')
            ?.getAttribute('data-status');
          return prompts.length > 0 && /^\\[\\d+\\]:$/.test(prompts[0])
            && !prompts.includes('[*]:') && status === 'idle';
        }""",
        timeout=RUN_ALL_TIMEOUT * 1000,
        polling=250,
    )


def code_cells(page):
    """Every code cell in the DOM, in order: ``{"prompt", "outputs": [{"mime", "text"}]}``."""
    return page.eval_on_selector_all(
        ".jp-NotebookPanel .jp-Notebook .jp-CodeCell",
        """cells => cells.map(cell => ({
          prompt: cell.querySelector('.jp-InputArea-prompt')?.textContent.trim() ?? '',
          outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => ({
            mime: o.getAttribute('data-mime-type') ?? '', text: o.textContent })),
        }))""",
    )


def problems(cell):
    """Error and stderr outputs of a DOM cell (JupyterLab renders tracebacks as stderr)."""
    found = []
    for output in cell["outputs"]:
        if output["mime"] in ("application/vnd.jupyter.stderr", "application/vnd.jupyter.error"):
            if not output["text"].strip().startswith(HARMLESS_STDERR):
                found.append(output["text"])
    return found


def stdout(cell):
    return "".join(o["text"] for o in cell["outputs"] if o["mime"] == "application/vnd.jupyter.stdout")


def save_screenshot(page, name, clip=None):
    """``tests/artifacts/e2e/<name>.png``: by default the whole notebook, from the menu bar down.

    The page is as tall as ``VIEWPORT`` (every cell painted, nothing to scroll),
    so a screenshot is a clip of it. Resizing the viewport for a screenshot instead
    left JupyterLab slow to render the next notebooks (5-30 s to open each).
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if clip is None:
        bottom = page.evaluate("""() => {
          const inner = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-inner');
          return inner ? inner.getBoundingClientRect().top + inner.scrollHeight : 0; }""")
        height = min(max(bottom + 40, LEARNER_SCREEN["height"]), VIEWPORT["height"])
        clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), clip=clip, timeout=UI_TIMEOUT * 1000)


# What nbgrader's instructor side adds to JupyterLab (tests/test_workspace.py checks the config behind it).
INSTRUCTOR_COMMANDS = ("Formgrader", "Create assignment", "Course List", "Assignment List")


def palette_commands(page):
    """The command palette's entries (View > Activate Command Palette), then closed again."""
    page.get_by_role("menuitem", name="View", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Activate Command Palette")).click()  # + its shortcut
    page.locator("#modal-command-palette .lm-CommandPalette-input").wait_for()
    entries = page.eval_on_selector_all("#modal-command-palette .lm-CommandPalette-itemLabel",
                                        "items => items.map(item => item.textContent.trim())")
    page.keyboard.press("Escape")
    return entries


def validate(page):
    """Click the notebook toolbar's Validate button; return the text of nbgrader's result dialog, closed."""
    page.locator(".jp-NotebookPanel .validate-button").click()
    dialog = page.locator(".jp-Dialog").filter(has_text="Validation Results")
    dialog.wait_for(timeout=VALIDATE_TIMEOUT * 1000)
    text = dialog.locator(".jp-Dialog-body").inner_text()
    dialog.get_by_role("button", name="Ok").click()
    return text


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("assignment_id", NOTEBOOK_IDS)
def test_solved_notebook_runs_clean_in_jupyterlab(assignment_id, workspace, lab, page):
    name = f"{assignment_id}.ipynb"
    nb = nbformat.read(workspace / name, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    check_positions = [code.index(cell) for cell in graded_test_cells(nb)]
    try:
        with timed(f"{assignment_id}: open"):
            open_notebook(page, name, len(nb.cells))
        assert_opened_clean(page, lab, name)
        with timed(f"{assignment_id}: run all"):
            run_all_cells(page)
        cells = code_cells(page)
    finally:
        with timed(f"{assignment_id}: screenshot"):
            save_screenshot(page, assignment_id)  # also when something above failed
        lab.shut_down_kernel_of(name)

    assert len(cells) == len(code), f"{len(cells)} code cells on the page, {len(code)} in {name}"
    for position, (cell, dom) in enumerate(zip(code, cells)):
        shown = f"code cell {position + 1} of {name}:\n{cell.source[:300]}"
        assert not problems(dom), f"{shown}\nshows an error:\n{problems(dom)[0][-2000:]}"
        assert dom["prompt"] not in ("[ ]:", "[*]:", ""), f"{shown}\ndid not run (prompt {dom['prompt']!r})"
    for position in check_positions:
        grade_id = code[position].metadata.nbgrader.grade_id
        checked = re.match(r"\s*check\((\w+)", code[position].source)  # "✔ <fn>: all N checks passed."
        expected = f"{SUCCESS_MARK} {checked.group(1)}:" if checked else SUCCESS_MARK
        lines = [line for line in stdout(cells[position]).splitlines() if line.startswith(expected)]
        assert lines, f"check cell {grade_id} of {name} did not print {expected!r}...; " \
                      f"outputs: {cells[position]['outputs']}"
    assert not page.errors, f"JavaScript errors in JupyterLab: {page.errors}"


@pytest.mark.skipif(UNSOLVED_ID is None, reason="no notebooks yet")
def test_unsolved_notebook_tells_the_learner_what_is_missing(workspace, lab, page):
    name = f"{UNSOLVED_PREFIX}{UNSOLVED_ID}.ipynb"
    nb = nbformat.read(workspace / name, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    first_check = code.index(graded_test_cells(nb)[0])
    try:
        with timed("unsolved: open, close untouched, open again"):
            open_notebook(page, name, len(nb.cells))
            save_screenshot(page, f"{UNSOLVED_PREFIX}{UNSOLVED_ID}_opened", clip={"x": 0, "y": 0, **LEARNER_SCREEN})
            assert_opened_clean(page, lab, name)
            question = close_notebook(page)
            assert question is None, f"closing {name}, opened and not touched, asked: {question}"
            open_notebook(page, name, len(nb.cells))  # its kernel is still running
        with timed("unsolved: run all"):
            run_all_cells(page)  # stops at the first check, which fails
        cells = code_cells(page)
        # A screenful ending with the failure's last line, where the friendly sentence is.
        output = page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").nth(first_check) \
            .locator(".jp-OutputArea-output")
        box = output.last.bounding_box() if output.count() else None
        if box:
            top = max(0, box["y"] + box["height"] + 16 - LEARNER_SCREEN["height"])
            save_screenshot(page, f"{UNSOLVED_PREFIX}{UNSOLVED_ID}_message", clip={"x": 0, "y": top, **LEARNER_SCREEN})
        with timed("unsolved: validate"):
            validation = validate(page)  # nbgrader's button, as a learner checks a whole notebook
    finally:
        save_screenshot(page, f"{UNSOLVED_PREFIX}{UNSOLVED_ID}")
        lab.shut_down_kernel_of(name)

    assert len(cells) == len(code), f"{len(cells)} code cells on the page, {len(code)} in {name}"
    for position in range(first_check):
        assert not problems(cells[position]), f"code cell {position + 1} failed before the first exercise:\n" \
                                              f"{problems(cells[position])[0][-2000:]}"
    check_cell = cells[first_check]
    assert check_cell["prompt"] not in ("[ ]:", "[*]:", ""), "the first check cell did not run"
    failures = problems(check_cell)
    assert failures, f"the first check cell passed without an answer: {check_cell['outputs']}"
    last_line = failures[-1].strip().splitlines()[-1]
    # The friendly sentence is the last line of the output, where the learner's eye lands.
    assert "not written yet" in last_line, f"last line of the failure: {last_line!r}"
    assert SUCCESS_MARK not in stdout(check_cell)
    checked = [re.match(r"\s*check\((\w+)", cell.source).group(1) for cell in graded_test_cells(nb)]
    unnamed = [function for function in checked if f"{function} is not written yet" not in validation]
    assert not unnamed, f"Validate did not say that {unnamed} are not written yet:\n{validation}"


def test_the_lab_is_a_learners_without_instructor_tools(lab, page):
    menus = page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
    right_sidebar = page.locator(".jp-SideBar.jp-mod-right .lm-TabBar-tab").evaluate_all(
        "tabs => tabs.map(tab => tab.title)")
    with timed("learner's lab: command palette"):
        commands = palette_commands(page)
    assert "Run" in menus and "Nbgrader" not in menus, f"menu bar: {menus}"
    assert right_sidebar and not [t for t in right_sidebar if "Assignment" in t], f"right sidebar: {right_sidebar}"
    assert "Run All Cells" in commands, f"no command palette read: {commands}"
    assert not set(INSTRUCTOR_COMMANDS) & set(commands), f"instructor commands: {set(INSTRUCTOR_COMMANDS) & set(commands)}"
    assert not page.errors, f"JavaScript errors in JupyterLab: {page.errors}"
    # The Validate button's server extension answers (the unsolved test clicks the button)...
    assert json.loads(lab.request(f"nbgrader_version?version={version('nbgrader')}")) == {"success": True}
    with pytest.raises(urllib.error.HTTPError, match="404"):
        lab.request("formgrader")  # ...the formgrader's does not
    # Last in this file, so the log covers the whole session, Validate included.
    complaints = [line for line in lab.log.read_text(errors="replace").splitlines()
                  if "nbgrader" in line.lower() and re.search(r"^\[[WE] |WARNING|ERROR|CRITICAL", line)]
    assert not complaints, "nbgrader complained in the server's log:\n" + "\n".join(complaints)

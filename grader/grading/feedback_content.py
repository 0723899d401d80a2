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

import os
import re
from functools import lru_cache
import bleach
from jinja2 import FileSystemBytecodeCache, pass_context
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbformat.notebooknode import NotebookNode
from traitlets import Bool, Set, Unicode

from grader.grading.preprocessors import HideHiddenTests


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

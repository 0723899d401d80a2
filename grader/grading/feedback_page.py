"""The feedback page made inert and explained, after nbgrader wrote it (feedback_content.py has the
whole design): a Content-Security-Policy as the first element of its head, with hashes of the
template's own scripts from a render of an empty notebook; where the judge overruled nbgrader, or
reproduced a mistake, a note under that cell's heading. Read and rewritten in bounded chunks.
"""

import base64
import hashlib
import html
import itertools
import os
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from grader.course import traitlets_config
from grader.grading.feedback_content import feedback_config
from grader.grading.judge import mistake_sentence
from grader.records.atomic import replacing
from grader.records.report import clean_field


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
    converter = GenerateFeedback(config=traitlets_config(feedback_config()))
    exporter = converter.exporter_class(parent=converter, config=converter.config)
    resources = {"nbgrader": {"notebook": "trusted", "score": 0, "max_score": 0, "late_penalty": 0},
                 "metadata": {"name": "trusted", "path": ""}}
    page, _ = exporter.from_notebook_node(nbformat.v4.new_notebook(), resources=resources)
    return TrustedHead(page)


def content_security_policy():
    """The CSP that ``harden_page`` puts into every feedback page."""
    return trusted_head().policy()


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
        with replacing(path) as partial, open(partial, "wb") as out:
            out.write(prefix)
            for chunk in notes.rewrite(body) if notes else body:
                out.write(chunk)
            os.chmod(partial, mode)
    return policy

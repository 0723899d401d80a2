"""report.html: one static page, no script, figures as inline SVG, every text escaped here.

The Content-Security-Policy allows nothing but the page's own inline style: no script, no image,
font, frame, form or connection, so even text that escaped escaping could not run or call out.
Links to the feedback pages are relative (``feedback/<student>/<assignment>/<assignment>.html``).
"""

import html
from datetime import datetime, timezone
from urllib.parse import quote

from grader.class_report.similarity import FLOOR, MAD_FACTOR, MIN_SHARED, shared_lines

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
MISTAKES_SHOWN = 5  # per test cell
PAIRS_LISTED = 10  # per assignment, the most similar
SIDE_BY_SIDE = 10  # flagged pairs shown side by side, per assignment
SHOWN_CHARS = 6000  # of one answer cell, side by side
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; padding: 0 1em; }
h2 { border-bottom: 2px solid #ccc; margin-top: 2.5em; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
td, th { border: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.note { background: #fff6d6; border-left: 4px solid #e0b000; padding: .5em 1em; }
.problems { background: #fdecec; border-left: 4px solid #c33; padding: .5em 1em; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
pre { background: #f6f6f6; padding: .5em; overflow-x: auto; font-size: 13px; white-space: pre-wrap; }
mark { background: #ffd27a; }
svg text { font: 12px system-ui, sans-serif; }
"""


def render_page(views, student_table, folder, links):
    """The whole page (str): ``views`` (build.AssignmentView), ``student_table`` ((assignments,
    rows) of build._student_table), ``folder`` (folder.ClassFolder: what could not be read, the rows
    for no student), ``links`` (the output folder, relative to the page)."""
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
             f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
             f"<title>Class report</title><style>{STYLE}</style></head><body>",
             f"<h1>Class report</h1><p>Made {made} from this folder's grades.csv, grades_by_cell.csv, "
             f"autograded notebooks and source/. Assignments: {len(views)}; students: {len(student_table[1])}.</p>",
             _problems(folder.problems), _at_a_glance(views), _unplaced(folder.unplaced)]
    parts += [_assignment(view, links) for view in views]
    parts += [_students(*student_table), "</body></html>\n"]
    return "".join(parts)


def _e(value):
    return html.escape(str(value), quote=True)


def _problems(problems):
    if not problems:
        return ""
    items = "".join(f"<li>{_e(p)}</li>" for p in problems)
    return f'<div class="problems"><p>What could not be read (left out of this report):</p><ul>{items}</ul></div>'


def _unplaced(counts):
    if not counts:
        return ""
    listed = ", ".join(f"{_e(status)}: {count}" for status, count in counts.most_common())
    return (f"<p>grades.csv also has {sum(counts.values())} rows for no valid student or assignment of the course, collect's "
            f"verdicts on what it found ({listed}); their reasons are in grades.csv.</p>")


def _at_a_glance(views):
    """One row per assignment: its mean score, the test cell that cost most points and its most common mistake."""
    rows = []
    for view in views:
        mean = f"{sum(view.scores) / len(view.scores):.0%}" if view.scores else ""
        worst = next((cell for cell in view.cells if cell.points_lost > 0), None)
        mistake = worst.mistakes[0] if worst and worst.mistakes else None
        rows.append(f'<tr><td><a href="#{_e(view.name)}">{_e(view.name)}</a></td><td class="n">{len(view.scores)}</td>'
                    f'<td class="n">{mean}</td><td>{_e(worst.grade_id) if worst else "none failed"}</td>'
                    f"<td>{_e(mistake.sentence) + f' ({_students_count(mistake)})' if mistake else ''}</td></tr>")
    return ("<h2>At a glance</h2><table><tr><th>assignment</th><th>graded</th><th>mean score</th>"
            "<th>test cell that cost most points</th><th>its most common mistake</th></tr>" + "".join(rows) + "</table>")


def _students_count(mistake):
    return f"{len(mistake.students)} student{'s' * (len(mistake.students) != 1)}"


def _assignment(view, links):
    statuses = "".join(f'<tr><td>{_e(s)}</td><td class="n">{n}</td></tr>' for s, n in view.statuses.most_common())
    return (f'<section id="{_e(view.name)}"><h2>{_e(view.name)}</h2>'
            f"<h3>Scores and statuses</h3><table><tr><th>status</th><th>submissions</th></tr>{statuses}</table>"
            f"{_histogram(view.scores)}<h3>Test cells, the one that cost most points first</h3>{_pass_rates(view.cells)}"
            f"<h3>Most common mistakes</h3>{_mistakes(view, links)}"
            f"<h3>Similar answers</h3>{_similarity(view, links)}</section>")


def _histogram(scores, bins=10, width=520, height=170, top_margin=32, bottom_margin=25):
    """Inline SVG: how many graded submissions scored in each tenth of the maximum."""
    if not scores:
        return "<p>No graded submission.</p>"
    counts = [0] * bins
    for score in scores:
        counts[min(int(score * bins), bins - 1)] += 1
    bar, tallest = (width - 40) / bins, height - top_margin - bottom_margin
    bars = []
    for i, count in enumerate(counts):
        size, x = tallest * count / max(counts), 30 + i * bar
        bars.append(f'<rect x="{x:.1f}" y="{height - bottom_margin - size:.1f}" width="{bar - 3:.1f}" height="{size:.1f}" '
                    f'fill="#4a7bb7"/><text x="{x + bar / 2:.1f}" y="{height - bottom_margin - size - 3:.1f}" '
                    f'text-anchor="middle">{count or ""}</text><text x="{x:.1f}" y="{height - 8}">{i * 100 // bins}%</text>')
    return (f'<svg width="{width}" height="{height}" role="img" aria-label="score distribution">'
            f'<text x="30" y="12">{len(scores)} graded submissions by score (share of the maximum)</text>'
            f'{"".join(bars)}</svg>')


def _pass_rates(cells, width=720, row=22, label=330):
    """Inline SVG: each test cell's pass rate, as a bar."""
    if not cells:
        return "<p>No test cell was graded.</p>"
    rows = "".join(
        f'<text x="0" y="{i * row + 15}">{_e(cell.grade_id[:50])}</text>'
        f'<rect x="{label}" y="{i * row + 4}" width="{(width - label - 90) * cell.passed / cell.graded:.1f}" height="14" '
        f'fill="#3a9a5b"/><rect x="{label}" y="{i * row + 4}" width="{width - label - 90}" height="14" fill="none" '
        f'stroke="#999"/><text x="{width - 80}" y="{i * row + 15}">{cell.passed}/{cell.graded} passed</text>'
        for i, cell in enumerate(cells))
    return f'<svg width="{width}" height="{len(cells) * row + 6}" role="img" aria-label="pass rate per test cell">{rows}</svg>'


def _feedback_link(links, student, assignment):
    path = "/".join(quote(part, safe="") for part in ("feedback", student, assignment, f"{assignment}.html"))
    return f'<a href="{_e(quote(links, safe="/") + "/" + path)}">{_e(student)}</a>'


def _mistakes(view, links):
    rows = []
    for cell in view.cells:
        for mistake in cell.mistakes[:MISTAKES_SHOWN]:
            examples = ", ".join(_feedback_link(links, s, view.name) for s in mistake.students[:3])
            rows.append(f"<tr><td>{_e(cell.grade_id)}</td><td>{_e(mistake.sentence)}</td>"
                        f'<td class="n">{len(mistake.students)}</td><td class="n">{mistake.share:.0%}</td>'
                        f"<td>{examples}</td></tr>")
    if not rows:
        return "<p>No test cell was failed.</p>"
    return ("<table><tr><th>test cell</th><th>mistake</th><th>students</th><th>share</th><th>for example</th></tr>"
            + "".join(rows) + "</table>")


def _similarity(view, links):
    if not view.pairs:
        return "<p>Fewer than two graded notebooks could be read: nothing to compare.</p>"
    flagged = [p for p in view.pairs if p.flagged]
    note = (f'<p class="note">Similar, not proof. {len(flagged)} of {len(view.pairs)} pairs flagged: '
            f"similarity at least {FLOOR}, more than {MAD_FACTOR:g} median absolute deviations above this assignment's "
            f"median pair, and at least {MIN_SHARED} shared fingerprints of code fewer than a quarter of the class "
            "wrote. Two students who wrote the same uncommon answer on their own look the same as a copy: "
            "read the answers before you conclude anything.</p>")
    listed = "".join(f'<tr><td>{_feedback_link(links, p.student_a, view.name)}</td>'
                     f'<td>{_feedback_link(links, p.student_b, view.name)}</td><td class="n">{p.similarity:.2f}</td>'
                     f'<td>{"flagged" if p.flagged else ""}</td></tr>' for p in view.pairs[:PAIRS_LISTED])
    table = f"<table><tr><th>student</th><th>student</th><th>similarity</th><th>flagged</th></tr>{listed}</table>"
    return note + table + "".join(_side_by_side(view, pair) for pair in flagged[:SIDE_BY_SIDE])


def _side_by_side(view, pair):
    a, b = view.answers[pair.student_a], view.answers[pair.student_b]
    cells = sorted(set(a) | set(b))
    body = "".join(f'<h5>{_e(cell)}</h5><div class="pair">'
                   f'{_marked(a.get(cell, ""), b.get(cell, ""), view.template.get(cell, ""))}'
                   f'{_marked(b.get(cell, ""), a.get(cell, ""), view.template.get(cell, ""))}</div>' for cell in cells)
    return (f"<h4>{_e(pair.student_a)} and {_e(pair.student_b)}: similarity {pair.similarity:.2f} "
            f"(marked: lines both wrote, names aside, that the template does not hold)</h4>{body}")


def _marked(code, other, template):
    """``code`` as escaped <pre>, the lines it shares with ``other`` (not from ``template``) marked."""
    code = code[:SHOWN_CHARS]
    marked = shared_lines(code, other[:SHOWN_CHARS], template)
    lines = [f"<mark>{_e(line)}</mark>" if i in marked else _e(line) for i, line in enumerate(code.splitlines())]
    return "<pre>" + "\n".join(lines) + "</pre>"


def _students(assignments, rows):
    head = "".join(f"<th>{_e(a)}</th>" for a in assignments)
    body = "".join(
        f"<tr><td>{_e(student)}</td>"
        + "".join(f'<td class="n">{_score(scores.get(a))}</td>' for a in assignments)
        + f'<td class="n">{total:g}</td></tr>' for student, scores, total in rows)
    return f'<h2 id="students">Students</h2><table><tr><th>student</th>{head}<th>total</th></tr>{body}</table>'


def _score(entry):
    return "" if entry is None else f"{entry[0]:g} / {entry[1]:g}"

"""The instructor's report on one assignment: ``reports/<assignment>.html``, one self-contained page.

From the grading rows (``grading.json``, one per student) it shows the headline numbers, a loud
warning when student code ran outside the sandbox, the score distribution, the pass rate of every
test cell, the classic mistakes the class made (counted from the ``Likely mistake:`` line of the
checks' diagnostics, one student counted once per test cell and mistake), the submissions that
need a person, and every student's score. Figures are drawn once each with matplotlib's object
API (no pyplot, so no GUI backend whatever MPLBACKEND says) and embedded as SVG; the page has no
scripts and loads nothing from outside.
"""
from __future__ import annotations

import base64
import datetime as _dt
import io
import statistics
import textwrap
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from .feedback import esc, is_name, page, points, when, write_atomically

MISTAKE = "Likely mistake: "
# Rows whose notebook ran: their cells say something about the class. Held rows are left out (a
# tamperer's failures are no diagnosis), and so are rows with nothing that ran.
RAN = ("graded", "timed out", "kernel died")
NEEDS_PERSON = ("held for review", "kernel died", "timed out", "invalid notebook", "wrong place", "error")
NOT_SUBMITTED = ("no submission", "invalid notebook")
SANDBOX = "bubblewrap"
# Okabe–Ito colours: told apart with any colour vision.
BLUE, ORANGE, VERMILLION, GREY = "#0072B2", "#E69F00", "#D55E00", "#BBBBBB"

REPORT_CSS = """
main { max-width:70rem; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(8rem,1fr)); gap:.6rem; margin:1.2rem 0 .6rem; }
.card { border:1px solid var(--line); border-radius:8px; padding:.7rem .9rem; background:#fff; }
.card .value { display:block; font-size:1.8rem; font-weight:700; line-height:1.2; font-variant-numeric:tabular-nums; }
.card .label { display:block; color:var(--muted); font-size:.85rem; line-height:1.3; }
.card .label a { color:inherit; }
.card.alert { border-color:var(--fail); border-width:2px; }
.card.alert .value { color:var(--fail); }
.banner { border:4px solid #b00020; background:#fde7e9; color:#5c0010; border-radius:8px; padding:1rem 1.2rem;
          margin:1.2rem 0; font-size:1.08rem; }
.banner strong:first-child { display:block; font-size:1.4rem; letter-spacing:.02em; margin-bottom:.3rem; }
figure { margin:1rem 0 1.6rem; }
figure img { display:block; max-width:100%; height:auto; border:1px solid var(--line); border-radius:6px; }
figcaption { color:var(--muted); font-size:.9rem; margin-top:.4rem; }
.bar { display:inline-block; height:.7rem; background:#0072B2; border-radius:2px; vertical-align:middle;
       margin-right:.4rem; }
.status-graded { color:var(--pass); } .status-held-for-review { color:var(--wait); }
.status-no-submission { color:var(--muted); }
.status-kernel-died, .status-timed-out, .status-invalid-notebook, .status-wrong-place,
.status-error { color:var(--fail); }
td ul { margin:.2rem 0; padding-left:1.1rem; }
tbody tr:nth-child(even) { background:#fafbfc; }
"""


# --------------------------------------------------------------------------- what the rows say
def fraction(row: dict) -> float:
    """The row's score as a fraction of its maximum (0 when there is no maximum)."""
    top = float(row.get("max_score") or 0)
    return min(max(float(row.get("score") or 0) / top, 0.0), 1.0) if top > 0 else 0.0


def cell_results(rows: list[dict]) -> list[dict]:
    """Every test cell in notebook order with its title and, over the rows that ran, how many
    students passed, failed or did not get to it."""
    cells: dict[str, dict] = {}
    for row in rows:
        for cell in row.get("cells") or []:
            if isinstance(cell, dict) and cell.get("kind", "test") == "test" and cell.get("grade_id"):
                cells.setdefault(str(cell["grade_id"]), {"grade_id": str(cell["grade_id"]),
                                                         "title": str(cell.get("title") or ""),
                                                         "passed": 0, "failed": 0, "not run": 0})
    for row in rows:
        if row.get("status") in RAN:
            for cell in row.get("cells") or []:
                if isinstance(cell, dict) and str(cell.get("grade_id")) in cells:
                    status = cell.get("status")
                    cells[str(cell["grade_id"])]["passed" if status == "passed" else
                                                 "failed" if status == "failed" else "not run"] += 1
    return list(cells.values())


def classic_mistakes(rows: list[dict]) -> list[tuple[int, str, str]]:
    """(students, mistake, test cell), most common first: each failed check's ``Likely mistake:``
    line, each student counted once per test cell and mistake."""
    order = {c["grade_id"]: i for i, c in enumerate(cell_results(rows))}
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        if row.get("status") not in RAN:
            continue
        for cell in row.get("cells") or []:
            if not isinstance(cell, dict) or cell.get("status") != "failed":
                continue
            for message in cell.get("messages") or []:
                for line in str(message).splitlines():
                    if line.lstrip().startswith(MISTAKE):
                        mistake = line.lstrip()[len(MISTAKE):].strip()[:400]
                        if mistake:
                            seen.add((str(row.get("student_id")), str(cell.get("grade_id")), mistake))
    counts = Counter((gid, mistake) for _, gid, mistake in seen)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0][0], len(order)), kv[0][1]))
    return [(n, mistake, gid) for (gid, mistake), n in ranked]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _students(n: int) -> str:
    return _count(n, "student")


# --------------------------------------------------------------------------- figures
# SVG with glyphs as shared paths: exact layout in any browser, sharp at any zoom, and drawn in
# about half the time of a PNG of the same size. Margins are set by hand (a layout engine would
# draw every figure twice).
def _svg(fig) -> tuple[str, int, int]:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    width, height = (int(round(v * 96)) for v in fig.get_size_inches())  # CSS pixels
    return base64.b64encode(buffer.getvalue()).decode("ascii"), width, height


def _style():
    import matplotlib

    return matplotlib.rc_context({
        "text.parse_math": False,  # titles and names are text, whatever "$" they hold
        "svg.fonttype": "path", "svg.hashsalt": "course-report",  # the same page for the same rows
        "font.size": 10, "axes.titlesize": 12, "axes.titleweight": "bold", "axes.labelsize": 10,
        "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "#59636e",
        "xtick.color": "#333333", "ytick.color": "#333333", "legend.frameon": False,
    })


def _text_width(lines: list[str], size: float) -> float:
    """Width in inches of the widest of ``lines`` (measured for the few longest only)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    font = FontProperties(size=size)
    longest = sorted(lines, key=len)[-3:]
    return max((text_to_path.get_text_width_height_descent(t, font, ismath=False)[0] / 72 for t in longest),
               default=0.0)


def score_figure(rows: list[dict]) -> tuple[str, str, int, int]:
    """Histogram of scores (% of the maximum), stacked by how the submission was graded."""
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    groups = [("graded normally", BLUE, [r for r in rows if r.get("status") == "graded"]),
              ("held for review", ORANGE, [r for r in rows if r.get("status") == "held for review"]),
              ("stopped or not gradable", VERMILLION,
               [r for r in rows if r.get("status") not in ("graded", "held for review", "no submission")])]
    groups = [(label, colour, [100 * fraction(r) for r in group]) for label, colour, group in groups if group]
    bins = np.linspace(0, 100, 11)
    graded = [100 * fraction(r) for r in rows if r.get("status") == "graded"]
    with _style():
        fig = Figure(figsize=(10.2, 4.0))
        fig.subplots_adjust(left=.07, right=.975, bottom=.14, top=.9)
        ax = fig.add_subplot()
        if groups:
            ax.hist([g[2] for g in groups], bins=bins, stacked=True, color=[g[1] for g in groups],
                    label=[f"{g[0]} ({len(g[2])})" for g in groups], edgecolor="white", linewidth=1.2)
        if graded:
            mean, median = statistics.fmean(graded), statistics.median(graded)
            ax.axvline(mean, color="#1f2328", linestyle="--", linewidth=1.4, label=f"mean {mean:.0f} %")
            ax.axvline(median, color="#1f2328", linestyle=":", linewidth=1.8, label=f"median {median:.0f} %")
        ax.set_xlim(0, 100)
        ax.set_xticks(bins, [f"{b:.0f} %" for b in bins])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("Score (% of the points)")
        ax.set_ylabel("Students")
        ax.set_title("Score distribution", loc="left")
        ax.grid(axis="y", color="#e5e8eb", linewidth=.8)
        ax.set_axisbelow(True)
        if groups:
            ax.legend(loc="upper left", fontsize=9)
        else:
            ax.text(50, .5, "no graded submissions", ha="center", va="center", color="#59636e")
        data, width, height = _svg(fig)
    counts = np.histogram([v for g in groups for v in g[2]], bins=bins)[0] if groups else np.zeros(10, int)
    alt = ("Histogram of scores in steps of 10 %: " + ", ".join(
        f"{int(lo)}–{int(hi)} %: {n}" for lo, hi, n in zip(bins, bins[1:], counts) if n) + "."
        if groups else "No submissions were graded.")
    if graded:
        alt += f" Over the {len(graded)} graded normally, mean {mean:.0f} %, median {median:.0f} %."
    return data, alt, width, height


def pass_rate_figure(cells: list[dict], ran: int) -> tuple[str, str, int, int]:
    """Horizontal bars, one per test cell in notebook order: passed, failed, not run (% of the
    submissions that ran)."""
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    n = max(ran, 1)
    share = {k: np.array([100 * c[k] / n for c in cells]) for k in ("passed", "failed", "not run")}
    labels = [f"{textwrap.shorten(c['title'], 64, placeholder='…') or c['grade_id']}\n{c['grade_id']}"
              for c in cells]
    y = np.arange(len(cells))
    label_size, top, bottom, row = 8.3, .72, .6, .44
    width = 10.2
    left = min(_text_width([line for label in labels for line in label.splitlines()], label_size) + .5, 5.5)
    height = top + bottom + row * len(cells)
    with _style():
        fig = Figure(figsize=(width, height))
        fig.subplots_adjust(left=left / width, right=1 - .15 / width, bottom=bottom / height, top=1 - top / height)
        ax = fig.add_subplot()
        start = np.zeros(len(cells))
        for key, colour, hatch in (("passed", BLUE, None), ("failed", VERMILLION, None), ("not run", GREY, "//")):
            ax.barh(y, share[key], left=start, height=.7, color=colour, hatch=hatch, edgecolor="white",
                    linewidth=.6, label=key)
            start += share[key]
        for yi, c in zip(y, cells):
            ax.text(101.5, yi, f"{100 * c['passed'] / n:.0f} %", va="center", fontsize=9, color="#1f2328")
        ax.set_yticks(y, labels, fontsize=label_size, linespacing=1.05)
        ax.set_ylim(len(cells) - .5, -.5)  # notebook order from the top
        ax.set_xlim(0, 110)
        ax.set_xticks(np.arange(0, 101, 20))
        ax.xaxis.set_major_formatter(PercentFormatter())
        ax.set_xlabel(f"Share of the {ran} submissions that ran (the figure at the right: passed)")
        ax.set_title("Pass rate of every test cell", loc="left", pad=20)
        ax.grid(axis="x", color="#e5e8eb", linewidth=.8)
        ax.set_axisbelow(True)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, fontsize=9, borderaxespad=.2)
        data, w, h = _svg(fig)
    alt = (f"Bar chart of the share of the {ran} submissions that passed each test cell, in notebook order: "
           + "; ".join(f"{c['grade_id']} {100 * c['passed'] / n:.0f} %" for c in cells) + ".")
    return data, alt, w, h


def _figure(data: str, alt: str, width: int, height: int, caption: str) -> str:
    return (f'<figure><img src="data:image/svg+xml;base64,{data}" width="{width}" height="{height}" alt="{esc(alt)}">'
            f"<figcaption>{caption}</figcaption></figure>")


# --------------------------------------------------------------------------- the page
def _card(value: str, label: str, alert: bool = False, link: str = "") -> str:
    label = f'<a href="#{link}">{label}</a>' if link else label
    return (f'<div class="card{" alert" if alert else ""}"><span class="value">{value}</span>'
            f'<span class="label">{label}</span></div>')


def _status(status: str) -> str:
    css = "status-" + "-".join(str(status).split()) if status in set(NEEDS_PERSON) | {"graded", "no submission"} else ""
    return f'<span class="badge {css}">{esc(status or "unknown")}</span>'


def _why(row: dict, limit: int = 12) -> str:
    parts = [f"<p>{esc(row['reason'])}</p>"] if row.get("reason") else []
    flags = [str(f) for f in row.get("flags") or []]
    if flags:
        items = "".join(f"<li>{esc(f)}</li>" for f in flags[:limit])
        more = f"<li>and {len(flags) - limit} more</li>" if len(flags) > limit else ""
        parts.append(f"<ul>{items}{more}</ul>")
    return "".join(parts) or '<span class="note">–</span>'


def _table(ident: str, caption: str, head: list[tuple[str, str]], body: list[str]) -> str:
    heads = "".join(f'<th scope="col" class="{css}">{text}</th>' if css else f'<th scope="col">{text}</th>'
                    for text, css in head)
    return (f'<table id="{ident}"><caption>{caption}</caption><thead><tr>{heads}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _sandbox_banner(rows: list[dict]) -> str:
    outside = [r for r in rows if r.get("status") != "no submission" and r.get("sandbox") != SANDBOX]
    if not outside:
        return ""
    how = Counter(str(r.get("sandbox") or "not recorded") for r in outside)
    details = "; ".join(esc(k) + (f" ({_students(n)})" if len(how) > 1 else "") for k, n in how.most_common())
    return ('<div class="banner" role="alert" id="sandbox-warning"><strong>⚠ Student code ran WITHOUT the sandbox'
            '</strong>'
            f"The notebooks of {_students(len(outside))} ran outside bubblewrap: {details}. That code could read "
            "the solutions in <code>source/</code>, the gradebook and other students' work, use the network, and "
            "write wherever the grader can. Install bubblewrap (Debian package <code>bubblewrap</code>) and grade "
            "again before trusting these results.</div>")


def _header(assignment: str, rows: list[dict]) -> str:
    meta = [f"Written {_dt.datetime.now(_dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}"]
    stamps = sorted(when(str(r["graded_at"])) for r in rows if r.get("graded_at"))
    if stamps:
        last = f" to {esc(stamps[-1])}" if stamps[-1] != stamps[0] else ""
        meta.append(f"submissions graded {esc(stamps[0])}{last}")
    timed = [r for r in rows if isinstance(r.get("seconds"), (int, float)) and not isinstance(r.get("seconds"), bool)]
    if timed:
        slowest = max(timed, key=lambda r: r["seconds"])
        meta.append(f"{statistics.median(float(r['seconds']) for r in timed):.1f} s per submission (median), "
                    f"slowest {esc(slowest.get('student_id'))} {float(slowest['seconds']):.1f} s")
    return (f'<p class="kicker">Grading report</p><h1>{esc(assignment)}</h1><p class="meta">{" · ".join(meta)}</p>'
            + _sandbox_banner(rows))


def _cards(rows: list[dict], need: list[dict]) -> str:
    by_status = Counter(str(r.get("status")) for r in rows)
    graded = [r for r in rows if r.get("status") == "graded"]
    top = Counter(float(r.get("max_score") or 0) for r in rows if r.get("max_score")).most_common(1)
    max_score = points(top[0][0]) if top else "–"
    scores = [float(r.get("score") or 0) for r in graded]
    pct = [100 * fraction(r) for r in graded]
    mean = (f"{statistics.fmean(pct):.0f} %", f"mean score: {statistics.fmean(scores):.1f} of {max_score}") if graded \
        else ("–", "mean score")
    median = (f"{statistics.median(pct):.0f} %", f"median score: {points(statistics.median(scores))} of {max_score}") \
        if graded else ("–", "median score")
    missing = sum(by_status[s] for s in NOT_SUBMITTED)
    cards = [_card(str(len(rows)), "students"), _card(str(len(graded)), "graded normally"),
             _card(*mean), _card(*median),
             _card(str(by_status["held for review"]), "held for review", bool(by_status["held for review"]),
                   "need-a-person"),
             _card(str(missing), "no or invalid submission", bool(by_status["invalid notebook"]), "students"),
             _card(str(len(need)), "need a person", bool(need), "need-a-person")]
    return (f'<div class="cards">{"".join(cards)}</div><p class="note">Mean and median are over the submissions '
            'graded normally. Jump to: <a href="#mistakes">classic mistakes</a> · <a href="#need-a-person">'
            'submissions that need a person</a> · <a href="#students">every student</a></p>')


def _scores(rows: list[dict]) -> str:
    missing = sum(r.get("status") == "no submission" for r in rows)
    return ('<section id="scores"><h2>Scores</h2>' + _figure(
        *score_figure(rows),
        f"{_count(len(rows) - missing, 'submission')}"
        + (f"; {_students(missing)} with no submission left out" if missing else "")
        + ". Blue: graded normally; orange: held for review (at the score the hold gives); vermillion: stopped "
          "(kernel died, timed out) or not gradable.") + "</section>")


def _test_cells(rows: list[dict], cells: list[dict]) -> str:
    out = ['<section id="test-cells"><h2>Test cells</h2>']
    if not cells:
        return out[0] + "<p>No test cells were graded.</p></section>"
    ran = sum(r.get("status") in RAN for r in rows)
    out.append(_figure(*pass_rate_figure(cells, ran),
                       f"Over the {_count(ran, 'submission')} "
                       "whose notebook ran (graded normally, timed out or kernel died); held and ungradable ones are "
                       "left out. Hatched grey: the check never ran (the notebook stopped before it)."))
    body = [f'<tr><td><code>{esc(c["grade_id"])}</code></td><td>{esc(c["title"])}</td>'
            f'<td class="num">{c["passed"]}</td><td class="num">{c["failed"]}</td>'
            f'<td class="num">{c["not run"]}</td></tr>' for c in cells]
    out.append("<details><summary>The numbers behind this figure</summary>" + _table(
        "test-cells-table", "Students per test cell and result",
        [("Test cell", ""), ("What it checks", ""), ("Passed", "num"), ("Failed", "num"), ("Not run", "num")],
        body) + "</details></section>")
    return "".join(out)


def _mistakes(mistakes: list[tuple[int, str, str]]) -> str:
    out = ['<section id="mistakes"><h2>Classic mistakes</h2><p class="note">Recognised from the '
           "<code>Likely mistake:</code> line of the failed checks' messages, over the submissions that ran; a "
           "student is counted once per test cell and mistake.</p>"]
    if not mistakes:
        return out[0] + "<p>No failed check named a likely mistake.</p></section>"
    most = max(n for n, _, _ in mistakes)
    body = [f'<tr><td class="num"><span class="bar" style="width:{4 * n / most:.2f}rem" aria-hidden="true">'
            f'</span>{_students(n)}</td><td>{esc(mistake)}</td><td><code>{esc(gid)}</code></td></tr>'
            for n, mistake, gid in mistakes]
    return out[0] + _table("mistakes-table", "Most common first",
                           [("Students", "num"), ("Likely mistake", ""), ("Test cell", "")], body) + "</section>"


def hints_used(rows: list[dict]) -> list[dict]:
    """Per exercise, in the order first met: how many students opened 1, 2, 3... steps of its hints,
    the points the hints took, and who opened them (student id -> steps)."""
    out: dict[str, dict] = {}
    for row in rows:
        for h in row.get("hints") or []:
            if not isinstance(h, dict) or not isinstance(h.get("steps"), int):
                continue
            entry = out.setdefault(str(h.get("exercise")), {"exercise": str(h.get("exercise")), "steps": Counter(),
                                                            "of": h.get("of"), "taken": 0.0, "students": {}})
            entry["steps"][h["steps"]] += 1
            entry["students"][str(row.get("student_id"))] = h["steps"]
            try:
                entry["taken"] += float(h.get("deducted") or 0)
            except (TypeError, ValueError):
                pass
    return list(out.values())


def _hints(rows: list[dict]) -> str:
    used = hints_used(rows)
    costs = sorted({float(r.get("hint_cost") or 0) for r in rows if r.get("status") not in NOT_SUBMITTED})
    cost = (f"{points(costs[0])} point{'' if costs[0] == 1 else 's'} per step opened (CourseGrader.hint_cost), "
            "never more than the exercise earned" if costs and costs[-1] and len(costs) == 1 else
            "no points (CourseGrader.hint_cost = 0)" if costs == [0.0] or not costs else
            "different costs across these results: " + ", ".join(points(c) for c in costs))
    out = ['<section id="hints"><h2>Hints used</h2><p class="note">From each submission’s '
           f"<code>hints_used.json</code>, which the student’s notebook writes as hints are opened; hints cost {cost}. "
           "The record is the student’s own file: one who deletes it shows no hints.</p>"]
    unread = [r for r in rows if r.get("hints_note")]
    if unread:
        out.append("<p>Records not fully read: " + "; ".join(
            f"{esc(r.get('student_id'))} ({esc(r['hints_note'])})" for r in unread[:20]) + ".</p>")
    if not used:
        return "".join(out) + "<p>No student opened a hint.</p></section>"
    top = max(max(u["steps"], default=0) for u in used)
    body = [f'<tr><td><code>{esc(u["exercise"])}</code></td><td class="num">{sum(u["steps"].values())}</td>'
            + "".join(f'<td class="num">{u["steps"].get(k, 0)}</td>' for k in range(1, top + 1))
            + f'<td class="num">{points(round(u["taken"], 6))}</td>'
            f'<td>{esc(", ".join(f"{s} ({n})" for s, n in sorted(u["students"].items())))}</td></tr>'
            for u in used]
    head = ([("Exercise", ""), ("Students", "num")] + [(f"{k} step{'' if k == 1 else 's'}", "num")
                                                       for k in range(1, top + 1)]
            + [("Points taken", "num"), ("Who (steps opened)", "")])
    return "".join(out) + _table("hints-table", "Students who opened hints, by the number of steps they opened",
                                 head, body) + "</section>"


def _feedback_link(row: dict, links: dict[str, str]) -> str:
    href = links.get(str(row.get("student_id")))
    return f'<a href="{esc(href)}">feedback</a>' if href else ""


def _need_a_person(need: list[dict], links: dict[str, str]) -> str:
    out = '<section id="need-a-person"><h2>Submissions that need a person</h2>'
    if not need:
        return out + "<p>None: every submission was graded normally or was missing.</p></section>"
    body = [f'<tr><th scope="row">{esc(r.get("student_id"))}</th><td>{_status(r["status"])}</td>'
            f'<td>{_why(r)}</td><td class="num">{points(r.get("score"))} / {points(r.get("max_score"))}</td>'
            f"<td>{_feedback_link(r, links)}</td></tr>" for r in need]
    return out + _table("need-a-person-table", "Held for review, stopped, or not gradable: look at these",
                        [("Student", ""), ("Status", ""), ("Why", ""), ("Score", "num"), ("", "")], body) + "</section>"


def _every_student(rows: list[dict], links: dict[str, str]) -> str:
    body = [f'<tr><th scope="row">{esc(r.get("student_id"))}</th>'
            f'<td class="num">{points(r.get("score"))} / {points(r.get("max_score"))}</td>'
            f'<td class="num">{100 * fraction(r):.0f} %</td><td>{_status(str(r.get("status") or ""))}</td>'
            f'<td>{esc(r.get("reason") or "")}</td><td>{_feedback_link(r, links)}</td></tr>'
            for r in sorted(rows, key=lambda r: str(r.get("student_id")))]
    return ('<section id="students"><h2>Every student</h2>' + _table(
        "students-table", f"{_students(len(rows))}, by student id",
        [("Student", ""), ("Score", "num"), ("%", "num"), ("Status", ""), ("Reason", ""), ("", "")], body)
        + "</section>")


def report_html(assignment: str, rows: list[dict], feedback_links: dict[str, str] | None = None) -> str:
    """The report page; ``feedback_links`` maps a student id to the address of their feedback page."""
    rows = [r for r in rows if isinstance(r, dict)]
    links = feedback_links or {}
    need = sorted((r for r in rows if r.get("status") in NEEDS_PERSON),
                  key=lambda r: (NEEDS_PERSON.index(r["status"]), str(r.get("student_id"))))
    body = [_header(assignment, rows), _cards(rows, need), _scores(rows), _test_cells(rows, cell_results(rows)),
            _mistakes(classic_mistakes(rows)), _hints(rows), _need_a_person(need, links), _every_student(rows, links)]
    return page(f"Grading report: {assignment}", "\n".join(body), REPORT_CSS)


def write_report(course: Path, assignment: str, rows: list[dict]) -> Path:
    """Write ``reports/<assignment>.html`` for the grading rows of ``assignment``; return its path."""
    if not is_name(assignment):
        raise ValueError(f"not an assignment name: {assignment!r}")
    course = Path(course)
    links = {}
    for row in rows:
        student, name = str(row.get("student_id") or ""), str(row.get("notebook") or "")
        page_path = course / "feedback" / student / assignment / f"{name}.html"
        if is_name(student) and is_name(name) and page_path.is_file():
            links[student] = "../feedback/" + "/".join(quote(part) for part in (student, assignment, f"{name}.html"))
    path = course / "reports" / f"{assignment}.html"
    write_atomically(path, report_html(assignment, rows, links))
    return path

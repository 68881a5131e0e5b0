"""`marginlab report DIR`: figures, report.md, report.html and summary.json for a results
folder. Each experiment has an analysis module marginlab.analyses.<name> (dashes become
underscores) with `analyze(results, fig_dir) -> Analysis`.

Usage: .venv/bin/python -m marginlab.report DIR
"""
import html
import importlib
import json
import pathlib
import shutil
import sys
from dataclasses import dataclass, field

from . import _errors
from . import results as results_mod

VERDICTS = ("supported", "not supported", "inconclusive", "not measured")
# A claim is evidence about a paper's statement, or a sanity check: an identity or a consequence
# of how marginlab computes things (a certified bound holding, mass conservation), reported so a
# broken computation shows, but never counted as evidence for the paper.
KINDS = ("evidence", "sanity check")


@dataclass
class Claim:
    claim: str          # the paper's statement, in our words
    source: str         # paper, figure or theorem
    metric: str         # what was measured
    value: object       # the measured value (number, or a short text)
    verdict: str        # one of VERDICTS
    detail: str = ""    # how the verdict was reached
    kind: str = "evidence"  # one of KINDS

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"claim '{self.claim}': verdict '{self.verdict}' is not one of {VERDICTS}")
        if self.kind not in KINDS:
            raise ValueError(f"claim '{self.claim}': kind '{self.kind}' is not one of {KINDS}")

    def as_dict(self):
        return {"claim": self.claim, "source": self.source, "metric": self.metric,
                "value": self.value, "verdict": self.verdict, "detail": self.detail, "kind": self.kind}


@dataclass
class Analysis:
    figures: list = field(default_factory=list)   # (caption, file stem) under fig_dir
    claims: list = field(default_factory=list)    # Claim
    tables: list = field(default_factory=list)    # (title, markdown table)
    notes: list = field(default_factory=list)     # paragraphs


def fmt(v):
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def markdown(res, an, config_text):
    lines = [f"# {res.experiment} — report ({res.scale} scale)", ""]
    runs = res.runs
    done = len(res.done())
    lines += [f"Results folder: `{res.dir}`; {done} of {len(runs)} trials done; "
              f"marginlab {res.meta.get('marginlab_version', '?')}; config `{res.meta.get('config_path', '')}`.", ""]
    evidence = [c for c in an.claims if c.kind == "evidence"]
    checks = [c for c in an.claims if c.kind != "evidence"]
    for title, group in (("Claims", evidence), ("Sanity checks (identities and certificates, not evidence)", checks)):
        if not group:
            continue
        lines += [f"## {title}", "", "| claim | source | metric | value | verdict |", "|---|---|---|---|---|"]
        for c in group:
            lines.append(f"| {c.claim} | {c.source} | {c.metric} | {fmt(c.value)} | **{c.verdict}** |")
        lines.append("")
        for c in group:
            if c.detail:
                lines.append(f"- *{c.claim}*: {c.detail}")
        lines.append("")
    if an.figures:
        lines += ["## Figures", ""]
        for caption, stem in an.figures:
            lines += [f"![{caption}](figures/{stem}.png)", "", f"*{caption}* ([SVG](figures/{stem}.svg))", ""]
    for title, table in an.tables:
        lines += [f"## {title}", "", table, ""]
    failed = res.failed()
    if failed:
        lines += ["## Failed trials", "",
                  f"{len(failed)} trial(s) failed; no analysis above counts them.", "",
                  "| run | point | trial | reason |", "|---|---|---|---|"]
        for r in failed[:50]:
            reason = (r.error or "?").replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {r.id} | {r.point} | {r.trial} | {reason} |")
        if len(failed) > 50:
            lines.append(f"| … | | | {len(failed) - 50} more (see runs.csv) |")
        lines.append("")
    for note in an.notes:
        lines += [note, ""]
    lines += ["## Configuration", "", "```toml", config_text.strip(), "```", ""]
    return "\n".join(lines)


def to_html(md_text, title):
    """A plain HTML rendering of the markdown we write (headings, tables, images, lists, code)."""
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
           "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
           "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:4px 8px}"
           "img{max-width:100%}pre{background:#f4f4f4;padding:1em;overflow:auto}</style></head><body>"]
    in_code = in_table = False
    for line in md_text.split("\n"):
        if line.startswith("```"):
            out.append("</pre>" if in_code else "<pre>")
            in_code = not in_code
            continue
        if in_code:
            out.append(html.escape(line))
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= set("-") for c in cells):
                continue
            if not in_table:
                out.append("<table>")
                in_table = True
                out.append("<tr>" + "".join(f"<th>{inline(c)}</th>" for c in cells) + "</tr>")
            else:
                out.append("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            out.append("</table>")
            in_table = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{inline(line[level:].strip())}</h{level}>")
        elif line.startswith("!["):
            alt, src = line[2:].split("](", 1)
            out.append(f"<img alt='{html.escape(alt)}' src='{html.escape(src.rstrip(')'))}'>")
        elif line.startswith("- "):
            out.append(f"<li>{inline(line[2:])}</li>")
        elif line.strip():
            out.append(f"<p>{inline(line)}</p>")
    if in_table:
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def inline(text):
    import re
    t = html.escape(text)
    t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
    t = re.sub(r"\*(.+?)\*", r"<i>\1</i>", t)
    t = re.sub(r"`(.+?)`", r"<code>\1</code>", t)
    t = re.sub(r"\[(.+?)\]\((.+?)\)", r"<a href='\2'>\1</a>", t)
    return t


def make_report(directory):
    """Reads DIR/results.sqlite and writes the report (write_report). Raises FileNotFoundError
    when there is no store, and marginlab.InputError for a damaged one (results.load)."""
    return write_report(results_mod.load(directory))


def write_report(res):
    """Figures, summary.json, report.md and report.html for a loaded store; returns (res, analysis)."""
    directory = res.dir
    name = res.experiment
    try:
        module = importlib.import_module(f"marginlab.analyses.{name.replace('-', '_')}")
    except ModuleNotFoundError:
        raise SystemExit(f"no analysis for experiment '{name}' "
                         f"(expected python/marginlab/analyses/{name.replace('-', '_')}.py)")
    fig_dir = res.dir / "figures"
    if not res.done():
        raise SystemExit(f"{directory}: no finished trials yet")
    made = not fig_dir.exists()
    fig_dir.mkdir(exist_ok=True)
    try:
        an = module.analyze(res, fig_dir)
    except (ValueError, TypeError, KeyError, IndexError) as e:
        if made:  # no half-drawn figures left behind
            shutil.rmtree(fig_dir, ignore_errors=True)
        if isinstance(e, _errors.Error):
            raise
        # results.load checked what the schema promises; a stored value it cannot judge (a
        # parameter that is not a number) fails here. Chained: the analysis's traceback stays
        # in __cause__ for a bug in the analysis.
        raise _errors.InputError(
            f"{res.dir / 'results.sqlite'}: the {name} analysis cannot use the stored values "
            f"({type(e).__name__}: {e}); the store may be damaged") from e
    summary = {"experiment": name, "scale": res.scale, "trials_done": len(res.done()),
               "trials_total": len(res.runs), "claims": [c.as_dict() for c in an.claims]}
    (res.dir / "summary.json").write_text(json.dumps(summary, indent=2, default=float) + "\n")
    md = markdown(res, an, res.meta.get("config_text", ""))
    (res.dir / "report.md").write_text(md)
    (res.dir / "report.html").write_text(to_html(md, f"marginlab {name} report"))
    return res, an


def main(argv):
    if len(argv) != 2:
        print("usage: python3 -m marginlab.report DIR", file=sys.stderr)
        return 2
    # Errors the user can act on are one line in the CLI's form, exit 2 (the CLI adds nothing).
    def fail(message):
        print(f"marginlab: error: report: {message}", file=sys.stderr)
        return 2
    try:
        res = results_mod.load(argv[1])
    except (FileNotFoundError, _errors.Error) as e:  # missing or damaged: one line naming the file
        print(f"marginlab: error: {e}", file=sys.stderr)
        return 2
    try:
        res, an = write_report(res)
    except SystemExit as e:
        if isinstance(e.code, str):
            return fail(e.code)
        raise
    except _errors.Error as e:
        print(f"marginlab: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a read-only or full folder: one line naming the file, no traceback
        return fail(f"cannot write the report: {e.filename or argv[1]}: {e.strerror or e}")
    print(f"report: {res.dir / 'report.md'}, {res.dir / 'report.html'}, {res.dir / 'summary.json'}, "
          f"{len(an.figures)} figure(s) in {res.dir / 'figures'}")
    for c in an.claims:
        tag = "" if c.kind == "evidence" else " (sanity check)"
        print(f"  [{c.verdict}]{tag} {c.claim} ({c.source}): {c.metric} = {fmt(c.value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

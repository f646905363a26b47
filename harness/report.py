"""The HTML report, rendered from results records alone (no TensorFlow, no rerun).

Records from several files (shards, xdist workers) merge by (id, target): the last one read wins,
so a rerun shard can replace an earlier one. Everything shown is escaped by Jinja2's autoescape.
"""
from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

STATUSES = ("fail", "xpass", "xfail", "pass", "skip")
_ORDER = {s: i for i, s in enumerate(STATUSES)}


def page_name(case_id: str) -> str:
    """A file name per case: case ids hold '/', ':' and brackets, so use a digest."""
    return "cases/" + hashlib.sha256(case_id.encode()).hexdigest()[:16] + ".html"


def describe(outcome: dict | None) -> str:
    if not outcome:
        return "not run"
    if "shapes" in outcome and outcome.get("shapes") is not None:
        shapes = outcome["shapes"]
        dtypes = outcome.get("dtypes", {})
        return ", ".join(f"{name} {shape} {dtypes.get(name, '')}".strip()
                         for name, shape in shapes.items()) or "value"
    text = f"{outcome.get('error')}"
    if outcome.get("signal"):
        text += f" ({outcome['signal']})"
    if outcome.get("message"):
        text += f": {outcome['message']}"
    return text


def merge(records: list[dict]) -> list[dict]:
    merged = {}
    for rec in records:
        merged[(rec["id"], rec["target"])] = rec
    return list(merged.values())


def render(records: list[dict], out: Path) -> Path:
    out = Path(out)
    records = merge(records)
    env = Environment(loader=PackageLoader("harness", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals["outcome"] = describe
    (out / "cases").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(__file__).parent / "templates" / "style.css", out / "style.css")

    by_case: dict[str, list[dict]] = {}
    for rec in records:
        by_case.setdefault(rec["id"], []).append(rec)
    case_tpl = env.get_template("case.html")
    for case_id, recs in by_case.items():
        recs.sort(key=lambda r: r["target"])
        first = recs[0]
        (out / page_name(case_id)).write_text(case_tpl.render(
            root="../", case=first, results=recs), encoding="utf-8")

    rows = sorted(records, key=lambda r: (_ORDER.get(r["status"], 9), r["id"], r["target"]))
    for row in rows:
        row["page"] = page_name(row["id"])
    known = []
    for case_id, recs in sorted(by_case.items()):
        for k in recs[0].get("known") or []:
            known.append({**k, "id": case_id, "page": page_name(case_id)})
    index = env.get_template("index.html").render(
        root="", rows=rows, records=records, totals=Counter(r["status"] for r in records),
        statuses=STATUSES, n_cases=len(by_case), known=known,
        targets=sorted({r["target"] for r in records}),
        tf_versions=sorted({r.get("tf_version") or "unknown" for r in records}))
    (out / "index.html").write_text(index, encoding="utf-8")
    return out / "index.html"

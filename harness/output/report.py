"""The HTML report, rendered from results records and their stored tensors alone (no TensorFlow,
no rerun): an index (totals, an op x target grid, a filterable list, run settings, known
deviations) and a page per case (its source and YAML, its tensors as heatmap grids, what each
target did side by side, a tf.nn snippet).

Records from several files (CI shards, xdist workers, TensorFlow versions) merge by
(id, target, TensorFlow version): the last one read wins, so a rerun shard replaces an earlier
one, and two TensorFlow versions show side by side. Everything shown is escaped by Jinja2's
autoescape; data for the page scripts goes through |tojson into <script type="application/json">.
A case page's body (rendered and escaped here) and its grids' values go in compressed (`pack`,
`pack_html`: zlib, base64), which report.js inflates with the browser's DecompressionStream: they
are most of a report's bytes. The pages need no network: style.css and report.js are copied next
to index.html.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import os
import shutil
import zlib
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from packaging.version import InvalidVersion, Version

from harness.model import REFERENCE
from harness.output import tensorstore
from harness.output.explain import describe
from harness.targets import target_matches
from harness.verdict.signature import ALL_KEYS
from harness.verdict.signature import describe as describe_signature

STATUSES = ("fail", "xpass", "xfail", "pass", "skip")
_ORDER = {s: i for i, s in enumerate(STATUSES)}
MESSAGE_LIMIT = 240       # characters of a message in the index (the case page has all of it)
NOSCRIPT_ROWS = 1000      # rows of the index's static fallback table
PARALLEL_CASES = 300      # from this many case pages on, render them in a process per core
ASSETS = ("style.css", "report.js")
TEMPLATES = Path(__file__).parent / "templates"


def page_name(case_id: str) -> str:
    """A file name per case that says which (its file and name, in characters safe everywhere) and
    is unique (a digest of the id: different ids can read the same once '/', ':' and brackets go)."""
    path, _, name = case_id.partition("::")
    stem = re.sub(r"\.ya?ml$", "", re.sub(r"^cases/", "", path))
    slug = re.sub(r"[^A-Za-z0-9_.=-]+", "-", f"{stem}--{name}").strip("-.")[:90]
    return f"cases/{slug}-{hashlib.sha256(case_id.encode()).hexdigest()[:8]}.html"


def merge(records: list[dict]) -> list[dict]:
    merged = {}
    for rec in records:
        merged[(rec["id"], rec["target"], rec.get("tf_version"))] = rec
    return list(merged.values())


def _env() -> Environment:
    env = Environment(loader=PackageLoader("harness.output", "templates"), trim_blocks=True,
                      lstrip_blocks=True,
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals["outcome"] = describe
    env.filters["num"] = _num
    env.filters["packed"] = pack_html
    return env


def _num(value, digits: int = 3) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):        # a complex value, as compare stores it
        return f"{value[0]:.{digits}g}{value[1]:+.{digits}g}j"
    return f"{value:.{digits}g}"


# -- tensors as grid data for the page script -------------------------------------------------------
def _values(array: np.ndarray, digits: int = 7) -> list:
    """Flat values for JSON: 7 significant digits (enough to read, a third of repr's bytes),
    integers without '.0', non-finite as the strings JavaScript's Number() parses."""
    a = np.asarray(array)
    if a.dtype.kind in "iub":
        return a.ravel().tolist()
    if a.dtype.kind == "c":
        a = a.real
    a = a.astype(np.float64).ravel()
    if np.isfinite(a).all():           # the common cases, without a Python branch per element
        if (a == np.round(a)).all() and (np.abs(a) < 1e15).all():
            return a.astype(np.int64).tolist()
        return list(map(float, map(f"{{:.{digits}g}}".format, a.tolist())))
    out = []
    for v in a.tolist():
        if not math.isfinite(v):
            out.append("NaN" if v != v else ("Infinity" if v > 0 else "-Infinity"))
            continue
        v = float(f"{v:.{digits}g}")
        out.append(int(v) if v.is_integer() and abs(v) < 1e15 else v)
    return out


def _tensor_order(name: str):
    """Data first, then filters, then biases: results files keep tensors sorted by name."""
    layer, _, base = name.rpartition(":")        # chain cases: "<layer>:<argument>"
    return layer, base in tensorstore.FILTER_NAMES or "filter" in base, base == "bias", name


def _figure(role, name, array, meta, fmt, panels, op=None) -> dict:
    meta = meta or {}
    rows, cols, axes = tensorstore.layout(name, array.ndim, fmt, tensorstore.filter_axes(op, name))
    return {"role": role, "name": name, "dtype": meta.get("dtype", str(array.dtype)),
            "shape": meta.get("shape", list(array.shape)), "stored": list(array.shape),
            "origin": meta.get("origin", [0] * array.ndim), "stats": meta.get("stats"),
            "rows": rows, "cols": cols, "axes": axes, "panels": panels}


def _load(rec: dict, rel: str, base: Path, cache: dict):
    root = Path(rec["_file"]).parent if rec.get("_file") else base
    path = os.path.normpath(root / rel)     # not resolve(): a syscall per path component
    if path not in cache:
        try:
            cache[path] = tensorstore.load(path)
        except (OSError, ValueError, KeyError):     # missing or broken: the page shows no grids
            cache[path] = ({}, {})
    return cache[path]


def _group(rec: dict, group: str, base: Path, cache: dict, reference: dict | None = None):
    """(arrays, meta) of one of a record's tensor groups (harness.output.tensorstore): inline in the
    record or in a file next to its results file; ({}, {}) when it has none or it is unreadable.
    `reference`: the record's reference arrays, which its inline outputs are stored against."""
    text = rec.get(f"inline_{group}")
    if text:
        key = ("inline", text, rec.get("inline_reference") or (rec.get("tensor_files") or {}).get("reference"))
        if key not in cache:
            try:
                cache[key] = tensorstore.decode(text, reference)
            except (ValueError, KeyError, TypeError, zlib.error):
                cache[key] = ({}, {})
        return cache[key]
    rel = (rec.get("tensor_files") or {}).get(group)
    return _load(rec, rel, base, cache) if rel else ({}, {})


def figures(recs: list[dict], base: Path, cache: dict | None = None) -> list[dict]:
    """Inputs once per case; per output, one figure holding the reference, each distinct
    TensorFlow result and its |TF - reference| (targets with identical results share panels)."""
    cache = {} if cache is None else cache
    fmt = (recs[0].get("args") or {}).get("data_format")
    op = recs[0].get("op")
    figs, arrays, meta = [], {}, {}
    for rec in recs:            # the case's inputs: the first record that has them
        arrays, meta = _group(rec, "inputs", base, cache)
        if arrays:
            break
    if arrays:
        for name in sorted(arrays, key=_tensor_order):
            a = arrays[name]
            figs.append(_figure("input", name, a, meta.get(name), fmt,
                                [{"label": name, "kind": "value", "v": _values(a)}], op))
    groups: dict[tuple, dict] = {}
    for rec in recs:
        ref_arrays, ref_meta = _group(rec, "reference", base, cache)
        out_arrays, out_meta = _group(rec, "outputs", base, cache, ref_arrays)
        arrays, meta = {**ref_arrays, **out_arrays}, {**ref_meta, **out_meta}
        if not arrays:
            continue
        names = list(dict.fromkeys(k.split(".", 1)[1] for k in arrays))
        for name in names:
            r, t, tol = (arrays.get(f"{p}.{name}") for p in ("ref", "tf", "tol"))
            if tol is None and f"bad.{name}" in arrays:      # what the verdict found, and its bound
                tol = (arrays[f"bad.{name}"], meta.get(f"bad.{name}", {}).get("tol_max", 0.0))
            if r is not None:
                m = meta.get(f"ref.{name}", {})
                key = (name, r.shape, tuple(m.get("origin", ())))
                if key not in groups:
                    groups[key] = _figure("output", name, r, m, fmt,
                                          [{"label": "reference", "kind": "value", "v": _values(r)}], op)
                if t is not None and t.shape == r.shape:
                    _add_tf(groups[key], rec, t, r, tol, name)
                    continue
            if t is not None:       # no reference to compare with, or a shape of its own
                m = meta.get(f"tf.{name}", {})
                key = (name, "tf-only", t.shape, tuple(m.get("origin", ())))
                if key not in groups:
                    groups[key] = _figure("output", name, t, m, fmt, [], op)
                _add_tf(groups[key], rec, t, None, None, name)
    for fig in groups.values():
        for panel in fig["panels"]:
            panel.pop("digest", None)       # only for merging identical results above
    return figs + list(groups.values())


def _add_tf(fig: dict, rec: dict, t: np.ndarray, r, tol, name: str) -> None:
    digest = hashlib.sha1(t.tobytes() + str(t.dtype).encode()).hexdigest()
    label = rec["_col"]
    for panel in fig["panels"]:
        if panel.get("digest") == digest:
            panel["targets"].append(label)
            return
    panel = {"label": "TensorFlow", "kind": "value", "digest": digest, "targets": [label], "v": _values(t)}
    if r is not None:       # cells shown as the reference's are null: "base" names that panel (0)
        ref = fig["panels"][0]["v"]
        same = [None if a == b else a for a, b in zip(panel["v"], ref)]
        if same.count(None):
            panel.update(v=same, base=0)
    fig["panels"].append(panel)
    if r is None:
        return
    err = tensorstore.abs_err(r, t)
    if isinstance(tol, tuple):        # stored: the cells beyond tolerance and the largest tolerance
        mask, top = tol
        bad, top = np.flatnonzero(np.asarray(mask).ravel()), float(top)
    else:
        if tol is None:       # no per-element tolerance stored: the record's largest one
            tol = ((rec.get("details") or {}).get(name) or {}).get("max_tolerance") or 0.0
        limit = np.broadcast_to(np.asarray(tol, dtype=np.float64), err.shape)
        bad, top = np.flatnonzero(err > limit), float(limit.max()) if limit.size else 0.0
    fig["panels"].append({"label": "|TF − reference|", "kind": "diff", "digest": digest,
                          "targets": fig["panels"][-1]["targets"], "v": _values(err, 3),
                          "bad": bad.tolist(), "tol": top})


def resolve_panels(data: dict) -> dict:
    """A case page's grid data with every panel's values whole (report.js does the same): a panel
    with a `base` holds null where its value is the base panel's."""
    for fig in data.get("figures", []):
        for panel in fig["panels"]:
            if "base" in panel:
                base = fig["panels"][panel.pop("base")]["v"]
                panel["v"] = [b if v is None else v for v, b in zip(panel["v"], base)]
    return data


def _deflate(text: str) -> dict:
    return {"zlib": base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")}


def _inflate(data: dict) -> str:
    return zlib.decompress(base64.b64decode(data["zlib"])).decode("utf-8")


def pack(data) -> dict:
    """Data for report.js (a case page's grids, the index's list), compressed: `{"zlib": base64 of
    zlib-compressed JSON}`. The grids' values are most of a page, as text, and compress about three
    to one; the browser inflates them with DecompressionStream (no network, no library)."""
    return _deflate(json.dumps(data, separators=(",", ":"), ensure_ascii=False))


def unpack(data: dict):
    """What `pack` packed (tests and tools reading a page)."""
    return json.loads(_inflate(data)) if "zlib" in data else data


_PACKED = re.compile(r'<script type="application/json" id="page-html">(.*?)</script>', re.S)


def pack_html(html: str) -> Markup:
    """A case page's body (Jinja2 has escaped everything in it), compressed as `pack` does, in a
    data block that report.js inflates into the page: text and tables compress about five to one."""
    text = json.dumps(_deflate(str(html)))
    return Markup(f'<script type="application/json" id="page-html">{text}</script>')


def unpacked_html(page: str) -> str:
    """A case page's HTML as the browser shows it, its body inflated in place (tests, tools)."""
    return _PACKED.sub(lambda m: _inflate(json.loads(m.group(1))), page)


# -- a case page --------------------------------------------------------------------------------------
def _own_line(line: str) -> bool:
    """The lines of a snippet that depend on its target: the title, settings, and how `run` is made."""
    return line.startswith(("# Reproduces ", "os.environ[", "run = tf.function("))


def _share_snippets(recs: list[dict]) -> None:
    """A case's snippets differ between targets only in their settings and mode lines: the page
    shows the first in full and, for the others, the lines that differ (the tensors, often most of
    a snippet, once per page)."""
    first = None
    for r in recs:
        text = r.get("snippet")
        if not text:
            continue
        rest = [line for line in text.split("\n") if not _own_line(line)]
        if first is None:
            first = (r.get("_col") or r["target"], rest)
        elif rest == first[1]:
            r["_snippet_base"] = first[0]
            r["_snippet_delta"] = "\n".join(line for line in text.split("\n") if _own_line(line))


def case_context(recs: list[dict], base: Path, cache: dict | None = None) -> dict:
    _share_snippets(recs)
    case = recs[0]
    expect_rows = []        # one cell per run of targets with the same expectation
    for r in recs:
        e = r.get("expected")        # resolved for its target when the result was recorded
        if expect_rows and expect_rows[-1]["expect"] == e:
            expect_rows[-1]["span"] += 1
        else:
            expect_rows.append({"expect": e, "span": 1})
    expects_error = any(isinstance(e["expect"], dict) and e["expect"].get("error") for e in expect_rows)
    specs = case.get("tensors") or {}
    tensors = [(name, specs[name]) for name in sorted(specs, key=_tensor_order)]
    return {"case": case, "results": recs, "data": pack({"figures": figures(recs, base, cache)}),
            "tensors": tensors, "expects_error": expects_error, "expect_rows": expect_rows,
            "outcomes": [("reference", case.get("reference"))] + [(r["_col"], r.get("tf")) for r in recs]}


@lru_cache(maxsize=1)
def _code_digest() -> str:
    from harness.run.reuse import code_digest
    h = hashlib.sha256(code_digest().encode() + Path(__file__).read_bytes())
    for path in sorted(TEMPLATES.iterdir()):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def page_digest(recs: list[dict]) -> str:
    """What decides a case page: its records (tensor files are named after their content) and the
    code and templates that render it. The page carries it, so a rerun skips unchanged pages."""
    # Not where the records were read from, nor their key (the pytest plugin's records have none).
    text = json.dumps([{k: v for k, v in r.items() if k not in ("_file", "key")} for r in recs], sort_keys=True,
                      default=str)
    return hashlib.sha256((_code_digest() + text).encode()).hexdigest()[:32]


def _unchanged(path: Path, digest: str) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(128)
    except OSError:
        return False
    return f"<!-- tfconform page {digest} -->".encode() in head


def _render_cases(env: Environment, out: Path, base: Path, items: list) -> None:
    """items: (case id, its records, its page digest)."""
    template, cache = env.get_template("case.html"), {}
    for case_id, recs, digest in items:
        html = template.render(root="../", digest=digest, **case_context(recs, base, cache))
        (out / page_name(case_id)).write_text(html, encoding="utf-8")
        cache.clear()


_JOBS: dict = {}      # what forked page renderers inherit (no pickling of thousands of records)


def _render_chunk(bounds: tuple[int, int]) -> int:
    start, stop = bounds
    _render_cases(_env(), _JOBS["out"], _JOBS["base"], _JOBS["items"][start:stop])
    return stop - start


def _render_all_cases(env, out: Path, base: Path, items: list) -> None:
    """Renders the pages of the cases whose page is missing or was rendered from other records or
    by other code (page_digest)."""
    items = [(case_id, recs, digest) for case_id, recs in items
             for digest in [page_digest(recs)] if not _unchanged(out / page_name(case_id), digest)]
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if len(items) < PARALLEL_CASES or cpus < 2 or not hasattr(os, "fork"):
        _render_cases(env, out, base, items)
        return
    import multiprocessing
    _JOBS.update(out=out, base=base, items=items)
    step = max(1, len(items) // (cpus * 4))
    chunks = [(i, min(len(items), i + step)) for i in range(0, len(items), step)]
    try:
        with multiprocessing.get_context("fork").Pool(cpus) as pool:
            pool.map(_render_chunk, chunks)
    finally:
        _JOBS.clear()


# -- the index ------------------------------------------------------------------------------------------
def _index_context(records: list[dict], by_case: dict, cols: list[str], meta: list[dict]) -> dict:
    totals = Counter(r["status"] for r in records)
    ops = sorted({r.get("op") or "?" for r in records})
    kinds = sorted({r.get("kind") for r in records if r.get("kind")})
    case_ids = sorted(by_case)
    case_index = {c: i for i, c in enumerate(case_ids)}
    rows = sorted(records, key=lambda r: (_ORDER.get(r["status"], 9), r["id"], r["_col"]))
    data = {
        "statuses": list(STATUSES), "cols": cols, "ops": ops, "kinds": kinds,
        "cases": [[c, page_name(c), ops.index(by_case[c][0].get("op") or "?")] for c in case_ids],
        # [case, target column, status, kind or -1, message, max |err|]: compact for 10,000 rows
        "rows": [[case_index[r["id"]], cols.index(r["_col"]), _ORDER.get(r["status"], len(STATUSES)),
                  kinds.index(r["kind"]) if r.get("kind") in kinds else -1,
                  (r.get("message") or "")[:MESSAGE_LIMIT],
                  r["max_abs_err"] if isinstance(r.get("max_abs_err"), (int, float)) else None]
                 for r in rows],
    }
    grid = {op: {col: Counter() for col in cols} for op in ops}
    kind_counts: dict = defaultdict(Counter)
    for r in records:
        grid[r.get("op") or "?"][r["_col"]][r["status"]] += 1
        if r.get("kind"):
            kind_counts[r["kind"]][r["status"]] += 1
    known: dict[tuple, dict] = {}
    for case_id in case_ids:
        for k in by_case[case_id][0].get("known") or []:
            pinned = {key: k[key] for key in ALL_KEYS if key in k}
            key = (k.get("reason"), k.get("tf"), tuple(k.get("cpu") or ()), k.get("link"),
                   tuple(k.get("targets") or ()), k.get("kind"), describe_signature(pinned))
            entry = known.setdefault(key, {**k, "signature": describe_signature(pinned) if pinned else "",
                                           "cases": [], "statuses": Counter(), "by_version": defaultdict(Counter)})
            entry["cases"].append({"id": case_id, "page": page_name(case_id)})
            for r in by_case[case_id]:
                if r["status"] in ("xfail", "xpass") and any(target_matches(p, r["target"])
                                                             for p in k.get("targets") or ["*"]):
                    entry["statuses"][r["status"]] += 1
                    entry["by_version"][r.get("tf_version") or "unknown"][r["status"]] += 1
    tf_versions = sorted({r.get("tf_version") or "unknown" for r in records if r["target"] != REFERENCE},
                         key=_version_key)
    for entry in known.values():      # the first and last TF version of this report it was seen on
        seen = sorted((v for v, c in entry["by_version"].items() if c.get("xfail") and v != "unknown"),
                      key=_version_key)
        entry["seen"] = (seen[0], seen[-1]) if seen else None
    variants: dict[str, set] = defaultdict(set)     # variant -> its settings, in every run merged
    for m in meta:
        for variant, env in (m.get("variants") or {}).items() if isinstance(m, dict) else ():
            variants[variant].add(" ".join(f"{k}={v}" for k, v in sorted(env.items())) or "(defaults)")
    return {"root": "", "data": data, "totals": totals, "statuses": STATUSES, "n": len(records),
            "n_cases": len(by_case), "cols": cols, "ops": ops, "grid": grid,
            "kinds": sorted(kind_counts.items()), "known": list(known.values()),
            "tf_versions": tf_versions, "meta": meta,
            "variants": [(v, sorted(s)) for v, s in sorted(variants.items())],
            "noscript": rows[:NOSCRIPT_ROWS],
            "unexpected": totals.get("fail", 0) + totals.get("xpass", 0)}


def _version_key(version: str):
    try:
        return (0, Version(version))
    except InvalidVersion:
        return (1, version)


def render(records: list[dict], out: Path, meta: list[dict] | None = None,
           base: Path | None = None) -> Path:
    """Writes out/index.html, out/cases/*.html and the assets; returns the index's path.
    `base`: where tensor_files of records not read from a file (no `_file`) are relative to."""
    out = Path(out)
    base = Path(base) if base is not None else out
    records = [dict(r) for r in merge(records)]
    # The column a result shows in: its target, and its TF version when results of several TF
    # versions are shown (results without one, such as a reference-only shard, mark no version).
    several_tf = len({r["tf_version"] for r in records if r.get("tf_version")}) > 1
    for rec in records:
        rec["_col"] = rec["target"] + (f" · TF {rec['tf_version']}"
                                       if several_tf and rec.get("tf_version") else "")
        rec["_page"] = page_name(rec["id"])
    cols = sorted({r["_col"] for r in records})
    env = _env()
    (out / "cases").mkdir(parents=True, exist_ok=True)
    for asset in ASSETS:
        shutil.copyfile(TEMPLATES / asset, out / asset)

    by_case: dict[str, list[dict]] = {}
    for rec in records:
        by_case.setdefault(rec["id"], []).append(rec)
    pages = {page_name(c) for c in by_case}
    for old in (out / "cases").glob("*.html"):     # pages of cases no longer in the results
        if f"cases/{old.name}" not in pages:
            old.unlink()
    for recs in by_case.values():
        recs.sort(key=lambda r: r["_col"])
    _render_all_cases(env, out, base, sorted(by_case.items()))

    context = _index_context(records, by_case, cols, meta or [])
    context["packed_data"] = pack(context["data"])       # the list's rows: most of the index
    index = env.get_template("index.html").render(**context)
    (out / "index.html").write_text(index, encoding="utf-8")
    (out / "known.html").write_text(env.get_template("known.html").render(**context), encoding="utf-8")
    return out / "index.html"

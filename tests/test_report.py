"""The HTML report and its tensor store, without TensorFlow: results are made from the numpy
reference (TensorFlow's outcome faked from it), so these tests are fast and need no worker."""
import base64
import contextlib
import html
import json
import re
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from harness.output import results
from harness.model import Outcome, Result
from harness.output.report import page_name, render, resolve_panels, unpack, unpacked_html
from harness.output import tensorstore
from harness.output.tensorstore import LIMIT, SIDE, SLICES, TensorStore, layout, npz_bytes, read_group

ROOT = Path(__file__).resolve().parent.parent
ATROUS = "cases/blogs/atrous_conv2d_tf12.yaml"
TRANSPOSE = "cases/blogs/conv2d_transpose_padding.yaml"


def reference_results(paths, folder: Path, targets=("eager/onednn", "eager/eigen"), perturb=(),
                      tf_version="2.21.0", name="results.jsonl") -> Path:
    """A results file (and its tensors) as a run would write it, with TensorFlow's outputs
    replaced by the reference's in float32; case names in `perturb` get one value off by 1
    on the first target (a value failure with one cell beyond tolerance)."""
    from harness.run.execute import reference_outcome, tensors_of
    from harness.verdict.judge import judge
    from harness.cases.loader import load as load_cases
    from harness.run.snippet import snippet

    with contextlib.chdir(ROOT):        # case ids carry the path as given: keep them repo-relative
        cases, problems = load_cases(list(paths))
    assert not problems, problems
    store, records = TensorStore(folder), []
    for case in cases:
        tensors = tensors_of(case)
        run = reference_outcome(case, tensors)
        ref, scale = run.outcome, run.scale
        for i, target in enumerate(targets):
            if not case.applies_to(target):
                continue
            if ref.kind == "value":
                outputs = {k: v.astype(np.float32) for k, v in ref.outputs.items()}
                if case.name in perturb and i == 0:
                    outputs["output"].reshape(-1)[5] += 1
                tf = Outcome("value", outputs=outputs)
            else:
                tf = Outcome("error", error_type="InvalidArgumentError", error_message=ref.error_message)
            verdict = judge(case, target, ref, scale, tf, tf_version)
            verdict.snippet = snippet(case, target, tensors)
            files = store.put(case, target, tensors, ref, tf, verdict.tolerances)
            records.append(results.record(Result(case, target, verdict, ref, tf), tf_version, files))
    path = folder / name
    results.write(path, records)
    results.write_meta(path, results.run_meta(list(targets), tf_version))
    return path


def case_data(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="case-data">(.*?)</script>', text, re.S)
    return resolve_panels(unpack(json.loads(m.group(1))))


def grid(fig: dict, panel: int, **index) -> np.ndarray:
    """One 2-D slice of a figure's panel, as the page script draws it."""
    values = np.array([float(v) for v in fig["panels"][panel]["v"]]).reshape(fig["stored"])
    where = [slice(None) if a in (fig["rows"], fig["cols"]) else index.get(fig["axes"][a], 0)
             for a in range(len(fig["stored"]))]
    return values[tuple(where)]


@pytest.fixture(scope="module")
def blog_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("blog")
    path = reference_results([ATROUS, TRANSPOSE], folder / "run", perturb=("rate1_same",))
    index = render(results.read([path])[0], folder / "report", meta=results.read_meta([path]))
    return index.parent


# -- the tensor store --------------------------------------------------------------------------------
def test_layout_draws_channels_as_grids():
    assert layout("input", 4, "NHWC")[:2] == (1, 2)
    assert layout("input", 4, "NCHW")[:2] == (2, 3)
    assert layout("filters", 4, None) == (0, 1, ["h", "w", "in", "out"])
    assert layout("input", 3, "NWC")[:2] == (2, 1)           # a row per channel, the sequence across
    assert layout("input", 5, "NDHWC")[:2] == (2, 3)
    assert layout("bias", 1, None)[:2] == (None, 0)
    assert layout("conv1:filters", 4, None)[:2] == (0, 1) and layout("grad_filters", 4, None)[:2] == (0, 1)


def test_store_bounds_large_tensors_around_the_worst_cell(tmp_path):
    from harness.cases.loader import load as load_cases
    case = load_cases([str(ROOT / ATROUS)])[0][0]
    ref = np.zeros((2, 40, 50, 32))
    got = ref.astype(np.float32)
    got[1, 30, 7, 20] = 3.0
    store = TensorStore(tmp_path)
    files = store.put(case, "eager/eigen", {"value": np.ones((2, 40, 50, 32), np.float32)},
                      Outcome("value", outputs={"output": ref}), Outcome("value", outputs={"output": got}),
                      {"output": np.full(ref.shape, 1e-6)})
    ref_arrays, ref_meta = read_group(tmp_path, files["reference"])
    arrays, meta = read_group(tmp_path, files["outputs"], ref_arrays)
    arrays, meta = {**arrays, **ref_arrays}, {**meta, **ref_meta}
    assert set(arrays) == {"ref.output", "tf.output", "bad.output"}
    for key, a in arrays.items():
        assert a.size <= LIMIT and a.shape == (1, SIDE, SIDE, SLICES)
        assert meta[key]["shape"] == [2, 40, 50, 32]
    origin = meta["tf.output"]["origin"]
    assert origin == [1, 30 - SIDE // 2, 0, 20 - SLICES // 2]     # centred on the worst, clamped
    assert arrays["tf.output"][tuple(np.subtract([1, 30, 7, 20], origin))] == 3.0
    assert meta["tf.output"]["stats"]["max"] == 3.0 and meta["tf.output"]["stats"]["nan"] == 0
    assert arrays["bad.output"].sum() == 1 and meta["bad.output"]["tol_max"] == 1e-6
    inputs, imeta = read_group(tmp_path, files["inputs"])
    assert inputs["value"].size <= LIMIT and imeta["value"]["stats"]["mean"] == 1.0


def test_store_is_deterministic_content_addressed_and_pickle_free(tmp_path, monkeypatch):
    from harness.cases.loader import load as load_cases
    case = load_cases([str(ROOT / ATROUS)])[0][0]
    ref = Outcome("value", outputs={"output": np.arange(6.0).reshape(1, 2, 3, 1)})
    tf = Outcome("value", outputs={"output": np.arange(6, dtype=np.float32).reshape(1, 2, 3, 1)})
    tol = {"output": np.full((1, 2, 3, 1), 1e-6)}
    a = TensorStore(tmp_path / "a").put(case, "eager/eigen", {"value": np.ones((1, 2, 2, 1))}, ref, tf, tol)
    b = TensorStore(tmp_path / "b").put(case, "function/eigen", {"value": np.ones((1, 2, 2, 1))}, ref, tf, tol)
    assert a == b        # same tensors, same text, whatever the target
    assert set(a) == {"inputs", "reference", "outputs"} and all("inline" in v for v in a.values())
    assert not (tmp_path / "a" / "tensors").exists()        # small: in the record, no file
    assert sorted(read_group(tmp_path, a["outputs"], read_group(tmp_path, a["reference"])[0])[0]) == [
        "bad.output", "tf.output"]
    assert npz_bytes({"x": np.zeros(3)}) == npz_bytes({"x": np.zeros(3)})
    # Larger ones go to files, named after their content, loaded without pickles.
    monkeypatch.setattr(tensorstore, "INLINE", 16384)
    big = np.random.default_rng(0).normal(size=(1, 64, 64, 1))
    ref, tf = Outcome("value", outputs={"output": big}), Outcome("value", outputs={"output": big.astype(np.float32)})
    a = TensorStore(tmp_path / "a").put(case, "eager/eigen", None, ref, tf, {"output": np.full(big.shape, 1e-6)})
    b = TensorStore(tmp_path / "b").put(case, "function/eigen", None, ref, tf, {"output": np.full(big.shape, 1e-6)})
    assert a == b and isinstance(a["reference"], str)
    assert (tmp_path / "a" / a["reference"]).read_bytes() == (tmp_path / "b" / b["reference"]).read_bytes()
    with np.load(tmp_path / "a" / a["reference"], allow_pickle=False) as npz:
        assert sorted(npz.files) == ["__meta__", "ref.output"]
    arrays, _ = tensorstore.decode(tensorstore.encode({"x": np.arange(3, dtype=np.int16)}, {"x": {}}))
    assert arrays["x"].dtype == np.int16 and arrays["x"].tolist() == [0, 1, 2]


def test_outputs_are_stored_against_the_reference_and_come_back_bit_for_bit():
    rng = np.random.default_rng(1)
    ref = rng.normal(size=(3, 5, 7))
    meta = {}
    for dtype in (np.float16, np.float32, np.float64):
        tf = ref.astype(dtype)
        flat = tf.reshape(-1)
        flat[:6] = [np.nan, -np.nan, np.inf, -0.0, np.finfo(dtype).max, np.finfo(dtype).tiny]
        flat[6:10] = np.nextafter(flat[6:10], dtype(np.inf))        # one ulp off
        odd = np.frombuffer(np.array([0x7FC01234], np.uint32).tobytes(), np.float32)[0]    # a NaN payload
        if dtype == np.float32:
            flat[10] = odd
        reference = {"ref.output": ref, "ref.other": ref[:1]}
        group = {"tf.output": tf, "tf.other": tf, "bad.output": np.zeros(tf.shape, np.uint8)}
        text = tensorstore.encode(group, meta, reference)
        back, _ = tensorstore.decode(text, reference)
        assert set(back) == set(group)
        for key, a in group.items():
            assert back[key].dtype == a.dtype and back[key].tobytes() == a.tobytes(), (dtype, key)
        header = json.loads(zlib.decompress(base64.b64decode(text)).partition(b"\n")[0])
        assert header["delta"] == ["tf.output"]            # tf.other's shape is not its reference's
        alone = {"tf.output": tf}
        assert len(tensorstore.encode(alone, meta, reference)) < len(tensorstore.encode(alone, meta)) / 2
        with pytest.raises(ValueError, match="reference"):
            tensorstore.decode(text)


# -- case pages ----------------------------------------------------------------------------------------
def test_blog_grids_read_like_the_posts(blog_report):
    data = case_data(blog_report / page_name(f"{ATROUS}::rate2_same"))
    figs = {(f["role"], f["name"]): f for f in data["figures"]}
    value = figs["input", "value"]
    assert value["axes"] == ["n", "h", "w", "c"] and value["rows"] == 1 and value["cols"] == 2
    assert grid(value, 0, c=1).tolist() == [[1, 2, 3, 4]] * 4          # the post's image, per channel
    out = figs["output", "output"]
    assert [p["label"] for p in out["panels"]] == ["reference", "TensorFlow", "|TF − reference|"]
    assert out["panels"][1]["targets"] == ["eager/eigen", "eager/onednn"]   # identical: one panel
    for c in range(5):                                                  # the post's printed output
        assert grid(out, 0, c=c).tolist() == [[16, 24, 16, 24]] * 4
        assert grid(out, 1, c=c).tolist() == [[16, 24, 16, 24]] * 4
    assert out["panels"][2]["bad"] == [] and grid(out, 2).max() == 0
    filters = figs["input", "filters"]
    assert filters["axes"] == ["h", "w", "in", "out"] and grid(filters, 0, out=4).tolist() == [[1] * 3] * 3

    ones = case_data(blog_report / page_name(f"{TRANSPOSE}::transpose_same_stride2"))["figures"]
    out = next(f for f in ones if f["role"] == "output")
    assert grid(out, 0).tolist() == [[1] * 4] * 4
    same = case_data(blog_report / page_name(f"{TRANSPOSE}::conv_same_4x4_stride1"))["figures"]
    out = next(f for f in same if f["role"] == "output")
    assert grid(out, 0).tolist() == [[4, 4, 4, 2]] * 3 + [[2, 2, 2, 1]]


def test_a_tensorflow_panel_stores_only_the_cells_that_differ_from_the_reference(blog_report):
    page = blog_report / page_name(f"{ATROUS}::rate1_same")
    m = re.search(r'<script type="application/json" id="case-data">(.*?)</script>', page.read_text(), re.S)
    out = next(f for f in unpack(json.loads(m.group(1)))["figures"] if f["role"] == "output")
    tf_panels = {tuple(p["targets"]): p for p in out["panels"] if p["label"] == "TensorFlow"}
    assert {p.get("base") for p in tf_panels.values()} == {0} and out["panels"][0]["label"] == "reference"
    assert [i for i, v in enumerate(tf_panels["eager/onednn",]["v"]) if v is not None] == [5]   # perturbed
    assert set(tf_panels["eager/eigen",]["v"]) == {None}
    ref, *others = resolve_panels({"figures": [out]})["figures"][0]["panels"]
    perturbed = next(p for p in others if p["targets"] == ["eager/onednn"] and p["kind"] == "value")
    assert perturbed["v"][5] == ref["v"][5] + 1 and perturbed["v"][:5] == ref["v"][:5] and "base" not in perturbed


def test_failure_page_highlights_the_cells_beyond_tolerance(blog_report):
    page = blog_report / page_name(f"{ATROUS}::rate1_same")
    out = next(f for f in case_data(page)["figures"] if f["role"] == "output")
    diffs = [p for p in out["panels"] if p["kind"] == "diff"]
    assert len(diffs) == 2                      # the perturbed target and the intact one
    bad = next(p for p in diffs if p["bad"])
    assert bad["targets"] == ["eager/onednn"] and bad["bad"] == [5] and float(bad["v"][5]) == 1
    assert 0 < bad["tol"] < 1e-3
    text = unpacked_html(page.read_text())
    assert "fail" in text and "1 of 80 beyond" in text
    assert "Reproduce with tf.nn" in text and "tf.nn.atrous_conv2d" in text


def test_expected_error_page_says_what_each_target_did(blog_report):
    text = html.unescape(unpacked_html((blog_report / page_name(f"{ATROUS}::rate_must_be_positive")).read_text()))
    assert "raises ValueError matching dilation_rate` must be positive" in re.sub(r"<[^>]+>", "", text)
    assert text.count("InvalidArgumentError") >= 3      # the reference's and each target's


# -- the index ------------------------------------------------------------------------------------------
def index_data(index: Path) -> dict:
    m = re.search(r'<script type="application/json" id="index-data">(.*?)</script>', index.read_text(), re.S)
    return unpack(json.loads(m.group(1)))


def test_index_totals_grid_filters_and_run(blog_report):
    text = (blog_report / "index.html").read_text()
    data = index_data(blog_report / "index.html")
    assert len(data["rows"]) == 2 * (7 + 14) and data["cols"] == ["eager/eigen", "eager/onednn"]
    assert data["statuses"][data["rows"][0][2]] == "fail"                  # failures first
    fails = sum(data["statuses"][r[2]] == "fail" for r in data["rows"])
    assert fails >= 1 and f'<b>{fails}</b> fail' in text and "atrous_conv2d" in data["ops"]
    assert 'href="#op=atrous_conv2d&amp;target=eager/eigen"' in text       # grid cells link to the list
    for control in ("f-status", "f-op", "f-target", "f-kind", "f-text"):
        assert f'id="{control}"' in text
    assert "TF_ENABLE_ONEDNN_OPTS=0" in text and "TF_ENABLE_ONEDNN_OPTS=1" in text   # variants
    assert "Known deviations" in text and 'href="known.html"' in text
    known = (blog_report / "known.html").read_text()
    assert "uninitialised memory" in known
    assert "shape: shape [1, 4, 4, 2]" in known           # each entry says what TensorFlow does
    assert "<th>TF 2.21.0</th>" in known                  # a column per TF version of the results
    assert "<script src" in text and "http" not in re.sub(r'href="https?://github[^"]*"', "", text).replace(
        "http-equiv", "")   # nothing fetched from the network
    assert (blog_report / "report.js").exists() and (blog_report / "style.css").exists()


def test_merges_shards_and_tensorflow_versions_without_tensorflow(tmp_path):
    a = reference_results([ATROUS], tmp_path / "a", targets=("eager/onednn",))
    b = reference_results([ATROUS], tmp_path / "b", targets=("eager/eigen",))
    c = reference_results([ATROUS], tmp_path / "c", targets=("eager/eigen",), tf_version="2.22.0")
    script = ("import sys; sys.modules['tensorflow'] = None\n"     # importing it would now fail
              "from harness.cli import main\n"
              f"code = main(['report', {str(a)!r}, {str(b)!r}, {str(c)!r}, '-o', {str(tmp_path / 'out')!r}])\n"
              "assert 'tensorflow' not in sys.modules or sys.modules['tensorflow'] is None\n"
              "sys.exit(code)\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "from 3 file(s)" in proc.stdout
    data = index_data(tmp_path / "out" / "index.html")
    assert data["cols"] == ["eager/eigen · TF 2.21.0", "eager/eigen · TF 2.22.0", "eager/onednn · TF 2.21.0"]
    assert len(data["rows"]) == 3 * 7
    out = next(f for f in case_data(tmp_path / "out" / page_name(f"{ATROUS}::rate2_same"))["figures"]
               if f["role"] == "output")
    assert out["panels"][1]["targets"] == data["cols"]     # tensors found next to each shard


def test_index_stays_small_per_result(tmp_path):
    """10,000 results must fit in 5 MB: the index holds compact rows, not markup per result."""
    path = reference_results([ATROUS, TRANSPOSE], tmp_path / "run",
                             targets=("eager/onednn", "eager/eigen", "function/onednn", "function/eigen"))
    records = results.read([path])[0]
    many = [{**r, "id": f"{r['id']}[i={i}]"} for i in range(12) for r in records]     # ~1000 results
    index = render(many, tmp_path / "report")
    assert index.stat().st_size / len(many) < 450       # 10,000 x 450 B = 4.5 MB


# -- hostile input ----------------------------------------------------------------------------------------
HOSTILE = ['<script>alert("id")</script>', "\"'><img src=x onerror=alert(1)>",
           "</script><script>alert(2)</script>",
           "ünïcödé 空洞卷积 \u202e\u0000 😀", "x" * 20000, "{{ 7*7 }} {% raw %}"]


def test_hostile_strings_are_escaped_everywhere(tmp_path):
    path = reference_results([ATROUS], tmp_path / "run", targets=("eager/eigen",))
    records = results.read([path])[0]
    evil = []
    for i, r in enumerate(records):
        s = HOSTILE[i % len(HOSTILE)]
        evil.append({**r, "id": f"{s}::{i}", "name": s, "source": s, "note": s, "message": s, "op": s[:30],
                     "target": "eager/eigen", "text": s, "snippet": s, "kind": s[:10],
                     "args": {"padding": s}, "tf": {"error": s, "message": s},
                     "known": [{"targets": [s], "reason": s, "tf": s, "link": "javascript:alert(3)"}]})
    meta = [{"platform": HOSTILE[0], "variants": {"x": {"TF_A": HOSTILE[1]}}}]
    index = render(evil, tmp_path / "report", meta=meta)
    pages = [index] + sorted((tmp_path / "report" / "cases").glob("*.html"))
    assert len(pages) == 1 + len(records)
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        # ours: the data block and report.js (a case page: and its body, packed)
        assert raw.count("<script") == (2 if page == index else 3), page
        for m in re.finditer(r'<script type="application/json" id="[a-z-]+">(.*?)</script>', raw, re.S):
            json.loads(m.group(1))                      # the data survives escaping intact
        text = unpacked_html(raw)
        assert "<script>alert" not in text and "<img " not in text and "onerror=alert(1)>" not in text
        assert 'href="javascript:' not in text          # links only to http(s)
        assert text.count("<script") == 2, page
    data = index_data(index)
    assert {c[0].split("::")[0] for c in data["cases"]} == set(HOSTILE)    # ids kept, as data
    page = tmp_path / "report" / page_name(evil[0]["id"])
    assert "&lt;script&gt;alert(&#34;id&#34;)&lt;/script&gt;" in unpacked_html(page.read_text())
    page = tmp_path / "report" / page_name(evil[5]["id"])
    assert "<h1>{{ 7*7 }} {% raw %}</h1>" in unpacked_html(page.read_text())   # text, never a template
    long = unpacked_html((tmp_path / "report" / page_name(evil[4]["id"])).read_text())
    assert "x" * 20000 in long
    assert "ünïcödé" in unpacked_html((tmp_path / "report" / page_name(evil[3]["id"])).read_text())


def test_missing_tensors_and_non_finite_values_degrade_gracefully(tmp_path):
    from harness.output.report import _values, figures
    assert _values(np.array([1.0, 2.0])) == [1, 2]
    assert _values(np.array([0.1, np.nan, np.inf, -np.inf], np.float32)) == [0.1, "NaN", "Infinity", "-Infinity"]
    path = reference_results([ATROUS], tmp_path / "run", targets=("eager/eigen",))
    # A results file copied without its tensors/ folder still renders, without grids.
    lonely = tmp_path / "elsewhere" / "results.jsonl"
    lonely.parent.mkdir()
    lonely.write_bytes(path.read_bytes())
    render(results.read([lonely])[0], tmp_path / "report")
    # (small tensors travel inline in the records; a missing file only costs its grids)
    assert case_data(tmp_path / "report" / page_name(f"{ATROUS}::rate2_same"))["figures"]
    gone = {"id": "x", "target": "eager/eigen", "status": "pass", "_col": "eager/eigen",
            "tensor_files": {"inputs": "tensors/gone.npz", "outputs": "tensors/gone2.npz"}}
    assert figures([gone], tmp_path) == []
    # NaN against a number is beyond any tolerance; NaN against NaN is not.
    rec = {k: v for k, v in results.read([path])[0][0].items() if not k.startswith("inline_")}
    rec["_col"] = "eager/eigen"
    store = TensorStore(tmp_path / "nan")
    from harness.cases.loader import load as load_cases
    case = load_cases([str(ROOT / ATROUS)])[0][0]
    ref = np.array([[[[1.0], [np.nan], [3.0]]]])
    got = np.array([[[[np.nan], [np.nan], [3.0]]]], np.float32)
    stored = store.put(case, "eager/eigen", None, Outcome("value", outputs={"output": ref}),
                       Outcome("value", outputs={"output": got}))
    rec.update({f"inline_{k}": v["inline"] for k, v in stored.items()}, tensor_files={})
    rec["_file"] = str(tmp_path / "nan" / "results.jsonl")
    diff = figures([rec], tmp_path)[0]["panels"][2]
    assert diff["bad"] == [0] and diff["v"][:2] == ["Infinity", 0]


def test_results_written_elsewhere_point_back_at_the_tensors(tmp_path):
    recs = [{"id": "a", "target": "eager/eigen", "status": "pass", "tensor_files": {"inputs": "tensors/x.npz"}}]
    moved = results.rebase(recs, tmp_path / "report", tmp_path / "other" / "deeper")
    assert moved[0]["tensor_files"] == {"inputs": "../../report/tensors/x.npz"}
    assert results.rebase(recs, tmp_path, tmp_path) is recs


def test_a_case_page_shows_the_tensors_of_its_snippets_once(blog_report):
    """The targets' snippets differ only in settings and mode lines: the first in full, the others
    as those lines, so the tensors' literals appear once per page."""
    import html
    text = html.unescape(unpacked_html((blog_report / page_name(f"{ATROUS}::rate2_same")).read_text(encoding="utf-8")))
    snippets = re.findall(r"<summary>Reproduce with tf.nn \(([^)]*)\)</summary>(.*?)</details>", text, re.S)
    assert len(snippets) >= 2
    assert text.count("tensors['value'] = tf.constant(") == 1
    first, *others = snippets
    assert "import tensorflow as tf" in first[1]
    for target, body in others:
        assert "import tensorflow as tf" not in body and f"# Reproduces {ATROUS}::rate2_same on {target}" in body

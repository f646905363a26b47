// tfconform report pages: the index's filterable, sortable list and the case pages' heatmap grids.
// Data comes from <script type="application/json"> blocks; everything from results is inserted as
// text (textContent, title), never as HTML. No network, no libraries.
"use strict";

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function jsonData(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

// Numbers as a reader expects them in a grid: integers whole, others to 3 significant digits.
function num(v) {
  if (typeof v === "string") v = Number(v);
  if (v === null || v === undefined) return "";
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(1).replace("e+", "e");
  return String(Number(v.toPrecision(3)));
}

/* ---------------------------------------------------------------- the index ---------------- */
function initIndex(d) {
  const PAGE = 500;
  const rows = d.rows.map((r, i) => {
    const c = d.cases[r[0]];
    const row = {i, id: c[0], page: c[1], op: d.ops[c[2]], target: d.cols[r[1]], s: r[2],
                 status: d.statuses[r[2]] || "?", kind: r[3] >= 0 ? d.kinds[r[3]] : "",
                 message: r[4], err: r[5]};
    row.text = [row.id, row.op, row.target, row.status, row.kind, row.message].join(" ").toLowerCase();
    return row;
  });
  const $ = (id) => document.getElementById(id);
  const f = {status: $("f-status"), op: $("f-op"), target: $("f-target"), kind: $("f-kind"), q: $("f-text")};
  const body = $("results-body"), count = $("f-count"), moreRow = $("more-row");
  let limit = PAGE, sortKey = null, sortDir = 1;

  const cmp = {
    case: (a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    op: (a, b) => a.op.localeCompare(b.op),
    target: (a, b) => a.target.localeCompare(b.target),
    status: (a, b) => a.s - b.s,
    kind: (a, b) => a.kind.localeCompare(b.kind),
    err: (a, b) => (a.err ?? -1) - (b.err ?? -1),
    message: (a, b) => a.message.localeCompare(b.message),
  };

  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    for (const k of ["status", "op", "target", "kind"]) f[k].value = p.get(k) || "";
    f.q.value = p.get("q") || "";
    return p.has("status") || p.has("op") || p.has("target") || p.has("kind") || p.has("q");
  }
  function writeHash() {
    const p = new URLSearchParams();
    for (const k of ["status", "op", "target", "kind"]) if (f[k].value) p.set(k, f[k].value);
    if (f.q.value) p.set("q", f.q.value);
    const h = p.toString();
    history.replaceState(null, "", h ? "#" + h : location.pathname);
  }

  function render() {
    const words = f.q.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = rows.filter((r) =>
      (!f.status.value || r.status === f.status.value) && (!f.op.value || r.op === f.op.value) &&
      (!f.target.value || r.target === f.target.value) && (!f.kind.value || r.kind === f.kind.value) &&
      words.every((w) => r.text.includes(w)));
    if (sortKey) shown = shown.slice().sort((a, b) => sortDir * cmp[sortKey](a, b) || a.i - b.i);
    const frag = document.createDocumentFragment();
    for (const r of shown.slice(0, limit)) {
      const tr = el("tr", {class: r.status});
      const td = el("td");
      const a = el("a", {href: r.page});
      const cut = r.id.lastIndexOf("::");     // file dim, case name bold: ids are long
      if (cut > 0) a.appendChild(el("span", {class: "path"}, r.id.slice(0, cut + 2)));
      a.appendChild(el("b", {}, cut > 0 ? r.id.slice(cut + 2) : r.id));
      td.appendChild(a);
      tr.appendChild(td);
      tr.appendChild(el("td", {}, r.op));
      tr.appendChild(el("td", {}, r.target));
      const st = el("td");
      st.appendChild(el("span", {class: "pill " + r.status}, r.status));
      tr.appendChild(st);
      tr.appendChild(el("td", {}, r.kind));
      tr.appendChild(el("td", {class: "num"}, r.err === null ? "" : num(r.err)));
      tr.appendChild(el("td", {class: "msg"}, r.message));
      frag.appendChild(tr);
    }
    body.replaceChildren(frag);
    count.textContent = shown.length === rows.length
      ? `${rows.length} results` : `${shown.length} of ${rows.length} results`;
    if (shown.length > limit) count.textContent += ` (first ${limit} shown)`;
    moreRow.hidden = shown.length <= limit;
  }

  function changed() { limit = PAGE; writeHash(); render(); }
  for (const k of ["status", "op", "target", "kind"]) f[k].addEventListener("change", changed);
  let timer = null;
  f.q.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(changed, 120); });
  $("f-clear").addEventListener("click", () => {
    for (const k of Object.keys(f)) f[k].value = "";
    changed();
  });
  $("more").addEventListener("click", () => { limit += PAGE; render(); });
  $("all").addEventListener("click", () => { limit = Infinity; render(); });
  for (const th of document.querySelectorAll("#results-table th[data-key]")) {
    th.classList.add("sortable");
    th.addEventListener("click", () => {
      const key = th.dataset.key;
      sortDir = sortKey === key ? -sortDir : 1;
      sortKey = key;
      for (const o of document.querySelectorAll("#results-table th")) o.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      render();
    });
  }
  window.addEventListener("hashchange", () => {
    if (readHash()) document.getElementById("results").scrollIntoView();
    limit = PAGE;
    render();
  });
  readHash();
  render();
}

/* ---------------------------------------------------------------- case pages: grids ---------- */
const MAX_CELLS = 1100;     // more cells than this in all slices: a selector picks one slice

function strides(shape) {
  const s = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

// Sequential blues for values >= 0; orange for negatives; white at zero (or at the minimum).
function colour(v, lo, hi) {
  if (typeof v === "string") v = Number(v);
  if (Number.isNaN(v)) return ["#fce4ec", "#880e4f"];
  const span = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  let t;
  let hue;
  // a constant tensor (all ones, say) gets a light tone, not a wall of the darkest colour
  if (lo >= 0) { t = hi > lo ? (v - lo) / (hi - lo) : (hi > 0 ? 0.3 : 0); hue = [33, 102, 172]; }
  else if (v < 0) { t = Math.min(1, -v / span); hue = [214, 96, 10]; }
  else { t = Math.min(1, v / span); hue = [33, 102, 172]; }
  if (!Number.isFinite(t)) t = 1;
  t = Math.max(0, Math.min(1, t)) * 0.9;
  const c = hue.map((h) => Math.round(255 + (h - 255) * t));
  return [`rgb(${c[0]},${c[1]},${c[2]})`, t > 0.5 ? "#fff" : "#111"];
}

function range(fig, panels) {
  let lo = Infinity, hi = -Infinity;
  for (const p of panels) {
    for (let v of p.v) {
      v = Number(v);
      if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    }
  }
  if (lo === Infinity) { lo = 0; hi = 0; }
  return [lo, hi];
}

function otherAxes(fig) {
  return fig.stored.map((_, a) => a).filter((a) => a !== fig.rows && a !== fig.cols);
}

function sliceLabel(fig, idx) {
  return otherAxes(fig).map((a) => `${fig.axes[a] || "ax" + a}=${fig.origin[a] + idx[a]}`).join(" ");
}

function drawGrid(fig, panel, idx, scale) {
  const shape = fig.stored, st = strides(shape);
  const nr = fig.rows === null ? 1 : shape[fig.rows];
  const nc = fig.cols === null ? 1 : shape[fig.cols];
  const bad = panel.kind === "diff" ? new Set(panel.bad) : null;
  const table = el("table", {class: "grid " + panel.kind});
  const head = el("tr");
  head.appendChild(el("th", {class: "corner"}));
  for (let c = 0; c < nc; c++) head.appendChild(el("th", {}, fig.cols === null ? "" : fig.origin[fig.cols] + c));
  table.appendChild(head);
  let base = 0;
  for (let a = 0; a < shape.length; a++) if (a !== fig.rows && a !== fig.cols) base += idx[a] * st[a];
  for (let r = 0; r < nr; r++) {
    const tr = el("tr");
    tr.appendChild(el("th", {}, fig.rows === null ? "" : fig.origin[fig.rows] + r));
    for (let c = 0; c < nc; c++) {
      const flat = base + (fig.rows === null ? 0 : r * st[fig.rows]) + (fig.cols === null ? 0 : c * st[fig.cols]);
      const v = panel.v[flat];
      const where = fig.stored.map((_, a) => fig.origin[a] + (a === fig.rows ? r : a === fig.cols ? c : idx[a]));
      const td = el("td", {title: `[${where.join(", ")}] = ${v}` +
        (panel.kind === "diff" ? (bad.has(flat) ? "  beyond tolerance" : "  within tolerance") : "")}, num(v));
      if (panel.kind === "diff") {
        if (bad.has(flat)) td.className = "bad";
        else {
          const t = scale[1] > 0 ? Math.min(1, Number(v) / scale[1]) : 0;
          const g = Math.round(255 - 70 * t);
          td.style.background = `rgb(${g},${g},${g})`;
        }
      } else {
        const [bg, fg] = colour(v, scale[0], scale[1]);
        td.style.background = bg;
        td.style.color = fg;
      }
      tr.appendChild(td);
    }
    table.appendChild(tr);
  }
  return table;
}

function allSlices(fig) {
  const axes = otherAxes(fig);
  let out = [fig.stored.map(() => 0)];
  for (const a of axes) {
    const next = [];
    for (const idx of out) for (let i = 0; i < fig.stored[a]; i++) { const j = idx.slice(); j[a] = i; next.push(j); }
    out = next;
  }
  return out;
}

function drawFigure(fig) {
  const box = el("div", {class: "figure " + fig.role});
  const h = el("h3", {}, fig.name + " ");
  h.appendChild(el("span", {class: "dim"}, `[${fig.shape.join(", ")}]` +
    (fig.role === "input" ? " " + fig.dtype : " output")));
  box.appendChild(h);
  if (fig.stored.some((n) => n === 0)) {
    box.appendChild(el("p", {class: "dim"}, "Empty: no elements. " +
      fig.panels.map((p) => p.label + (p.targets ? " (" + p.targets.join(", ") + ")" : "")).join(", ")));
    return box;
  }
  if (fig.stats) {
    const s = fig.stats;
    const shown = fig.stored.map((n, a) => `${fig.axes[a] || a} ${fig.origin[a]}–${fig.origin[a] + n - 1}`).join(", ");
    box.appendChild(el("p", {class: "summary"},
      `Summarised: ${fig.shape.reduce((x, y) => x * y, 1)} elements, min ${num(s.min)}, max ${num(s.max)}, ` +
      `mean ${num(s.mean)}, std ${num(s.std)}` + (s.nan ? `, ${s.nan} NaN` : "") + (s.inf ? `, ${s.inf} ±∞` : "") +
      `. Showing ${shown}` + (fig.role === "output" ? " (around the largest |TF − reference|)." : ".")));
  }
  const values = fig.panels.filter((p) => p.kind === "value");
  const scale = range(fig, values);
  const slices = allSlices(fig);
  const selectors = el("div", {class: "selector"});
  const current = fig.stored.map(() => 0);
  const body = el("div", {class: "panels"});
  const perSlice = (fig.rows === null ? 1 : fig.stored[fig.rows]) * (fig.cols === null ? 1 : fig.stored[fig.cols]);
  let many = slices.length > 1 && slices.length * perSlice > MAX_CELLS;
  if (many) {
    for (const a of otherAxes(fig)) {
      const label = el("label", {}, (fig.axes[a] || "axis " + a) + " ");
      const input = el("input", {type: "number", min: fig.origin[a], max: fig.origin[a] + fig.stored[a] - 1,
                                  value: fig.origin[a]});
      input.addEventListener("input", () => {
        const v = Math.round(Number(input.value)) - fig.origin[a];
        if (v >= 0 && v < fig.stored[a]) { current[a] = v; draw(); }
      });
      label.appendChild(input);
      label.appendChild(el("span", {class: "dim"}, ` of ${fig.shape[a]}`));
      selectors.appendChild(label);
    }
    const all = el("button", {type: "button"}, `show all ${slices.length} slices`);
    all.addEventListener("click", () => {
      many = !many;
      all.textContent = many ? `show all ${slices.length} slices` : "show one slice";
      draw();
    });
    selectors.appendChild(all);
    box.appendChild(selectors);
  }
  box.appendChild(body);

  function draw() {
    const picked = many ? [current] : slices;
    const frag = document.createDocumentFragment();
    for (const p of fig.panels) {
      const row = el("div", {class: "panel " + p.kind});
      const label = el("div", {class: "label"});
      if (fig.role !== "input") label.appendChild(el("b", {}, p.label));   // an input's name is its heading
      if (p.targets) label.appendChild(el("div", {class: "dim"}, p.targets.join(", ")));
      if (p.kind === "diff") {
        const max = Math.max(0, ...p.v.map(Number).filter((x) => !Number.isNaN(x)));
        label.appendChild(el("div", {class: p.bad.length ? "err" : "ok"},
          p.bad.length ? `${p.bad.length} cell${p.bad.length > 1 ? "s" : ""} beyond tolerance` : "all within tolerance"));
        label.appendChild(el("div", {class: "dim"}, `max ${num(max)}, tolerance ≤ ${num(p.tol)}`));
      }
      row.appendChild(label);
      const grids = el("div", {class: "grids"});
      const dscale = p.kind === "diff" ? [0, Math.max(p.tol, ...p.v.map(Number).filter(Number.isFinite))] : scale;
      for (const idx of picked) {
        const cell = el("figure");
        cell.appendChild(drawGrid(fig, p, idx, dscale));
        const cap = sliceLabel(fig, idx);
        const axes = [fig.rows, fig.cols].filter((a) => a !== null).map((a) => fig.axes[a] || a).join(" × ");
        cell.appendChild(el("figcaption", {}, (cap ? cap + " · " : "") + axes));
        grids.appendChild(cell);
      }
      row.appendChild(grids);
      frag.appendChild(row);
    }
    body.replaceChildren(frag);
  }
  draw();
  return box;
}

function initCase(d) {
  const root = document.getElementById("figures");
  if (!d.figures.length) {
    root.appendChild(el("p", {class: "dim"}, "No tensors stored for this case (it was skipped, every target " +
      "failed before computing, or the results file came without its tensors/ folder)."));
    return;
  }
  for (const fig of d.figures) {
    // A TensorFlow panel holds null where it shows the reference's value (report.py's _add_tf).
    for (const p of fig.panels) {
      if (p.base !== undefined) p.v = p.v.map((v, i) => (v === null ? fig.panels[p.base].v[i] : v));
    }
    root.appendChild(drawFigure(fig));
  }
}

// The data blocks come zlib-compressed and base64-encoded ({"zlib": "..."}, report.py's pack), and
// so does a case page's body (its HTML, escaped when it was rendered: pack_html). The browser
// inflates them itself, from the page, with no network.
async function inflate(d) {
  const bytes = Uint8Array.from(atob(d.zlib), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return await new Response(stream).text();
}

async function unpack(d) {
  return d && d.zlib ? JSON.parse(await inflate(d)) : d;
}

async function initPage(index, page, data) {
  if (index) initIndex(await unpack(index));
  if (page) {
    const holder = document.getElementById("page-html");
    const body = document.createElement("div");
    body.innerHTML = await inflate(page);
    holder.replaceWith(...body.childNodes);
    if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
  }
  if (data) initCase(await unpack(data));
}

const indexData = jsonData("index-data");
const pageHtml = jsonData("page-html");
const caseData = jsonData("case-data");
// Resolves once the page is drawn (the browser tests and screenshots wait for it).
window.tfconformReady = !(indexData || pageHtml || caseData) ? Promise.resolve()
  : typeof DecompressionStream === "undefined"
  ? Promise.resolve(document.querySelector("main").prepend(el("p", {class: "err"},
      "This browser cannot show this page: it lacks DecompressionStream (Chrome 80, Firefox 113, Safari 16.4 or later).")))
  : initPage(indexData, pageHtml, caseData);

// SharpSR's page: a client of the same HTTP API any program can use (/api/models, /api/upscale, /api/progress).
"use strict";

const $ = (id) => document.getElementById(id);
const state = { models: [], items: [], selected: null, running: false, token: null };

// ---- API ------------------------------------------------------------------------------------------------

function authHeaders() {
  return state.token ? { Authorization: "Bearer " + state.token } : {};
}

async function api(path, init = {}) {
  const response = await fetch(path, { ...init, headers: { ...authHeaders(), ...(init.headers || {}) } });
  if (response.status === 401) {
    await askToken();
    return api(path, init);
  }
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try { message = (await response.json()).error || message; } catch { /* not JSON */ }
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return response;
}

function askToken() {
  return new Promise((resolve) => {
    const dialog = $("token-dialog");
    $("token-form").onsubmit = () => {
      state.token = $("token").value.trim();
      sessionStorage.setItem("sharpsr-token", state.token);
      resolve();
    };
    if (!dialog.open) dialog.showModal();
  });
}

function randomTicket() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// ---- settings -------------------------------------------------------------------------------------------

async function loadModels() {
  try {
    const list = await (await api("/api/models")).json();
    state.models = list.models;
    const select = $("model");
    select.replaceChildren(...list.models.map((m) => new Option(m.name, m.name)));
    select.value = localStorage.getItem("sharpsr-model") || list.default;
    if (!select.value) select.value = list.default;
    const mb = (list.limits.maxUploadBytes / 1048576).toFixed(0);
    const mp = (list.limits.maxPixels / 1e6).toFixed(1);
    $("limits").textContent = `PNG, JPEG, BMP, PPM · up to ${mb} MB and ${mp} megapixels each`;
    onModelChange();
  } catch (e) {
    setServer("cannot reach the server: " + e.message, true);
  }
}

function currentModel() {
  return state.models.find((m) => m.name === $("model").value) || state.models[0];
}

function onModelChange() {
  const model = currentModel();
  if (!model) return;
  localStorage.setItem("sharpsr-model", model.name);
  const scale = $("scale");
  const previous = scale.value;
  scale.replaceChildren(...model.scales.map((s) => new Option("x" + s, String(s))));
  scale.value = model.scales.includes(Number(previous)) ? previous : String(model.defaultScale);
  $("model-info").textContent = model.description;
  const ensemble = $("ensemble");
  ensemble.disabled = model.name === "bicubic";
  if (ensemble.disabled) ensemble.checked = false;
}

function setServer(text, bad = false) {
  const pill = $("server");
  pill.textContent = text;
  pill.classList.toggle("bad", bad);
}

async function pollHealth() {
  try {
    const h = await (await fetch("/healthz")).json();
    const busy = h.running + h.waiting;
    setServer(busy ? `working · ${h.running} running, ${h.waiting} waiting` : `ready · ${h.workers} worker${h.workers > 1 ? "s" : ""}`);
  } catch {
    setServer("server offline", true);
  }
}

// ---- queue ----------------------------------------------------------------------------------------------

function addFiles(files) {
  for (const file of files) {
    const node = $("item-template").content.firstElementChild.cloneNode(true);
    const item = { id: randomTicket(), file, node, state: "waiting", before: URL.createObjectURL(file), result: null, resultUrl: null, name: "", abort: null };
    node.querySelector(".thumb").src = item.before;
    node.querySelector(".name").textContent = file.name;
    node.querySelector(".name").title = file.name;
    node.querySelector(".remove").onclick = (e) => { e.stopPropagation(); remove(item); };
    node.querySelector(".retry").onclick = (e) => { e.stopPropagation(); setState(item, "waiting", "waiting", 0); pump(); };
    node.onclick = () => select(item);
    node.onkeydown = (e) => { if (e.key === "Enter") select(item); };
    const img = new Image();
    img.onload = () => { item.width = img.naturalWidth; item.height = img.naturalHeight; if (item.state === "waiting") setState(item, "waiting", `${img.naturalWidth}×${img.naturalHeight} · waiting`, 0); };
    img.src = item.before;
    state.items.push(item);
    $("queue").append(node);
    setState(item, "waiting", "waiting", 0);
  }
  refresh();
  pump();
}

function setState(item, name, detail, percent) {
  item.state = name;
  item.node.dataset.state = name;
  item.node.querySelector(".detail").textContent = detail;
  item.node.querySelector(".bar span").style.width = percent + "%";
  item.node.querySelector(".retry").hidden = name !== "failed";
  const save = item.node.querySelector(".save");
  save.hidden = name !== "done";
  if (name === "done") { save.href = item.resultUrl; save.download = item.name; }
  refresh();
}

function remove(item) {
  if (item.abort) item.abort.abort();
  item.node.remove();
  state.items = state.items.filter((i) => i !== item);
  URL.revokeObjectURL(item.before);
  if (item.resultUrl) URL.revokeObjectURL(item.resultUrl);
  if (state.selected === item) showViewer(null);
  refresh();
}

function refresh() {
  const done = state.items.filter((i) => i.state === "done");
  $("count").textContent = state.items.length ? `${done.length} of ${state.items.length} done` : "";
  $("empty").hidden = state.items.length > 0;
  $("download-all").disabled = done.length === 0;
  $("clear").disabled = done.length === 0 && !state.items.some((i) => i.state === "failed");
}

// One job at a time from this page: the server's queue is shared with every other client.
async function pump() {
  if (state.running) return;
  const item = state.items.find((i) => i.state === "waiting");
  if (!item) return;
  state.running = true;
  try { await run(item); } finally { state.running = false; }
  pump();
}

const stageText = {
  decoding: () => "reading the image",
  queued: (p) => p.ahead > 0 ? `queued · ${p.ahead} ahead` : "starting",
  upscaling: (p) => `upscaling · tile ${p.done} of ${p.total}`,
  encoding: () => "encoding",
};

function stagePercent(p) {
  if (p.stage === "decoding") return 3;
  if (p.stage === "queued") return 6;
  if (p.stage === "upscaling") return 8 + 84 * (p.total ? p.done / p.total : 0);
  if (p.stage === "encoding") return 94;
  return 0;
}

async function run(item) {
  const model = currentModel();
  const scale = Number($("scale").value);
  const ensemble = $("ensemble").checked;
  const format = $("format").value;
  item.ticket = randomTicket();
  item.abort = new AbortController();
  item.label = `${model.name} x${scale}${ensemble ? "+" : ""}`;
  setState(item, "running", "sending", 1);
  const tokenQuery = state.token ? "?token=" + encodeURIComponent(state.token) : "";
  const events = new EventSource(`/api/progress/${item.ticket}${tokenQuery}`);
  events.addEventListener("progress", (e) => {
    const p = JSON.parse(e.data);
    if (item.state === "running" && stageText[p.stage]) setState(item, "running", stageText[p.stage](p), stagePercent(p));
  });
  const query = new URLSearchParams({ model: model.name, scale, ensemble, format, ticket: item.ticket });
  const started = performance.now();
  try {
    const response = await api("/api/upscale?" + query, {
      method: "POST",
      body: item.file,
      headers: { "Content-Type": item.file.type || "application/octet-stream" },
      signal: item.abort.signal,
    });
    item.result = await response.blob();
    item.resultUrl = URL.createObjectURL(item.result);
    const size = response.headers.get("X-SharpSR-Size") || "";
    const stem = item.file.name.replace(/\.[^.]*$/, "") || "image";
    item.name = `${stem}_x${scale}.${format === "jpeg" ? "jpg" : "png"}`;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    setState(item, "done", `${size.replace("x", "×")} · ${item.label} · ${seconds} s`, 100);
    if (!state.selected || state.selected.state !== "done") select(item);
  } catch (e) {
    if (item.abort.signal.aborted) return;
    setState(item, "failed", e.message, 100);
  } finally {
    events.close();
    item.abort = null;
    pollHealth();
  }
}

// ---- viewer ---------------------------------------------------------------------------------------------

function select(item) {
  state.selected = item;
  for (const i of state.items) i.node.classList.toggle("selected", i === item);
  showViewer(item && item.state === "done" ? item : null);
}

function showViewer(item) {
  $("viewer").hidden = !item;
  $("viewer-empty").hidden = !!item;
  $("download-one").hidden = !item;
  if (!item) { $("viewer-title").textContent = "Before / after"; return; }
  $("viewer-title").textContent = item.file.name;
  $("before").src = item.before;
  $("after").src = item.resultUrl;
  $("after-tag").textContent = "after · " + item.label;
  $("download-one").href = item.resultUrl;
  $("download-one").download = item.name;
  setDivide(Number($("compare").value));
}

function setDivide(percent) {
  $("after").style.clipPath = `inset(0 0 0 ${percent}%)`;
  $("handle").style.left = percent + "%";
}

// ---- download all: a ZIP written here (stored, no compression: PNG and JPEG are compressed already) ------

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

async function zip(files) {
  const parts = [], central = [];
  let offset = 0;
  const encoder = new TextEncoder();
  const used = new Set();
  for (const { name, blob } of files) {
    let unique = name, k = 2;
    while (used.has(unique)) unique = name.replace(/(\.[^.]*)?$/, `-${k++}$1`);
    used.add(unique);
    const data = new Uint8Array(await blob.arrayBuffer());
    const nameBytes = encoder.encode(unique);
    const crc = crc32(data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true); local.setUint16(4, 20, true); local.setUint16(6, 0x0800, true);
    local.setUint32(14, crc, true); local.setUint32(18, data.length, true); local.setUint32(22, data.length, true);
    local.setUint16(26, nameBytes.length, true);
    const entry = new DataView(new ArrayBuffer(46));
    entry.setUint32(0, 0x02014b50, true); entry.setUint16(4, 20, true); entry.setUint16(6, 20, true); entry.setUint16(8, 0x0800, true);
    entry.setUint32(16, crc, true); entry.setUint32(20, data.length, true); entry.setUint32(24, data.length, true);
    entry.setUint16(28, nameBytes.length, true); entry.setUint32(42, offset, true);
    parts.push(local, nameBytes, data);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const size = central.reduce((s, p) => s + p.byteLength, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true); end.setUint16(8, files.length, true); end.setUint16(10, files.length, true);
  end.setUint32(12, size, true); end.setUint32(16, offset, true);
  return new Blob([...parts, ...central, end], { type: "application/zip" });
}

async function downloadAll() {
  const done = state.items.filter((i) => i.state === "done");
  const blob = await zip(done.map((i) => ({ name: i.name, blob: i.result })));
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = "sharpsr-upscaled.zip";
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// ---- wiring ---------------------------------------------------------------------------------------------

function init() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  state.token = fromHash || sessionStorage.getItem("sharpsr-token");
  if (fromHash) { sessionStorage.setItem("sharpsr-token", fromHash); history.replaceState(null, "", location.pathname); }

  $("model").onchange = onModelChange;
  $("file-input").onchange = (e) => { addFiles(e.target.files); e.target.value = ""; };
  const drop = $("drop");
  drop.onkeydown = (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("file-input").click(); } };
  for (const type of ["dragenter", "dragover"]) drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("over"); });
  for (const type of ["dragleave", "drop"]) drop.addEventListener(type, () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); addFiles([...e.dataTransfer.files].filter((f) => f.type.startsWith("image/") || /\.(ppm|pgm|pnm)$/i.test(f.name))); });
  // Dropping outside the zone must not navigate away from the queue.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());
  $("compare").oninput = (e) => setDivide(Number(e.target.value));
  $("download-all").onclick = downloadAll;
  $("clear").onclick = () => state.items.filter((i) => i.state === "done" || i.state === "failed").forEach(remove);
  window.addEventListener("beforeunload", (e) => { if (state.items.some((i) => i.state === "running" || i.state === "waiting")) e.preventDefault(); });

  loadModels();
  pollHealth();
  setInterval(pollHealth, 4000);
}

init();

// The ocrforge web page: read an image (boxes and text drawn over it), search the index.
"use strict";

const $ = (id) => document.getElementById(id);
let lastResult = null;

for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => {
    document.querySelectorAll(".tab, .panel").forEach((el) => el.classList.remove("active"));
    tab.classList.add("active");
    $(tab.dataset.tab).classList.add("active");
  });
}

function setStatus(id, message, isError = false) {
  $(id).textContent = message;
  $(id).classList.toggle("error", isError);
}

// A server started with --api-key-file answers 401 until the key comes along: ask for it once and keep
// it in a same-site cookie, which the API's thumbnails (<img src>) then carry as well.
async function apiFetch(url, options) {
  let response = await fetch(url, options);
  if (response.status === 401) {
    const key = window.prompt("This server needs its API key:");
    if (key) {
      document.cookie = `ocrforge_api_key=${encodeURIComponent(key.trim())}; path=/; SameSite=Strict`;
      response = await fetch(url, options);
    }
  }
  return response;
}

async function errorMessage(response) {
  try {
    return (await response.json()).error || response.statusText;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

// Confidence colours as the CLI's --visualize draws them.
function colour(confidence) {
  if (confidence >= 0.9) return "rgb(40, 200, 60)";
  if (confidence >= 0.6) return "rgb(255, 150, 0)";
  return "rgb(230, 30, 30)";
}

function drawResult(bitmap, result) {
  const canvas = $("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(bitmap, 0, 0);
  const width = Math.max(2, Math.round(Math.min(bitmap.width, bitmap.height) / 300));
  const words = result.lines.flatMap((line) => line.words);
  for (const word of words) {
    ctx.strokeStyle = colour(word.confidence);
    ctx.lineWidth = width;
    ctx.beginPath();
    word.box.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.closePath();
    ctx.stroke();
  }
  for (const word of words) {
    const [x, y] = word.box[0];
    const height = Math.hypot(word.box[3][0] - x, word.box[3][1] - y);
    const size = Math.min(32, Math.max(10, Math.round(height * 0.6)));
    ctx.font = `${size}px sans-serif`;
    const label = `${word.text}`;
    const w = ctx.measureText(label).width + 4;
    const top = Math.max(0, y - size - 4);
    ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
    ctx.fillRect(x, top, w, size + 4);
    ctx.fillStyle = "#111";
    ctx.fillText(label, x + 2, top + size);
  }
}

async function readFile(file) {
  if (!file) return;
  setStatus("read-status", `Reading ${file.name} …`);
  $("result").hidden = true;
  const form = new FormData();
  form.append("file", file);
  const started = performance.now();
  let response;
  try {
    response = await apiFetch("/v1/read", { method: "POST", body: form });
  } catch (err) {
    setStatus("read-status", `Could not reach the server: ${err}`, true);
    return;
  }
  if (!response.ok) {
    setStatus("read-status", await errorMessage(response), true);
    return;
  }
  lastResult = await response.json();
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    bitmap = null;  // a format the browser cannot show (e.g. TIFF): the text is still there
  }
  if (bitmap) drawResult(bitmap, lastResult);
  $("text").value = lastResult.text;
  $("result").hidden = false;
  const words = lastResult.lines.reduce((n, line) => n + line.words.length, 0);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  setStatus("read-status", `${file.name}: ${words} words in ${seconds} s`);
}

$("file").addEventListener("change", (event) => readFile(event.target.files[0]));
const drop = $("drop");
drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  readFile(event.dataTransfer.files[0]);
});

$("copy").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText($("text").value);
    setStatus("read-status", "Text copied");
  } catch {
    $("text").select();  // no clipboard permission: leave it selected to copy by hand
    setStatus("read-status", "Select-all done: press Ctrl+C to copy");
  }
});

$("download").addEventListener("click", () => {
  if (!lastResult) return;
  const blob = new Blob([JSON.stringify(lastResult, null, 2)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `${(lastResult.path || "image").replace(/\.[^.]+$/, "")}.json`;
  link.click();
  URL.revokeObjectURL(link.href);
});

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function formatTime(seconds) {
  const m = Math.floor(seconds / 60);
  return `${m}:${(seconds - m * 60).toFixed(1).padStart(4, "0")}`;
}

function hitElement(hit) {
  const item = document.createElement("li");
  item.className = "hit";
  const params = new URLSearchParams({ path: hit.path, page: hit.page });
  if (hit.t_start !== null) params.set("t", hit.t_start);
  const when = hit.t_start !== null ? ` @ ${formatTime(hit.t_start)}–${formatTime(hit.t_end)}` : hit.page ? ` (page ${hit.page + 1})` : "";
  const polygons = hit.boxes.map((box) => `<polygon points="${box.map((p) => p.join(",")).join(" ")}"/>`).join("");
  item.innerHTML = `
    <div class="thumb">
      <img src="/v1/asset?${params}" alt="">
      <svg viewBox="0 0 ${hit.width || 1} ${hit.height || 1}" preserveAspectRatio="none">${polygons}</svg>
    </div>
    <div class="path">${escapeHtml(hit.path)}${escapeHtml(when)}</div>
    <div class="snippet">${escapeHtml(hit.snippet).replace(/\[([^\]]*)\]/g, "<mark>$1</mark>")}</div>`;
  return item;
}

$("search-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const params = new URLSearchParams({ q: $("query").value, limit: 50 });
  if ($("type").value) params.set("type", $("type").value);
  setStatus("search-status", "Searching …");
  $("hits").replaceChildren();
  const response = await apiFetch(`/v1/search?${params}`);
  if (!response.ok) {
    setStatus("search-status", await errorMessage(response), true);
    return;
  }
  const { hits } = await response.json();
  setStatus("search-status", hits.length ? `${hits.length} hit${hits.length > 1 ? "s" : ""}` : "No hits");
  $("hits").replaceChildren(...hits.map(hitElement));
});

// Lamina's drawing page: draw a digit, send it to the model as MNIST would show it, and show
// the model's probabilities. Self-contained: it talks only to the server that sent it.
"use strict";

(function () {
  const MODEL = document.querySelector('meta[name="lamina-model"]').content;
  const API = "v1/models/" + encodeURIComponent(MODEL);
  const SIDE = 28; // MNIST images are 28x28 ...
  const BOX = 20; // ... with the digit scaled into a 20x20 box, centred by its centre of mass
  const THROTTLE_MS = 120;

  const pad = document.getElementById("pad");
  const ctx = pad.getContext("2d", { willReadFrequently: true });
  const preview = document.getElementById("preview").getContext("2d");
  const el = (id) => document.getElementById(id);

  let instanceDims = null; // the model's input shape without the batch axis
  let drawing = false;
  let last = null;
  let inFlight = false;
  let pending = false;
  let lastSent = 0;
  let timer = null;
  let generation = 0; // bumped by Clear: answers to older requests are dropped

  function showError(message) {
    el("error").textContent = message || "";
  }

  // Model metadata: shape the instance like the model's input ((28,28,1), (28,28), (784,), ...).
  function product(dims) {
    return dims.reduce((a, b) => a * b, 1);
  }

  function inputShapeFrom(meta) {
    if (meta.lamina && meta.lamina.inputs) {
      const inputs = meta.lamina.inputs;
      if (inputs.length !== 1) throw new Error("this page needs a model with one input");
      return inputs[0].shape;
    }
    const sig = meta.metadata.signature_def.signature_def.serving_default;
    const specs = Object.values(sig.inputs);
    if (specs.length !== 1) throw new Error("this page needs a model with one input");
    return specs[0].tensor_shape.dim.map((d) => (Number(d.size) < 0 ? null : Number(d.size)));
  }

  function loadMetadata() {
    fetch(API + "/metadata")
      .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
      .then(({ ok, body }) => {
        if (!ok) throw new Error(body.error || "metadata request failed");
        const shape = inputShapeFrom(body);
        if (!shape) throw new Error("the model's input shape is unknown");
        let dims = shape.slice(1);
        const unknown = dims.filter((d) => d === null).length;
        if (unknown === 1) {
          const known = product(dims.filter((d) => d !== null));
          dims = dims.map((d) => (d === null ? (SIDE * SIDE) / known : d));
        }
        if (unknown > 1 || product(dims) !== SIDE * SIDE) {
          throw new Error(
            "the model's input shape (" + shape.join(", ") + ") does not hold a 28x28 image"
          );
        }
        instanceDims = dims;
        const backend = body.lamina ? " on " + body.lamina.backend : "";
        el("model-info").textContent = "input (" + shape.map((d) => (d === null ? "None" : d)).join(", ") + ")" + backend;
        document.body.dataset.state = "ready";
      })
      .catch((e) => {
        el("model-info").textContent = "unavailable";
        showError("Cannot use this model: " + e.message);
        document.body.dataset.state = "error";
      });
  }

  // Drawing: white strokes on black, like MNIST. Pointer events cover mouse, pen and touch.
  function clearPad() {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, pad.width, pad.height);
  }

  function point(event) {
    const rect = pad.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) * pad.width) / rect.width,
      y: ((event.clientY - rect.top) * pad.height) / rect.height,
    };
  }

  function stroke(from, to) {
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 20;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  }

  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
    stroke(last, last);
    schedule();
  });
  pad.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    event.preventDefault();
    const p = point(event);
    stroke(last, p);
    last = p;
    schedule();
  });
  function endStroke() {
    if (!drawing) return;
    drawing = false;
    schedule(true);
  }
  pad.addEventListener("pointerup", endStroke);
  pad.addEventListener("pointercancel", endStroke);

  el("clear").addEventListener("click", () => {
    generation += 1;
    pending = false;
    clearTimeout(timer);
    document.body.dataset.busy = inFlight ? "1" : "0";
    clearPad();
    preview.clearRect(0, 0, SIDE, SIDE);
    el("prediction").textContent = "";
    el("confidence").textContent = "draw with the mouse or a finger";
    el("bars").replaceChildren();
    showError("");
  });

  // Preprocessing: crop the ink, scale it into a 20x20 box (area average), then place it in
  // 28x28 with its centre of mass at the centre, values in [0, 1].
  function toMnist() {
    const w = pad.width;
    const h = pad.height;
    const rgba = ctx.getImageData(0, 0, w, h).data;
    const gray = new Float32Array(w * h);
    let x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = rgba[(y * w + x) * 4] / 255;
        gray[y * w + x] = v;
        if (v > 0.05) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    if (x1 < 0) return null;
    const bw = x1 - x0 + 1;
    const bh = y1 - y0 + 1;
    const scale = BOX / Math.max(bw, bh);
    const tw = Math.max(1, Math.round(bw * scale));
    const th = Math.max(1, Math.round(bh * scale));
    const small = new Float32Array(tw * th);
    for (let ty = 0; ty < th; ty++) {
      const sy0 = y0 + Math.floor((ty * bh) / th);
      const sy1 = Math.max(sy0 + 1, y0 + Math.floor(((ty + 1) * bh) / th));
      for (let tx = 0; tx < tw; tx++) {
        const sx0 = x0 + Math.floor((tx * bw) / tw);
        const sx1 = Math.max(sx0 + 1, x0 + Math.floor(((tx + 1) * bw) / tw));
        let sum = 0;
        for (let y = sy0; y < sy1; y++) {
          for (let x = sx0; x < sx1; x++) sum += gray[y * w + x];
        }
        small[ty * tw + tx] = sum / ((sy1 - sy0) * (sx1 - sx0));
      }
    }
    let mass = 0, cx = 0, cy = 0;
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const v = small[y * tw + x];
        mass += v;
        cx += (x + 0.5) * v;
        cy += (y + 0.5) * v;
      }
    }
    const ox = Math.round(SIDE / 2 - cx / mass);
    const oy = Math.round(SIDE / 2 - cy / mass);
    const out = new Float32Array(SIDE * SIDE);
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const X = x + ox;
        const Y = y + oy;
        if (X >= 0 && X < SIDE && Y >= 0 && Y < SIDE) {
          out[Y * SIDE + X] = Math.min(1, small[y * tw + x]);
        }
      }
    }
    return out;
  }

  function showPreview(pixels) {
    const image = preview.createImageData(SIDE, SIDE);
    for (let i = 0; i < pixels.length; i++) {
      const v = Math.round(pixels[i] * 255);
      image.data.set([v, v, v, 255], i * 4);
    }
    preview.putImageData(image, 0, 0);
  }

  function nest(flat, dims, offset) {
    if (dims.length === 1) return flat.slice(offset, offset + dims[0]);
    const step = product(dims.slice(1));
    const out = [];
    for (let i = 0; i < dims[0]; i++) out.push(nest(flat, dims.slice(1), offset + i * step));
    return out;
  }

  // Requests: at most one in flight, at most one every THROTTLE_MS while drawing.
  function schedule(now) {
    if (!instanceDims) return;
    if (inFlight) {
      pending = true;
      return;
    }
    const wait = now ? 0 : Math.max(0, lastSent + THROTTLE_MS - performance.now());
    document.body.dataset.busy = "1";
    clearTimeout(timer);
    timer = setTimeout(send, wait);
  }

  function send() {
    const pixels = toMnist();
    if (!pixels) {
      document.body.dataset.busy = "0";
      return;
    }
    showPreview(pixels);
    const flat = Array.from(pixels, (v) => Math.round(v * 1000) / 1000);
    const body = JSON.stringify({ instances: [nest(flat, instanceDims, 0)] });
    const sentGeneration = generation;
    inFlight = true;
    pending = false;
    lastSent = performance.now();
    fetch(API + ":predict", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    })
      .then((r) => r.json().then((answer) => ({ ok: r.ok, answer })))
      .then(({ ok, answer }) => {
        if (sentGeneration !== generation) return;
        if (!ok) throw new Error(answer.error || "prediction failed");
        showError("");
        render(answer.predictions[0]);
      })
      .catch((e) => {
        if (sentGeneration === generation) showError("Prediction failed: " + e.message);
      })
      .finally(() => {
        inFlight = false;
        if (pending) schedule(true);
        else document.body.dataset.busy = "0";
      });
  }

  // Results: probabilities as bars (a softmax first if the model gives logits).
  function probabilities(values) {
    const sum = values.reduce((a, b) => a + b, 0);
    if (values.every((v) => v >= 0 && v <= 1) && Math.abs(sum - 1) < 0.02) return values;
    const top = Math.max(...values);
    const exps = values.map((v) => Math.exp(v - top));
    const total = exps.reduce((a, b) => a + b, 0);
    return exps.map((v) => v / total);
  }

  function render(prediction) {
    let values = prediction;
    if (values && !Array.isArray(values)) values = Object.values(values)[0];
    values = [].concat(values).flat(Infinity).map(Number);
    const probs = probabilities(values);
    let best = 0;
    probs.forEach((p, i) => {
      if (p > probs[best]) best = i;
    });
    el("prediction").textContent = String(best);
    el("confidence").textContent = (probs[best] * 100).toFixed(1) + "% sure";
    const rows = probs.map((p, i) => {
      const li = document.createElement("li");
      if (i === best) li.className = "best";
      const label = document.createElement("span");
      label.textContent = String(i);
      const track = document.createElement("span");
      track.className = "track";
      const fill = document.createElement("span");
      fill.className = "fill";
      fill.style.width = (p * 100).toFixed(1) + "%";
      track.appendChild(fill);
      const pct = document.createElement("span");
      pct.className = "pct";
      pct.textContent = (p * 100).toFixed(1) + "%";
      li.append(label, track, pct);
      return li;
    });
    el("bars").replaceChildren(...rows);
  }

  clearPad();
  loadMetadata();
})();

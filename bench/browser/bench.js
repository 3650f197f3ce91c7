// Headroom's browser ingest benchmark: the same bytes (bench.csv, written by the runner from
// headroom_core::synth) parsed, in one Chromium run, by
//   - Headroom: the app's own parsing worker (wasm), bytes in → sorted series out (transferred back);
//   - Papa.parse(text, {header: true, dynamicTyping: true});
//   - d3-dsv csvParseRows(text, row → [Date, Number, ...]).
// Papa and d3 need a string, so their time includes TextDecoder; Headroom's includes the transfer
// to and from the worker. Each runs once to warm up (JIT tiers, worker start), then they take
// turns for REPS rounds; the medians count. Results go to window.__bench.
'use strict';

const REPS = 7;
const out = document.getElementById('out');
const log = (s) => { out.textContent += '\n' + s; };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function startWorker() {
  return new Promise((resolve, reject) => {
    const w = new Worker('./headroom-worker_loader.js');
    w.onerror = (e) => reject(new Error('worker failed: ' + e.message));
    w.onmessage = (ev) => { if (ev.data.kind === 'ready') resolve(w); };
  });
}

// `copy` is transferred (and so detached): the caller makes it, outside the timing, as the app
// hands the worker the ArrayBuffer that File.arrayBuffer() gave it, without a copy.
function headroomParse(worker, copy) {
  return new Promise((resolve, reject) => {
    worker.onmessage = (ev) => {
      const m = ev.data;
      if (m.kind === 'done') resolve(m);
      else if (m.kind === 'error') reject(new Error(m.message));
    };
    worker.postMessage({ id: 1, name: 'bench.csv', bytes: copy }, [copy]);
  });
}

async function main() {
  const resp = await fetch('bench.csv');
  const buffer = await resp.arrayBuffer();
  const mb = buffer.byteLength / 1e6;
  log(`bench.csv: ${mb.toFixed(1)} MB`);
  const results = { bytes: buffer.byteLength, runs: {} };

  // Each parser runs once to warm up, then the three take turns, REPS rounds, so that whatever
  // else the machine is doing weighs on all of them alike.
  const worker = await startWorker();
  const papa = () => Papa.parse(new TextDecoder().decode(buffer), { header: true, dynamicTyping: true, skipEmptyLines: true });
  const d3Convert = (row, j) => j === 0 ? null
    : [Date.parse(row[0].replace(' ', 'T') + 'Z'), +row[1], +row[2], +row[3], +row[4]];
  const d3parse = () => d3.csvParseRows(new TextDecoder().decode(buffer), d3Convert);
  await headroomParse(worker, buffer.slice(0));
  papa();
  d3parse();
  const hr = [], pp = [], dd = [], phases = [];
  let memory = 0, points = 0, papaRows = 0, d3Rows = 0;
  for (let i = 0; i < REPS; i++) {
    const copy = buffer.slice(0);
    let t0 = performance.now();
    const m = await headroomParse(worker, copy);
    hr.push(performance.now() - t0);
    memory = Math.max(memory, m.memory || 0);
    points = JSON.parse(m.meta).series.reduce((n, s) => n + s.len, 0);
    if (m.timings) phases.push(m.timings);
    t0 = performance.now();
    papaRows = papa().data.length;
    pp.push(performance.now() - t0);
    t0 = performance.now();
    d3Rows = d3parse().length;
    dd.push(performance.now() - t0);
    log(`round ${i + 1}: headroom ${hr[i].toFixed(0)} ms, papaparse ${pp[i].toFixed(0)} ms, d3-dsv ${dd[i].toFixed(0)} ms`);
  }
  results.runs.headroom = { ms: hr, points, wasm_memory_bytes: memory, worker_phases_ms: phases };
  results.runs.papaparse = { ms: pp, rows: papaRows };
  results.runs.d3_dsv = { ms: dd, rows: d3Rows };

  const h = median(hr);
  results.summary = {
    mb,
    headroom_mb_s: mb / (h / 1000),
    papaparse_mb_s: mb / (median(pp) / 1000),
    d3_dsv_mb_s: mb / (median(dd) / 1000),
    vs_papaparse: median(pp) / h,
    vs_d3_dsv: median(dd) / h,
    wasm_memory_per_file_byte: memory / buffer.byteLength,
  };
  log(JSON.stringify(results.summary, null, 2));
  window.__bench = results;
}

main().catch((e) => { log('FAILED: ' + e.message); window.__bench = { error: String(e.message) }; });

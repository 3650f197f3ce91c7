// Headroom's browser ingest benchmark: the same bytes (bench.csv, written by the runner from
// headroom_core::synth) parsed, in one Chromium run, by
//   - Headroom: the app's own parsing worker (wasm), bytes in → sorted series out (transferred back);
//   - Papa.parse(text, {header: true, dynamicTyping: true});
//   - d3-dsv csvParseRows(text, row → [Date, Number, ...]).
// Papa and d3 need a string, so their time includes TextDecoder; Headroom's includes the transfer
// to and from the worker. Each runs once to warm up (JIT tiers, worker start), then REPS times;
// the median counts. Results go to window.__bench.
'use strict';

const REPS = 5;
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

function headroomParse(worker, buffer) {
  return new Promise((resolve, reject) => {
    const copy = buffer.slice(0); // the transfer detaches it
    worker.onmessage = (ev) => {
      const m = ev.data;
      if (m.kind === 'done') resolve(m);
      else if (m.kind === 'error') reject(new Error(m.message));
    };
    worker.postMessage({ id: 1, name: 'bench.csv', bytes: copy }, [copy]);
  });
}

async function time(fn) {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}

async function main() {
  const resp = await fetch('bench.csv');
  const buffer = await resp.arrayBuffer();
  const mb = buffer.byteLength / 1e6;
  log(`bench.csv: ${mb.toFixed(1)} MB`);
  const results = { bytes: buffer.byteLength, runs: {} };

  // Headroom (wasm, in its worker).
  const worker = await startWorker();
  const hr = [];
  const phases = [];
  let memory = 0, points = 0;
  await headroomParse(worker, buffer); // warm-up
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const m = await headroomParse(worker, buffer);
    hr.push(performance.now() - t0);
    memory = Math.max(memory, m.memory || 0);
    if (m.timings) phases.push(m.timings);
    if (m.timings) log(`  headroom worker: copy ${m.timings.copy.toFixed(0)} ms, parse ${m.timings.parse.toFixed(0)} ms, pack ${m.timings.pack.toFixed(0)} ms`);
    points = JSON.parse(m.meta).series.reduce((n, s) => n + s.len, 0);
  }
  results.runs.headroom = { ms: hr, points, wasm_memory_bytes: memory, worker_phases_ms: phases };
  log(`headroom: ${hr.map((x) => x.toFixed(0)).join(', ')} ms; ${points} points; wasm memory ${(memory / 1e6).toFixed(0)} MB`);

  // Papa Parse.
  const pp = [];
  let rows = 0;
  Papa.parse(new TextDecoder().decode(buffer), { header: true, dynamicTyping: true, skipEmptyLines: true }); // warm-up
  for (let i = 0; i < REPS; i++) {
    const [ms, r] = await time(async () => {
      const text = new TextDecoder().decode(buffer);
      return Papa.parse(text, { header: true, dynamicTyping: true, skipEmptyLines: true });
    });
    pp.push(ms);
    rows = r.data.length;
  }
  results.runs.papaparse = { ms: pp, rows };
  log(`papaparse: ${pp.map((x) => x.toFixed(0)).join(', ')} ms; ${rows} rows`);

  // d3-dsv with number and date conversion.
  const dd = [];
  const d3Convert = (row, j) => j === 0 ? null
    : [Date.parse(row[0].replace(' ', 'T') + 'Z'), +row[1], +row[2], +row[3], +row[4]];
  d3.csvParseRows(new TextDecoder().decode(buffer), d3Convert); // warm-up
  for (let i = 0; i < REPS; i++) {
    const [ms, r] = await time(async () => {
      const text = new TextDecoder().decode(buffer);
      return d3.csvParseRows(text, d3Convert);
    });
    dd.push(ms);
    rows = r.length;
  }
  results.runs.d3_dsv = { ms: dd, rows };
  log(`d3-dsv: ${dd.map((x) => x.toFixed(0)).join(', ')} ms; ${rows} rows`);

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

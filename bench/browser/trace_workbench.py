#!/usr/bin/env python3
"""Where each threshold change's time goes in the browser, from a Chromium trace.

`bench-workbench` times each change from the input event to a task queued behind the app's work
(both charts repainted). This runs the same changes (the CPU threshold dragged 59 → 30 → 59 %
over a year of 5-minute data) under Chromium's tracing and splits each change's time into:
  - app: the app's own work (the microtasks the input event starts: replay, drawing, DOM);
  - canvas raster: the browser drawing what the app put on its canvases, at the end of that task
    (CanvasRenderingContext2D::FinalizeFrame);
  - frame: a rendering frame (style, layout, paint, commit) the browser runs before the next task;
  - total: input event to the queued task, as bench-workbench measures it (slowed by tracing).

Usage (from the repository root, after `trunk build --release` and
`cargo build --release -p headroom-e2e`; needs Python with `websocket-client`: the peers' venv
that bench/peers/run.sh makes has it, target/peer-venv/bin/python, or `pip install websocket-client`):

    python3 bench/browser/trace_workbench.py [DIST] [--rounds N] [--css CSS]

DIST defaults to dist. --css adds a style sheet to the page first (to try a CSS change). Only
127.0.0.1 is used: the page is served by target/release/headroom-serve.
"""
import argparse, json, os, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request

import websocket  # websocket-client

CATEGORIES = 'toplevel,v8.execute,blink,blink.user_timing,cc,devtools.timeline'
ROUND = """new Promise(done => {
  const input = document.querySelector('[data-testid=threshold-cpu]');
  performance.mark('trace-round-start');
  input.value = String(%d);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  setTimeout(() => { performance.measure('trace-round', 'trace-round-start'); done(1); }, 0);
})"""
READY = """(() => { const s = document.querySelector('[data-testid=forecast-status]');
  return !!document.querySelector('[data-testid=backtest-table]') && !(s && s.textContent.includes('Fitting')); })()"""


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def threshold_at(i):
    k = i % 58
    return 59 - k if k < 29 else 30 + (k - 29)


class Page:
    def __init__(self, url):
        self.ws = websocket.create_connection(url, max_size=None)
        self.next_id = 0
        self.events = []

    def cdp(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({'id': self.next_id, 'method': method, 'params': params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get('method') == 'Tracing.dataCollected':
                self.events.extend(msg['params']['value'])
            elif msg.get('id') == self.next_id:
                if 'error' in msg:
                    raise RuntimeError(f'{method}: {msg["error"]}')
                return msg.get('result', {})

    def js(self, expr):
        r = self.cdp('Runtime.evaluate', expression=expr, returnByValue=True, awaitPromise=True)
        if 'exceptionDetails' in r:
            raise RuntimeError(f'page script failed: {r["exceptionDetails"]}')
        return r.get('result', {}).get('value')

    def end_trace(self):
        self.cdp('Tracing.end')
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get('method') == 'Tracing.dataCollected':
                self.events.extend(msg['params']['value'])
            if msg.get('method') == 'Tracing.tracingComplete':
                return self.events


def split(events):
    """Per traced change: total, app, canvas raster, frame (ms)."""
    starts, rounds = {}, []
    for e in events:
        if e.get('name') == 'trace-round' and e.get('ph') in ('b', 'e'):
            key = json.dumps(e.get('id2', e.get('id')))
            if e['ph'] == 'b':
                starts[key] = e['ts']
            elif key in starts:
                rounds.append((starts[key], e['ts']))
    main = {(e['pid'], e['tid']) for e in events
            if e.get('name') == 'thread_name' and e.get('args', {}).get('name') == 'CrRendererMain'}
    slices = [e for e in events if (e.get('pid'), e.get('tid')) in main and e.get('ph') == 'X']
    parts = {'RunMicrotasks': 'app', 'CanvasRenderingContext2D::FinalizeFrame': 'canvas raster',
             'ProxyMain::BeginMainFrame': 'frame'}
    out = []
    for a, b in rounds:
        row = {'total': (b - a) / 1000, 'app': 0.0, 'canvas raster': 0.0, 'frame': 0.0}
        for e in slices:
            if a <= e['ts'] < b and e['name'] in parts:
                row[parts[e['name']]] += e.get('dur', 0) / 1000
        out.append(row)
    return out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round((len(xs) - 1) * p))] if xs else float('nan')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('dist', nargs='?', default='dist')
    ap.add_argument('--rounds', type=int, default=60)
    ap.add_argument('--css', default='')
    args = ap.parse_args()
    serve = os.path.join('target', 'release', 'headroom-serve')
    if not os.path.isfile(os.path.join(args.dist, 'index.html')) or not os.access(serve, os.X_OK):
        sys.exit(f'needs {args.dist}/index.html (trunk build --release) and {serve} '
                 '(cargo build --release -p headroom-e2e)')
    tmp = tempfile.mkdtemp(prefix='headroom-trace-')
    procs = []

    def start(cmd, **kw):
        # Each in its own process group: stopping it stops its children too.
        procs.append(subprocess.Popen(cmd, start_new_session=True, **kw))
        return procs[-1]

    try:
        csv = os.path.join(tmp, 'year-5min.csv')
        subprocess.run(['cargo', 'run', '--release', '-q', '-p', 'headroom-core', '--example', 'workbench_csv', '--', csv],
                       check=True)
        web = free_port()
        start([serve, args.dist, f'127.0.0.1:{web}'], stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                urllib.request.urlopen(f'http://127.0.0.1:{web}/index.html').close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit(f'headroom-serve did not answer on 127.0.0.1:{web}')
        chromium = os.environ.get('CHROMIUM', '/usr/bin/chromium')
        profile = os.path.join(tmp, 'profile')
        # Port 0: Chromium picks a free port and writes it to DevToolsActivePort in its profile.
        start([chromium, '--headless=new', '--no-sandbox', '--remote-debugging-address=127.0.0.1',
               '--remote-debugging-port=0', f'--user-data-dir={profile}', '--window-size=1280,800', 'about:blank'],
              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tabs = None
        for _ in range(150):
            try:
                with open(os.path.join(profile, 'DevToolsActivePort')) as f:
                    debug = int(f.readline())
                tabs = json.load(urllib.request.urlopen(f'http://127.0.0.1:{debug}/json'))
                break
            except (OSError, ValueError):
                time.sleep(0.2)
        if tabs is None:
            sys.exit('Chromium did not start (set CHROMIUM to its path)')
        page = Page(next(t for t in tabs if t['type'] == 'page')['webSocketDebuggerUrl'])
        page.cdp('Emulation.setDeviceMetricsOverride', width=1280, height=800, deviceScaleFactor=1, mobile=False)
        page.cdp('Page.enable')
        page.cdp('Page.navigate', url=f'http://127.0.0.1:{web}/')
        for _ in range(150):
            time.sleep(0.2)
            if page.js("!!document.querySelector('[data-testid=file-input]')"):
                break
        else:
            sys.exit('the app did not show its file input in 30 s')
        doc = page.cdp('DOM.getDocument')
        node = page.cdp('DOM.querySelector', nodeId=doc['root']['nodeId'], selector='[data-testid=file-input]')
        page.cdp('DOM.setFileInputFiles', nodeId=node['nodeId'], files=[csv])
        for _ in range(240):
            time.sleep(0.5)
            if page.js(READY):
                break
        else:
            sys.exit('the forecasts did not finish in 120 s')
        if args.css:
            page.js("(() => { const s = document.createElement('style'); s.textContent = %s; "
                    "document.head.appendChild(s); return 1; })()" % json.dumps(args.css))
        time.sleep(1)
        page.cdp('Tracing.start', categories=CATEGORIES, transferMode='ReportEvents')
        for i in range(args.rounds):
            page.js(ROUND % threshold_at(i))
            time.sleep(0.03)
        rows = split(page.end_trace())
    finally:
        for proc in procs:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(proc.pid, sig)
                    proc.wait(timeout=10)
                    break
                except ProcessLookupError:
                    break
                except subprocess.TimeoutExpired:
                    continue
        shutil.rmtree(tmp, ignore_errors=True)
    print(f'{len(rows)} threshold changes traced (tracing slows them down; compare runs of this script)')
    for key in ['total', 'app', 'canvas raster', 'frame']:
        xs = [r[key] for r in rows]
        print(f'  {key:14} p50 {pct(xs, .5):5.2f} ms  p90 {pct(xs, .9):5.2f} ms  p95 {pct(xs, .95):5.2f} ms  mean {sum(xs) / max(1, len(xs)):5.2f} ms')
    print(f'  a frame rendered before the next task in {sum(1 for r in rows if r["frame"] > 0)} of {len(rows)} changes')


if __name__ == '__main__':
    main()

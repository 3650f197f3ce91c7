#!/usr/bin/env python3
"""Headroom's trend models against the Python peers, in one run (issue 4, item 7).

Speed: fit + forecast (horizon one day) on the synthetic series written by the `forecast_series`
example, for statsmodels ExponentialSmoothing, statsforecast AutoETS and MSTL, Prophet, and the
`headroom forecast` CLI (wall time of the process, best of N; the time of `headroom inspect` on the
same file is reported as the parse overhead).

Accuracy: on real NAB series, hold out the last day (and the last week where the history is long
enough), fit every model on the rest, score MAE and interval coverage on the held-out points.

Run through bench/peers/run.sh, which makes the venv and builds the CLI. Results: a markdown report on
stdout and JSON at --out.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import logging
import math
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

DAY_S = 86_400
WEEK_S = 7 * DAY_S

# Real series for the accuracy table (paths relative to the data directory, ../shared/data/nab).
ACCURACY_SERIES = [
    "realKnownCause/nyc_taxi.csv",
    "realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv",
    "realAWSCloudwatch/grok_asg_anomaly.csv",
    "realAWSCloudwatch/elb_request_count_8c0756.csv",
]
SPEED_SERIES = ["synthetic_14d_5min.csv", "synthetic_1y_5min.csv"]
HEADROOM_SPEED_MODELS = ["ets", "mstl", "auto"]
HEADROOM_ACCURACY_MODELS = ["auto", "seasonal-naive", "seasonal-mean", "linear", "theil-sen", "exponential", "ets", "mstl", "combination"]
# A week is held out only when at least this many weeks remain to fit on (weekly season seen twice).
MIN_WEEKS_FOR_WEEK_HOLDOUT = 2
# The accuracy reference computed here: the last day of the training part repeated.
REFERENCE = "seasonal naive (reference)"


def quiet() -> None:
    """Peers log and warn a lot (cmdstanpy per chain, statsmodels convergence); the report is the output."""
    warnings.filterwarnings("ignore")
    logging.getLogger("prophet.plot").setLevel(logging.CRITICAL)  # "Importing plotly failed": not needed
    # Prophet sets its logger up on import, cmdstanpy on its first (cached) get_logger(): do both, then silence.
    importlib.import_module("prophet")
    importlib.import_module("cmdstanpy.utils").get_logger()
    for name in ("cmdstanpy", "prophet", "statsforecast"):
        logging.getLogger(name).setLevel(logging.ERROR)


# ---------------------------------------------------------------------------------------------------
# Series


@dataclass
class Series:
    """A series on its own regular grid: `values` may have been interpolated over gaps (`filled` counts them)."""

    name: str
    times: pd.DatetimeIndex  # naive, read as UTC (like headroom)
    values: np.ndarray
    step_s: float
    filled: int = 0


def read_csv(path: Path) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """timestamp,value CSV → (naive UTC times, values); epoch numbers are read by magnitude like headroom."""
    df = pd.read_csv(path)
    if df.shape[1] < 2:
        raise SystemExit(f"peers: {path}: expected two columns timestamp,value, found {list(df.columns)}")
    raw, values = df.iloc[:, 0], df.iloc[:, 1].to_numpy(dtype=float)
    if pd.api.types.is_numeric_dtype(raw):
        mag = float(np.nanmax(np.abs(raw.to_numpy(dtype=float))))
        unit = "s" if mag < 1e11 else "ms" if mag < 1e14 else "us" if mag < 1e17 else "ns"
        times = pd.to_datetime(raw, unit=unit, utc=True)
    else:
        times = pd.to_datetime(raw, utc=True, format="mixed")
    return pd.DatetimeIndex(times).tz_localize(None), values


def regular(name: str, times: pd.DatetimeIndex, values: np.ndarray) -> Series:
    """The series on a grid from its first timestamp at its median step; gaps filled linearly (peers need a grid)."""
    step = pd.Series(times).diff().median()
    grid = pd.date_range(times[0], times[-1], freq=step)
    s = pd.Series(values, index=times).groupby(level=0).mean()
    # Points off the grid (jitter) snap to the nearest grid step.
    s.index = grid[0] + ((s.index - grid[0]) / step).round().astype(int) * step
    s = s.groupby(level=0).mean().reindex(grid)
    filled = int(s.isna().sum())
    s = s.interpolate(limit_direction="both")
    return Series(name, grid, s.to_numpy(dtype=float), step.total_seconds(), filled)


def periods(series: Series) -> tuple[int, int]:
    """Daily and weekly season lengths in steps."""
    return round(DAY_S / series.step_s), round(WEEK_S / series.step_s)


# ---------------------------------------------------------------------------------------------------
# Peers: each takes the training values (regular grid), its times, the horizon in steps and the
# seasons, and returns point forecasts and, where the peer gives them, 80 % / 95 % intervals.


@dataclass
class Forecast:
    point: np.ndarray
    intervals: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def statsmodels_hw(y, times, h, daily, weekly) -> Forecast:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    fit = ExponentialSmoothing(y, trend="add", seasonal="add", seasonal_periods=daily).fit()
    return Forecast(np.asarray(fit.forecast(h)))


def _sf_forecast(model, y, h) -> Forecast:
    out = model.forecast(y=y, h=h, level=[80, 95])
    return Forecast(out["mean"], {lv: (out[f"lo-{lv}"], out[f"hi-{lv}"]) for lv in (80, 95)})


def statsforecast_autoets(y, times, h, daily, weekly) -> Forecast:
    from statsforecast.models import AutoETS

    return _sf_forecast(AutoETS(season_length=daily), y, h)


def statsforecast_mstl(y, times, h, daily, weekly) -> Forecast:
    from statsforecast.models import MSTL

    # MSTL needs two full cycles of a season to estimate it.
    seasons = [daily, weekly] if len(y) >= 2 * weekly else [daily]
    return _sf_forecast(MSTL(season_length=seasons), y, h)


def prophet(y, times, h, daily, weekly) -> Forecast:
    from prophet import Prophet

    step = times[1] - times[0]
    m = Prophet(daily_seasonality=True, weekly_seasonality=True, yearly_seasonality=False, interval_width=0.95)
    m.fit(pd.DataFrame({"ds": times, "y": y}))
    future = pd.DataFrame({"ds": times[-1] + step * np.arange(1, h + 1)})
    out = m.predict(future)
    return Forecast(out["yhat"].to_numpy(), {95: (out["yhat_lower"].to_numpy(), out["yhat_upper"].to_numpy())})


def seasonal_naive(y, times, h, daily, weekly) -> Forecast:
    """Reference: the last day repeated (the baseline every model must beat); no intervals."""
    last = y[-daily:]
    return Forecast(np.array([last[i % daily] for i in range(h)]))


PEERS = {
    "statsmodels ExponentialSmoothing": statsmodels_hw,
    "statsforecast AutoETS": statsforecast_autoets,
    "statsforecast MSTL": statsforecast_mstl,
    "Prophet": prophet,
}


def warm_up() -> None:
    """First calls pay imports, Stan model loading and (in statsforecast versions that use numba) JIT."""
    rng = np.random.default_rng(0)
    n, daily = 24 * 14, 24
    y = 10 + np.sin(np.arange(n) * 2 * np.pi / daily) + rng.normal(0, 0.1, n)
    times = pd.date_range("2024-01-01", periods=n, freq="h")
    for fn in PEERS.values():
        fn(y, times, daily, daily, 7 * daily)


# Each peer call runs in a forked child so a peer that runs past its budget can be stopped.
def _child(conn, fn, args) -> None:
    quiet()
    try:
        t0 = time.perf_counter()
        fc = fn(*args)
        conn.send(("ok", time.perf_counter() - t0, fc))
    except Exception as e:  # a peer failing is a result, not a crash of the benchmark
        conn.send(("error", 0.0, f"{type(e).__name__}: {e}"))
    finally:
        conn.close()


def run_peer(fn, args, timeout_s: float):
    """(seconds, Forecast) or raises PeerFailed."""
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(send, fn, args))
    p.start()
    send.close()
    if not recv.poll(timeout_s):
        p.kill()
        p.join()
        raise PeerTimeout(f"stopped after {timeout_s:.0f} s", timeout_s)
    try:
        status, seconds, payload = recv.recv()
    except EOFError:
        p.join()
        raise PeerFailed(f"the peer's process died (exit code {p.exitcode})") from None
    p.join()
    if status != "ok":
        raise PeerFailed(payload)
    return seconds, payload


class PeerFailed(Exception):
    pass


class PeerTimeout(PeerFailed):
    """A peer stopped at the timeout: its time is at least `seconds`."""

    def __init__(self, message: str, seconds: float):
        super().__init__(message)
        self.seconds = seconds


# ---------------------------------------------------------------------------------------------------
# Headroom CLI


class Headroom:
    def __init__(self, binary: Path):
        self.binary = binary

    def version(self) -> str:
        return subprocess.run([self.binary, "--version"], capture_output=True, text=True).stdout.strip()

    def check_forecast(self) -> None:
        r = subprocess.run([self.binary, "forecast", "--help"], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(
                f"peers: {self.binary} has no `forecast` subcommand yet (`forecast --help` exited "
                f"{r.returncode}: {r.stderr.strip()[:200]})"
            )

    def timed(self, args: list[str]) -> tuple[float, subprocess.CompletedProcess]:
        t0 = time.perf_counter()
        r = subprocess.run([self.binary, *args], capture_output=True, text=True)
        return time.perf_counter() - t0, r

    def forecast(self, path: Path, horizon: str, model: str) -> tuple[float, dict]:
        seconds, r = self.timed(["forecast", str(path), "--horizon", horizon, "--model", model, "--json"])
        if r.returncode != 0:
            why = r.stderr.strip().replace(f"headroom: {path}: ", "")
            raise PeerFailed(f"exited {r.returncode}: {why[:300]}")
        try:
            return seconds, json.loads(r.stdout)
        except json.JSONDecodeError as e:
            raise PeerFailed(f"headroom forecast --model {model}: output is not JSON ({e})") from None


def headroom_forecast_frame(out: dict) -> pd.DataFrame:
    """The CLI's forecast entries as a frame indexed by naive UTC time."""
    df = pd.DataFrame(out["forecast"])
    df.index = pd.DatetimeIndex(pd.to_datetime(df.pop("timestamp"), utc=True)).tz_localize(None)
    return df


# ---------------------------------------------------------------------------------------------------
# Speed


def best_of(runs: list[float]) -> float | None:
    return min(runs) if runs else None


def speed(hr: Headroom, synthetic_dir: Path, repeats: int, budget_s: float, timeout_s: float) -> list[dict]:
    results = []
    for fname in SPEED_SERIES:
        path = synthetic_dir / fname
        if not path.exists():
            raise SystemExit(f"peers: {path} is missing (written by the forecast_series example)")
        times, values = read_csv(path)
        s = regular(fname, times, values)
        daily, weekly = periods(s)
        h = daily  # one day
        entry = {"series": fname, "points": len(values), "step_s": s.step_s, "horizon_steps": h, "peers": {}}
        print(f"speed: {fname} ({len(values)} points)", file=sys.stderr)
        for name, fn in PEERS.items():
            runs, error, at_least = [], None, None
            while len(runs) < repeats:
                try:
                    sec, _ = run_peer(fn, (s.values, s.times, h, daily, weekly), timeout_s)
                except PeerTimeout as e:
                    error, at_least = str(e), e.seconds
                    break
                except PeerFailed as e:
                    error = str(e)
                    break
                runs.append(sec)
                # Slow peers are not repeated past the budget: one run of several minutes is a figure already.
                if sum(runs) + sec > budget_s:
                    break
            entry["peers"][name] = {"seconds": best_of(runs), "at_least_seconds": at_least, "runs": runs, "error": error}
            print(f"  {name}: {fmt_s(best_of(runs))} {error or ''}", file=sys.stderr)
        inspect = [hr.timed(["inspect", str(path)])[0] for _ in range(repeats)]
        entry["headroom_inspect_seconds"] = min(inspect)
        entry["headroom"] = {}
        for model in HEADROOM_SPEED_MODELS:
            runs, error, chosen = [], None, None
            for _ in range(repeats):
                try:
                    sec, out = hr.forecast(path, "1d", model)
                except PeerFailed as e:
                    error = str(e)
                    break
                runs.append(sec)
                chosen = out.get("model")
            best = best_of(runs)
            entry["headroom"][model] = {
                "seconds": best,
                "fit_seconds": None if best is None else max(best - min(inspect), 0.0),
                "runs": runs,
                "chosen": chosen,
                "error": error,
            }
            print(f"  headroom {model}: {fmt_s(best)} {error or ''}", file=sys.stderr)
        results.append(entry)
    return results


# ---------------------------------------------------------------------------------------------------
# Accuracy


def holdouts(times: pd.DatetimeIndex) -> list[tuple[str, int]]:
    """(label, seconds) of the windows to hold out: a day, and a week when enough history remains."""
    span = (times[-1] - times[0]).total_seconds()
    out = [("1d", DAY_S)]
    if span - WEEK_S >= MIN_WEEKS_FOR_WEEK_HOLDOUT * WEEK_S:
        out.append(("7d", WEEK_S))
    return out


def score(point, lo95, hi95, lo80, hi80, actual) -> dict:
    err = np.abs(point - actual)
    res = {"mae": float(np.mean(err))}
    for lv, lo, hi in ((95, lo95, hi95), (80, lo80, hi80)):
        ok = lo is not None and hi is not None
        res[f"coverage_{lv}"] = float(np.mean((actual >= lo) & (actual <= hi))) if ok else None
    return res


def windows(times: pd.DatetimeIndex, days: int) -> list[tuple[str, int, int]]:
    """(label, seconds held out, days before the file's end the window ends) of every window: the
    last day and week ([`holdouts`]), then each of the `days - 1` days before the last one alone."""
    out = [(label, hold_s, 0) for label, hold_s in holdouts(times)]
    out += [("1d", DAY_S, k) for k in range(1, days)]
    return out


def accuracy(
    hr: Headroom, data_dir: Path, timeout_s: float, only: list[str] | None, days: int = 1, stored: list[dict] | None = None
) -> list[dict]:
    """Every window's MAE and coverage for the peers and Headroom's models. With `stored` (an
    earlier run's accuracy entries), a window found there takes its peers' results from it instead
    of running them again (the peers are deterministic): only Headroom runs."""
    kept = {(e["series"], e["holdout"], e.get("days_before_end", 0)): e for e in stored or []}
    results = []
    for rel in ACCURACY_SERIES:
        path = data_dir / rel
        name = Path(rel).stem
        if only and name not in only:
            continue
        if not path.exists():
            raise SystemExit(f"peers: {path} is missing (see ../shared/data/README.md)")
        all_lines = path.read_text().splitlines()
        all_times, all_values = read_csv(path)
        # Each window's training file is the header and the first rows of the file as they are.
        if len(all_lines) != len(all_times) + 1:
            raise SystemExit(f"peers: {path}: {len(all_lines) - 1} lines but {len(all_times)} rows; expected one row per line")
        for label, hold_s, before in windows(all_times, days):
            # The file as it was `before` days before its end: the window is its last day or week.
            upto = int(np.searchsorted(all_times.values, (all_times[-1] - pd.Timedelta(days=before)).to_datetime64(), side="right"))
            times, values, lines = all_times[:upto], all_values[:upto], all_lines[: upto + 1]
            if upto == 0 or (times[-1] - times[0]).total_seconds() < hold_s + 2 * DAY_S:
                print(f"accuracy: {name}: too little history {before} d before the end; skipped", file=sys.stderr)
                continue
            cut = times[-1] - pd.Timedelta(seconds=hold_s)
            n_train = int(np.searchsorted(times.values, cut.to_datetime64(), side="right"))
            test_t, test_y = times[n_train:], values[n_train:]
            train = regular(name, times[:n_train], values[:n_train])
            daily, weekly = periods(train)
            step = pd.Timedelta(seconds=train.step_s)
            # Each held-out point's step after the end of training (1 = the first forecast step).
            k = np.rint((test_t - train.times[-1]) / step).astype(int)
            h = int(k.max())
            entry = {
                "series": name,
                "file": rel,
                "holdout": label,
                "days_before_end": before,
                "train_points": n_train,
                "train_filled": train.filled,
                "test_points": len(test_y),
                "horizon_steps": h,
                "models": {},
            }
            ago = f", ending {before} d before the file's end" if before else ""
            print(f"accuracy: {name} hold out {label}{ago} ({n_train} to fit, {len(test_y)} to score)", file=sys.stderr)
            ref = seasonal_naive(train.values, train.times, h, daily, weekly)
            entry["models"][REFERENCE] = score(ref.point[k - 1], None, None, None, None, test_y)
            # The rows the window is made of (training and held out), to match an earlier run's.
            entry["rows_sha256"] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
            earlier = kept.get((name, label, before))
            if earlier is not None:
                same = [earlier.get(f) == entry[f] for f in ("train_points", "test_points", "horizon_steps")]
                if not all(same) or earlier.get("rows_sha256", entry["rows_sha256"]) != entry["rows_sha256"]:
                    raise SystemExit(f"peers: --peers-from: the earlier run's {name} {label} window ({before} d before the end) is not made of the same rows")
                print("  peers: as in the earlier run", file=sys.stderr)
            for pname, fn in PEERS.items():
                if earlier is not None and pname in earlier["models"]:
                    entry["models"][pname] = earlier["models"][pname]
                    continue
                try:
                    sec, fc = run_peer(fn, (train.values, train.times, h, daily, weekly), timeout_s)
                except PeerFailed as e:
                    entry["models"][pname] = {"error": str(e)}
                    print(f"  {pname}: {e}", file=sys.stderr)
                    continue
                iv = {lv: (lo[k - 1], hi[k - 1]) for lv, (lo, hi) in fc.intervals.items()}
                r = score(fc.point[k - 1], *iv.get(95, (None, None)), *iv.get(80, (None, None)), test_y)
                r["seconds"] = sec
                entry["models"][pname] = r
            # Headroom reads the same rows, unchanged, from a file of the training part.
            # The same horizon as the peers: headroom's forecast steps start one step after the last
            # training point (on the series' own phase), so they fall on the held-out stamps.
            horizon = f"{(test_t[-1] - times[n_train - 1]).total_seconds() / 60:.0f}m"
            with tempfile.TemporaryDirectory() as tmp:
                train_file = Path(tmp) / Path(rel).name
                train_file.write_text("\n".join(lines[: n_train + 1]) + "\n")
                for model in HEADROOM_ACCURACY_MODELS:
                    key = f"headroom {model}"
                    try:
                        sec, out = hr.forecast(train_file, horizon, model)
                    except PeerFailed as e:
                        entry["models"][key] = {"error": str(e)}
                        print(f"  {key}: {e}", file=sys.stderr)
                        continue
                    entry["models"][key] = score_headroom(out, test_t, test_y, step) | {
                        "seconds": sec,
                        "chosen": out.get("model"),
                        "backtest": out.get("backtest"),
                    }
            results.append(entry)
    return results


def score_headroom(out: dict, test_t: pd.DatetimeIndex, test_y: np.ndarray, step: pd.Timedelta) -> dict:
    """Aligns the forecast with the held-out timestamps (nearest forecast step within half a step)."""
    fc = headroom_forecast_frame(out)
    if fc.empty:
        raise PeerFailed("headroom returned an empty forecast")
    ft = fc.index.values
    pos = np.clip(np.searchsorted(ft, test_t.values), 1, len(ft) - 1) if len(ft) > 1 else np.zeros(len(test_t), int)
    left = np.maximum(pos - 1, 0)
    nearest = np.where(np.abs(ft[left] - test_t.values) <= np.abs(ft[pos] - test_t.values), left, pos)
    ok = np.abs(ft[nearest] - test_t.values) <= step / 2
    if not ok.any():
        return {"error": f"no forecast step within half a step of the held-out points (first forecast {fc.index[0]})"}
    rows = fc.iloc[nearest[ok]]
    col = lambda c: rows[c].to_numpy(dtype=float) if c in rows else None  # noqa: E731
    r = score(col("point"), col("lower_95"), col("upper_95"), col("lower_80"), col("upper_80"), test_y[ok])
    r["matched"] = int(ok.sum())
    return r


# ---------------------------------------------------------------------------------------------------
# Report


def fmt_s(s: float | None) -> str:
    if s is None:
        return "–"
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def fmt_x(a: float | None, b: float | None, at_least: bool = False) -> str:
    if a is None or b is None or b <= 0:
        return "–"
    x = f"{a / b:.0f}×" if a / b >= 10 else f"{a / b:.1f}×"
    return f"> {x}" if at_least else x


def speed_table(results: list[dict]) -> str:
    out = []
    for e in results:
        insp = e["headroom_inspect_seconds"]
        out.append(f"\n### {e['series']}: {e['points']} points, horizon {e['horizon_steps']} steps (1 day)\n")
        out.append(f"`headroom inspect` (process start + parse): {fmt_s(insp)}\n")
        hr_models = HEADROOM_SPEED_MODELS
        head = "| model | time (best) | runs | " + " | ".join(f"÷ headroom {m} (CLI / fit)" for m in hr_models) + " |"
        out.append(head)
        out.append("|" + "---|" * (3 + len(hr_models)))
        for name, p in e["peers"].items():
            ratios = []
            lower = p["seconds"] is None and p.get("at_least_seconds") is not None
            sec = p["at_least_seconds"] if lower else p["seconds"]
            for m in hr_models:
                hm = e["headroom"][m]
                ratios.append(f"{fmt_x(sec, hm['seconds'], lower)} / {fmt_x(sec, hm['fit_seconds'], lower)}")
            if lower:
                t = f"> {fmt_s(sec)} (stopped)"
            else:
                t = fmt_s(p["seconds"]) if p["error"] is None else f"{fmt_s(p['seconds'])} ({p['error']})"
            out.append(f"| {name} | {t} | {len(p['runs'])} | " + " | ".join(ratios) + " |")
        for m in hr_models:
            hm = e["headroom"][m]
            t = fmt_s(hm["seconds"]) if hm["error"] is None else f"– ({hm['error']})"
            chosen = f" → {hm['chosen']}" if m == "auto" and hm["chosen"] else ""
            fit = f"fit ≈ {fmt_s(hm['fit_seconds'])}"
            out.append(f"| headroom {m}{chosen} (CLI) | {t}; {fit} | {len(hm['runs'])} |" + " |" * len(hr_models))
    return "\n".join(out)


def accuracy_table(results: list[dict]) -> str:
    head = "| series | held out | model | MAE | MAE ÷ last-day naive | 95 % coverage | 80 % coverage |"
    out = [head, "|" + "---|" * 7]
    wins, any_wins, total = 0, 0, 0
    for e in results:
        if e.get("days_before_end", 0):
            continue
        naive = e["models"][REFERENCE]["mae"]
        peers = [e["models"][p]["mae"] for p in PEERS if "mae" in e["models"].get(p, {})]
        best = min(v["mae"] for v in e["models"].values() if "mae" in v)
        for name, r in e["models"].items():
            label = "seasonal naive, last day (Python)" if name == REFERENCE else name
            label += f" → {r['chosen']}" if r.get("chosen") and name == "headroom auto" else ""
            if "error" in r:
                out.append(f"| {e['series']} | {e['holdout']} | {label} | – ({r['error'][:160]}) | | | |")
                continue
            mae = f"**{r['mae']:.4g}**" if r["mae"] == best else f"{r['mae']:.4g}"
            cov = lambda c: "–" if r.get(c) is None else f"{100 * r[c]:.0f} %"  # noqa: E731
            out.append(
                f"| {e['series']} | {e['holdout']} | {label} | {mae} | {r['mae'] / naive:.2f} | "
                f"{cov('coverage_95')} | {cov('coverage_80')} |"
            )
        auto = e["models"].get("headroom auto", {})
        ours = [v["mae"] for k, v in e["models"].items() if k.startswith("headroom ") and "mae" in v]
        if peers and "mae" in auto:
            total += 1
            wins += auto["mae"] <= min(peers)
            any_wins += min(ours) <= min(peers)
    out.append(
        f"\nMAE ≤ the best peer's, of {total} held-out windows: headroom auto on {wins}; "
        f"headroom's best single model on {any_wins}."
    )
    return "\n".join(out)


def days_table(results: list[dict]) -> str | None:
    """Each series over its last days held out one by one (`--days`): the mean MAE of every model
    over the windows, and on how many windows `auto` is no worse than the best peer."""
    by_series: dict[str, list[dict]] = {}
    for e in results:
        if e["holdout"] == "1d":
            by_series.setdefault(e["series"], []).append(e)
    if all(len(v) < 2 for v in by_series.values()):
        return None
    out = [
        "| series | days | best peer (mean MAE) | headroom auto (mean MAE) | auto ÷ best peer | "
        "auto ≤ best peer, windows | headroom's best model (mean MAE) |",
        "|" + "---|" * 7,
    ]
    series_wins, rows = 0, 0
    for name, es in by_series.items():
        names = {k for e in es for k in e["models"]}

        def mean_mae(model: str) -> float | None:
            v = [e["models"].get(model, {}).get("mae") for e in es]
            return float(np.mean(v)) if all(x is not None for x in v) else None

        peers = {p: mean_mae(p) for p in PEERS if p in names}
        peers = {p: v for p, v in peers.items() if v is not None}
        ours = {k: mean_mae(k) for k in names if k.startswith("headroom ") and k != "headroom auto"}
        ours = {k: v for k, v in ours.items() if v is not None}
        auto = mean_mae("headroom auto")
        if not peers or auto is None:
            continue
        bp = min(peers, key=peers.get)
        window_wins = sum(
            e["models"]["headroom auto"]["mae"]
            <= min(e["models"][p]["mae"] for p in PEERS if "mae" in e["models"].get(p, {}))
            for e in es
        )
        series_wins += auto <= peers[bp]
        rows += 1
        bo = min(ours, key=ours.get) if ours else None
        best_ours = f"{bo.removeprefix('headroom ')} {ours[bo]:.4g}" if bo else "–"
        out.append(
            f"| {name} | {len(es)} | {bp} {peers[bp]:.4g} | {auto:.4g} | {auto / peers[bp]:.2f} | "
            f"{window_wins} of {len(es)} | {best_ours} |"
        )
    out.append(f"\nMean MAE over the days ≤ the best peer's (the peer best over those days): headroom auto on {series_wins} of {rows} series.")
    return "\n".join(out)


def versions() -> dict:
    from importlib.metadata import version

    v = {"python": platform.python_version()}
    for pkg in ("numpy", "pandas", "statsmodels", "statsforecast", "prophet"):
        v[pkg] = version(pkg)
    return v


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--headroom", type=Path, help="the headroom binary (release build)")
    ap.add_argument("--synthetic", type=Path, help="directory with synthetic_14d_5min.csv and synthetic_1y_5min.csv")
    ap.add_argument("--data", type=Path, default=Path("../shared/data/nab"), help="the NAB data directory")
    ap.add_argument("--out", type=Path, default=Path("target/peers/results.json"))
    ap.add_argument("--repeats", type=int, default=3, help="runs per timing; the best is reported")
    ap.add_argument("--budget", type=float, default=300, help="seconds of repeats per peer and series")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before one peer call is stopped (its time: > this)")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-accuracy", action="store_true")
    ap.add_argument("--only", nargs="*", help="accuracy: only these series (file stems)")
    ap.add_argument(
        "--days",
        type=int,
        default=1,
        help="accuracy: also hold out each of the N - 1 days before the last one, alone, and report every series over its last N days",
    )
    ap.add_argument("--from-json", type=Path, help="print the report of an earlier run's results.json; run nothing")
    ap.add_argument(
        "--peers-from",
        type=Path,
        help="accuracy: take the peers' results from an earlier run's results.json for the windows it has (the peers are deterministic); run only Headroom",
    )
    a = ap.parse_args()
    if a.from_json:
        print_report(json.loads(a.from_json.read_text()), a.from_json)
        return 0
    quiet()

    if a.headroom is None:
        raise SystemExit("peers: --headroom BINARY is needed (bench/peers/run.sh passes it)")
    hr = Headroom(a.headroom)
    if not a.headroom.is_file():
        raise SystemExit(f"peers: {a.headroom}: no such binary (build it: cargo build --release -p headroom-cli)")
    hr.check_forecast()
    report = {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_average": os.getloadavg()},
        "versions": versions() | {"headroom": hr.version().removeprefix("headroom ")},
        "method": {
            "peer_time": "fit + forecast in the peer's own process (perf_counter), best of repeats, after a warm-up",
            "headroom_time": "wall time of `headroom forecast FILE --horizon 1d --model M --json`, best of repeats",
            "headroom_fit": "headroom_time minus the best wall time of `headroom inspect FILE` (process start + parse)",
            "accuracy": "hold out the last day (and week where >= 2 weeks remain), and with --days N each of the "
            "N - 1 days before the last alone; MAE and interval coverage on each window",
        },
    }
    print("warming up the peers (imports, Stan model, JIT)…", file=sys.stderr)
    warm_up()
    if not a.skip_speed:
        if a.synthetic is None:
            raise SystemExit("peers: --synthetic DIR is needed for the speed section (or --skip-speed)")
        report["speed"] = speed(hr, a.synthetic, a.repeats, a.budget, a.timeout)
    if not a.skip_accuracy:
        stored = None
        if a.peers_from:
            earlier = json.loads(a.peers_from.read_text())
            stored = earlier.get("accuracy", [])
            # Their versions must be these: the results are reused as if the peers ran now.
            pkgs = ("numpy", "pandas", "statsmodels", "statsforecast", "prophet")
            now, then = report["versions"], earlier.get("versions", {})
            if any(now.get(k) != then.get(k) for k in pkgs):
                raise SystemExit(
                    f"peers: --peers-from {a.peers_from}: its peers ran with "
                    + ", ".join(f"{k} {then.get(k)}" for k in pkgs)
                    + "; these are "
                    + ", ".join(f"{k} {now.get(k)}" for k in pkgs)
                )
            # Where the peers' results were first computed, if that file reused them too.
            report["peers_from"] = earlier.get("peers_from") or {"file": str(a.peers_from), "generated": earlier.get("generated")}
        report["accuracy"] = accuracy(hr, a.data, a.timeout, a.only, max(1, a.days), stored)

    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(clean(report), indent=2) + "\n")
    print_report(report, a.out)
    return 0


def print_report(report: dict, path: Path) -> None:
    v, m = report["versions"], report["machine"]
    load = f", load average {m['load_average'][0]:.1f} at the start" if m.get("load_average") else ""
    print(f"# Headroom vs Python peers ({report['generated']}, {m['cpus']} CPUs{load})\n")
    print(", ".join(f"{k} {val}" for k, val in v.items()) + "\n")
    if "peers_from" in report:
        f = report["peers_from"]
        print(f"The peers' accuracy on the windows it has is taken from {f['file']} (run of {f['generated']}); Headroom ran again.\n")
    if "speed" in report:
        print("## Speed: fit + forecast one day\n" + speed_table(report["speed"]) + "\n")
        print(
            "Ratios are peer time ÷ headroom time: first against the whole CLI process (start, parse, fit, "
            "JSON), then against the CLI minus `headroom inspect` (the model alone).\n"
        )
    if "accuracy" in report:
        print("## Accuracy on real series (MAE on the held-out window; best in bold)\n")
        print(accuracy_table(report["accuracy"]) + "\n")
        days = days_table(report["accuracy"])
        if days:
            print("### Over the last days, one by one (`--days`)\n")
            print(days + "\n")
    print(f"JSON: {path}")


def clean(o):
    """Plain JSON: numpy scalars as numbers, NaN and infinities as null."""
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean(v) for v in o]
    if isinstance(o, (np.floating, np.integer)):
        o = o.item()
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


if __name__ == "__main__":
    sys.exit(main())

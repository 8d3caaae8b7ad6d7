"""The benchmark's province on disk: a landing zone holding five years of generated one-stop-shop
history beside every other source, cached by its parameters so a second `make bench` reuses it.

How the history gets past the GX gate (the warehouse reads only accepted loads, macro
accepted_loads): the other sources and one day of the one-stop-shop (the history's last day, as an
export file) are landed by the REAL pipeline (`python -m orchestration run` for that day), so their
loads pass the real gates, the generated data included. The monthly history loads written straight
into the landing zone by connectors/sandbox/scale.py are too large to validate with GX in the
bench's time (pandas frames of millions of rows); their verdicts are RECORDED as accepted through
the gate's own audit code (expectations/gx_runner.audit_frames), with 0 expectations evaluated,
which says exactly that in landing/_audit. bench/results.md states it too.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from bench.measure import run_measured
from connectors.landing import LandingZone
from connectors.sandbox import scale
from orchestration.settings import PROJECT_ROOT

BENCH_DIR = Path(os.environ.get("PAR_BENCH_DIR", PROJECT_ROOT / "data" / "bench"))
PYTHON = sys.executable
# A real source (an export file) needs a key of its own; the generated history is hashed with it too,
# so an official has one pseudonymous key across the history, the exports and the cadre system.
BENCH_KEY = "bench-pseudonymisation-key-not-secret"


@dataclass(frozen=True)
class Volume:
    """The province to benchmark: `years` of history up to `history_end`, the nightly day after it."""

    dossiers_per_year: int = 2_000_000
    years: int = 5
    history_end: date = date(2026, 11, 1)  # a Sunday: the nightly day, 2 November 2026, is a Monday
    seed: int = 20220101

    @property
    def config(self) -> scale.ScaleConfig:
        return scale.ScaleConfig(
            dossiers_per_year=self.dossiers_per_year, seed=self.seed, pseudonymisation_key=BENCH_KEY
        )

    @property
    def history_start(self) -> date:
        return self.history_end.replace(year=self.history_end.year - self.years) + timedelta(days=1)

    @property
    def nightly_day(self) -> date:
        return self.history_end + timedelta(days=1)

    def key(self) -> str:
        """Names the cache: the parameters and the generator's code (a changed generator regenerates)."""
        code = hashlib.blake2b(Path(scale.__file__).read_bytes(), digest_size=4).hexdigest()
        return f"{self.config.key()}-{self.history_start}-{self.history_end}-gen{code}"


def day_window(day: date) -> tuple[datetime, datetime]:
    return datetime.combine(day, datetime.min.time()), datetime.combine(day + timedelta(days=1), datetime.min.time())


def record_accepted(landing: LandingZone, source: str, load_ids: list[str], checked_at: datetime) -> None:
    """Accepted verdicts for loads not validated by GX (0 expectations evaluated), via the gate's audit code,
    each with the load's range of update times as the gate records it (a nightly build reads only the loads
    whose range meets its window)."""
    from connectors import one_stop_shop
    from expectations.gx_runner import BatchResult, audit_frames
    from orchestration.update_ranges import update_time_range

    for load_id in load_ids:
        result = BatchResult(
            load_id=load_id,
            source_system=source,
            checked_at=checked_at,
            success=True,
            expectations_evaluated=0,
            expectations_failed=0,
            rows_affected=0,
            rows_affected_exact=True,
            datasets=(),
            duration_seconds=0.0,
        )
        update_range = (
            update_time_range(landing, source, one_stop_shop.DATASETS, load_id, one_stop_shop.UPDATE_FIELD)
            if source == one_stop_shop.SOURCE
            else None
        )
        _, verdicts = audit_frames(result, update_range)
        landing.write_audit(
            "gx_batch_verdicts", load_id, pa.Table.from_pandas(verdicts, preserve_index=False), checked_at
        )


def pipeline_env(data_dir: Path, landing: Path, export: Path, day: date) -> dict[str, str]:
    """The environment of a pipeline run over the bench's landing zone for `day`."""
    return {
        "PAR_DATA_DIR": str(data_dir),
        "PAR_LANDING_DIR": str(landing),
        "PAR_WAREHOUSE_PATH": str(data_dir / "warehouse.duckdb"),
        "DAGSTER_HOME": str(data_dir / "dagster_home"),
        "PAR_ONE_STOP_SHOP_EXPORT": str(export),
        "PAR_SANDBOX_END_DATE": day.isoformat(),
        "PAR_REPORTING_AS_OF": day.isoformat(),
        "PAR_SOURCE_RETRIES": "0",
        "PAR_PSEUDONYMISATION_KEY": BENCH_KEY,
        "DO_NOT_TRACK": "1",
        "GX_ANALYTICS_ENABLED": "false",
    }


@dataclass
class Province:
    """A prepared cache: where things are and how the history was made."""

    root: Path
    volume: Volume
    dossiers: int
    loads: int
    generation_seconds: float
    bootstrap_seconds: float
    cached: bool = False  # found on disk, not built by this call

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    def export(self, name: str) -> Path:
        return self.root / "exports" / f"{name}.ndjson"


def prepare(volume: Volume, log=print) -> Province:
    """The cached province of `volume`, built if missing: bootstrap run, history, verdicts, exports."""
    root = BENCH_DIR / "cache" / volume.key()
    meta = root / "province.json"
    if meta.exists():
        saved = json.loads(meta.read_text())
        log(f"province cached in {root} ({saved['dossiers']:,} dossiers)")
        return Province(
            root,
            volume,
            saved["dossiers"],
            saved["loads"],
            saved["generation_seconds"],
            saved["bootstrap_seconds"],
            cached=True,
        )
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    config, end = volume.config, volume.history_end
    # 1. the other sources and the history's last day, through the real pipeline and its gates
    last_day = root / "exports" / "bootstrap.ndjson"
    scale.write_export(config, *day_window(end), last_day)
    log(f"bootstrap: the pipeline for {end} (every source, real gates) ...")
    bootstrap = run_measured(
        "bootstrap run",
        [PYTHON, "-m", "orchestration", "run", "--start", str(end), "--end", str(end)],
        env=pipeline_env(root / "bootstrap", root / "landing", last_day, end),
        cwd=PROJECT_ROOT,
        log=root / "bootstrap.log",
    )
    # 2. the history, straight into the landing zone, and its recorded verdicts
    log(
        f"generating {volume.years} years of history ({volume.history_start} .. {end}) at "
        f"{volume.dossiers_per_year:,} dossiers a year ..."
    )
    started = time.perf_counter()
    loads = scale.land_history(config, volume.history_start, end, LandingZone(root / "landing"), progress=log)
    generation = time.perf_counter() - started
    record_accepted(LandingZone(root / "landing"), "one_stop_shop", [load.load_id for load in loads], datetime.now(UTC))
    # 3. the exports the nightly run and the API benchmark read
    scale.write_export(config, *day_window(volume.nightly_day), root / "exports" / "nightly.ndjson")
    month_start = end.replace(day=1) - timedelta(days=1)
    scale.write_export(
        config,
        datetime.combine(month_start.replace(day=1), datetime.min.time()),
        datetime.combine(end.replace(day=1), datetime.min.time()),
        root / "exports" / "month.ndjson",
    )
    dossiers = sum(load.dossiers for load in loads)
    meta.write_text(
        json.dumps(
            {
                "dossiers": dossiers,
                "loads": len(loads),
                "generation_seconds": generation,
                "bootstrap_seconds": bootstrap.seconds,
                "volume": asdict(volume) | {"history_end": str(end)},
            },
            indent=1,
        )
    )
    log(
        f"history: {dossiers:,} dossiers in {len(loads)} loads, {generation:.0f} s "
        f"({dossiers / generation * 60:,.0f} dossiers a minute)"
    )
    return Province(root, volume, dossiers, len(loads), generation, bootstrap.seconds)


def generate_sample(volume: Volume, landing: Path, months: int) -> dict[str, float]:
    """The last `months` months of the history generated into the new landing zone `landing`, as
    prepare() generates the whole history: {"dossiers": how many, "seconds": the generation's time,
    without the process's start-up}. The bench times it in every
    run (`python -m bench generator-sample`): the cached history's own time was taken whenever the
    cache was built, under whatever load the machine had then."""
    if landing.exists():
        raise FileExistsError(f"{landing} exists: the sample is generated into a new landing zone")
    start = volume.history_end.replace(day=1)
    for _ in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    started = time.perf_counter()
    loads = scale.land_history(volume.config, start, volume.history_end, LandingZone(landing))
    return {"dossiers": sum(load.dossiers for load in loads), "seconds": time.perf_counter() - started}


def fresh_run_dir(province: Province) -> Path:
    """A run directory whose landing zone is the cached one, hard-linked (landed files are never
    rewritten: the landing zone writes new files and renames them into place)."""
    run = BENCH_DIR / "run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    shutil.copytree(province.landing, run / "landing", copy_function=os.link)
    return run

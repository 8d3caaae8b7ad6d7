"""The nightly run's fixed cost, before and after, compared in one sitting at a small scale.

`python -m bench.fixed_cost --dir DIR [--scale 0.05] [--rounds 2]`: a sandbox pipeline of a few months
is run once (the bootstrap, not timed); then the same one-day nightly run is timed `rounds` times in
each of two modes, alternating, so that the machine's load falls on both alike:

- `before`: what every night paid before issue 22: the seeds reloaded (their fingerprint removed from
  the warehouse: orchestration/seed_state.py) and the dbt docs generated again (their cache removed);
  or, with `--before-tree DIR`, the night run by the code in DIR, an earlier commit of the project
  (`git archive <commit> | tar -x -C DIR`; e.g. the five dbt steps before the one of issue 22 part 2d),
  on the same data folder;
- `after`: what a night pays now: unchanged seeds left out, the docs copied from their cache.

Each run's wall time and peak memory (bench/measure.py) and its dbt steps' times (Dagster's event log)
are printed, with the medians of each mode. With `--before-tree`, each mode first runs one night that is
not compared (each tree's first night generates its docs and saves its own dbt parse). Not `make bench`: this is small enough for a shared
machine (a few minutes) and measures only the fixed cost, which does not depend on the volume.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from datetime import date
from pathlib import Path

from bench.measure import run_measured
from bench.report import run_steps
from bench.workspace import PYTHON
from orchestration.duckdb_session import connect
from orchestration.seed_state import TABLE
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT

BOOTSTRAP = (date(2022, 1, 1), date(2022, 2, 27))
NIGHT = date(2022, 2, 28)


def environment(folder: Path, scale: float) -> dict[str, str]:
    return {
        "PAR_DATA_DIR": str(folder),
        "PAR_LANDING_DIR": str(folder / "landing"),
        "PAR_WAREHOUSE_PATH": str(folder / "warehouse.duckdb"),
        "DAGSTER_HOME": str(folder / "dagster_home"),
        "PAR_SANDBOX_SCALE": str(scale),
        "PAR_SANDBOX_END_DATE": NIGHT.isoformat(),
        "PAR_SOURCE_RETRIES": "0",
        "DO_NOT_TRACK": "1",
        "GX_ANALYTICS_ENABLED": "false",
    }


def run(env: dict[str, str], start: date, end: date, log: Path, tree: Path = PROJECT_ROOT):
    """A run of the pipeline by the code in `tree` (`python -m` imports the packages of its working folder)."""
    command = [PYTHON, "-m", "orchestration", "run", "--start", str(start), "--end", str(end)]
    return run_measured(f"run {start}..{end}", command, env=env, cwd=tree, log=log)


def as_before(warehouse: Path) -> None:
    """Make the next run pay what every run paid before: reload the seeds, generate the docs."""
    with connect(warehouse) as con:
        con.execute(f"drop table if exists {TABLE}")
    for cache in (DBT_PROJECT_DIR / "target").glob("docs-*"):
        shutil.rmtree(cache, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fixed_cost", description=__doc__)
    parser.add_argument("--dir", type=Path, required=True, help="a scratch folder (emptied first)")
    parser.add_argument("--scale", type=float, default=0.05, help="the sandbox's scale (default 0.05)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--before-tree", type=Path, help="the source tree whose code runs the `before` nights")
    args = parser.parse_args(argv)
    trees = {"before": (args.before_tree or PROJECT_ROOT).resolve(), "after": PROJECT_ROOT}
    shutil.rmtree(args.dir, ignore_errors=True)
    (args.dir / "dagster_home").mkdir(parents=True)
    env = environment(args.dir, args.scale)
    for tree in set(trees.values()):
        run_measured("the deployment's parse", [PYTHON, "-m", "orchestration.dbt_parse"], env=env, cwd=tree)
    boot = run(env, *BOOTSTRAP, args.dir / "bootstrap.log")
    print(f"bootstrap {BOOTSTRAP[0]}..{BOOTSTRAP[1]}: {boot.seconds:.0f} s (not compared)")
    if args.before_tree:
        for mode, tree in trees.items():
            warm = run(env, NIGHT, NIGHT, args.dir / f"night-warm-{mode}.log", tree)
            print(f"first night {mode}: {warm.seconds:.0f} s (not compared)")
    seconds: dict[str, list[float]] = {"before": [], "after": []}
    dbt_seconds: dict[str, list[float]] = {"before": [], "after": []}
    for round_ in range(args.rounds):
        for mode in ("before", "after"):
            if mode == "before" and not args.before_tree:
                as_before(args.dir / "warehouse.duckdb")
            night = run(env, NIGHT, NIGHT, args.dir / f"night-{round_}-{mode}.log", trees[mode])
            _, steps = run_steps(args.dir / "dagster_home")
            dbt = {step: s for step, _, s in steps if step.endswith("_models") or "snapshot" in step}
            seconds[mode].append(night.seconds)
            dbt_seconds[mode].append(sum(s for step, s in dbt.items() if step.endswith("_models")))
            print(
                f"round {round_ + 1} {mode:6}: {night.seconds:6.1f} s, peak {night.peak_mib:,.0f} MiB; "
                + ", ".join(f"{step} {s:.1f} s" for step, s in dbt.items())
            )
    for mode in ("before", "after"):
        print(
            f"median {mode:6}: nightly run {statistics.median(seconds[mode]):.1f} s, "
            f"dbt steps together {statistics.median(dbt_seconds[mode]):.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

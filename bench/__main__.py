"""`python -m bench [run] [--dossiers-per-year N] [--years Y]`: the whole benchmark (what `make bench` runs);
`python -m bench generate ...`: only the cached province (landing zone of the history, exports);
`python -m bench generator-sample --landing DIR ...`: the history's last months generated into DIR (the bench
times it: the generator's speed in this run, on this machine as loaded now).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date
from pathlib import Path

from bench.workspace import Volume, prepare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", nargs="?", choices=["run", "generate", "generator-sample"], default="run")
    parser.add_argument(
        "--dossiers-per-year",
        type=int,
        default=Volume.dossiers_per_year,
        help="dossiers received a year (default 2,000,000: 10 million over 5 years)",
    )
    parser.add_argument("--years", type=int, default=Volume.years, help="years of history (default 5)")
    parser.add_argument(
        "--history-end",
        type=date.fromisoformat,
        default=Volume.history_end,
        help="last day of the history; the nightly run is the day after (default 2026-11-01)",
    )
    parser.add_argument("--seed", type=int, default=Volume.seed)
    parser.add_argument(
        "--results",
        type=Path,
        default=Path(__file__).with_name("results.md"),
        help="where to write the results (default bench/results.md)",
    )
    parser.add_argument("--landing", type=Path, help="generator-sample: the landing zone to write (must not exist)")
    parser.add_argument("--months", type=int, default=2, help="generator-sample: months of history (default 2)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    volume = Volume(args.dossiers_per_year, args.years, args.history_end, args.seed)
    if args.command == "generate":
        province = prepare(volume, log=lambda m: print(m, flush=True))
        print(f"landing zone: {province.landing}")
        print(f"exports:      {province.root / 'exports'}")
        return 0
    if args.command == "generator-sample":
        if args.landing is None:
            parser.error("generator-sample needs --landing DIR")
        from bench.workspace import generate_sample

        print(json.dumps(generate_sample(volume, args.landing, args.months)))
        return 0
    from bench.harness import run_bench

    return run_bench(volume, args.results)


if __name__ == "__main__":
    sys.exit(main())

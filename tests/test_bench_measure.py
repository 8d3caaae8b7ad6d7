"""The bench's measurement of a command (bench/measure.py): wall time, peak memory of the whole
process tree (a grandchild's memory counts), a failure names the command. Cost: about 2 seconds."""

import sys

import pytest

from bench.measure import CommandFailedError, run_measured, tree_rss

HOLD_200_MIB_IN_A_GRANDCHILD = (
    "import subprocess, sys; subprocess.run([sys.executable, '-c', "
    '"b = bytearray(200 * 2**20); import time; time.sleep(0.8)"], check=True)'
)


def test_peak_memory_counts_the_grandchild_and_time_is_wall_time():
    measured = run_measured("hold memory", [sys.executable, "-c", HOLD_200_MIB_IN_A_GRANDCHILD])
    assert measured.peak_rss_bytes >= 200 * 2**20  # the bytearray alone; plus two interpreters
    assert measured.peak_rss_bytes < 400 * 2**20
    assert measured.seconds >= 0.8


def test_a_failed_command_says_which_and_shows_its_output(tmp_path):
    with pytest.raises(CommandFailedError, match=r"(?s)floor failed \(exit 3\).*no such table"):
        run_measured(
            "floor",
            [sys.executable, "-c", "import sys; print('no such table'); sys.exit(3)"],
            log=tmp_path / "floor.log",
        )


def test_the_generator_sample_lands_what_it_counts_and_never_writes_into_an_existing_zone(tmp_path):
    """The generator's figure is timed in every bench run on a sample (the history's last months)."""
    import duckdb

    from bench.workspace import Volume, generate_sample

    volume = Volume(dossiers_per_year=12_000, years=1)
    sample = generate_sample(volume, tmp_path / "landing", months=2)
    with duckdb.connect() as con:  # its own connection: the module's default one is shared by every test of the worker
        landed = con.execute(
            f"select count(distinct MaHoSo) from read_parquet('{tmp_path}/landing/one_stop_shop/dossiers/*/*.parquet')"
        ).fetchone()[0]
    assert sample["dossiers"] == landed
    assert 1_000 < landed < 3_000  # two months of 12,000 a year, and the dossiers submitted by then
    assert sample["seconds"] > 0
    with pytest.raises(FileExistsError, match="new landing zone"):
        generate_sample(volume, tmp_path / "landing", months=1)


def test_a_process_that_ends_while_its_tasks_are_read_counts_nothing(monkeypatch):
    """The sampler walks /proc while processes come and go: a process folder that vanishes while it is read
    is not an error (it stopped a sitting's sampler thread, leaving its peak a lower bound)."""
    import bench.measure

    real = bench.measure.Path

    class Vanishing(type(real())):
        def iterdir(self):
            raise FileNotFoundError(2, "No such file or directory", str(self))

        def glob(self, pattern):
            raise FileNotFoundError(2, "No such file or directory", str(self))

    monkeypatch.setattr(bench.measure, "Path", Vanishing)
    assert bench.measure._children(1) == []
    monkeypatch.setattr(bench.measure, "Path", real)
    assert tree_rss(2**22 + 12345) == 0  # no such process at all

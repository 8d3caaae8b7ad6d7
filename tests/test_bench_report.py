"""bench/report.py: each figure is judged against the budget of the volume the bench ran at."""

from bench.report import budgets_for


def test_the_budgets_follow_the_volume_the_bench_ran_at():
    assert budgets_for(10_000_000) == (60.0, 2.0)  # the province
    assert budgets_for(9_880_900) == (60.0, 2.0)  # what the generator made of it
    assert budgets_for(1_000_000) == (30.0, 3.0)
    assert budgets_for(988_978) == (30.0, 3.0)
    assert budgets_for(20_000) == (30.0, 3.0)  # a small trial run: the stricter nightly budget
    assert budgets_for(5_000_000) == (60.0, 2.0)
    assert budgets_for(3_000_000) == (30.0, 3.0)

"""`make bench`: the warehouse at provincial scale against the hand-written floor (issue 8).

Modules: measure (wall time and peak memory of a child process tree), workspace (the cached
landing zone of a generated province: history, verdicts, the bootstrap of the other sources),
floor (bench/floor.sql and its comparison with the dbt marts), api_ingestion (dossiers a second
through the loopback API), report (the table and bench/results.md), __main__ (the command line).
"""

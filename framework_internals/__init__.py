"""The one place this project uses private names of the frameworks it runs on (Dagster, dagster-dbt, Great
Expectations), each where no supported API does the job, with why beside it:

- `gx.py`: a dtype check GX's own type-list expectation cannot make for pandas 3 dtypes;
- `dagster_event_log.py`: Dagster's SQLite event log with its connections kept open, without which a
  first run over the whole history spends most of its time recording events (measured: docs/operations.md);
- `dagster_job_runs.py`: a run executed in the CLI's process recorded as a run of the `par_pipeline` job of
  the code location, so that the job's page and the Overview timeline show it.

tests/test_framework_internals.py fails when an upgrade breaks one of them, and when a private name of
these frameworks is used anywhere else. The submodules are imported only where they are needed: the GX
gate imports `gx` (no Dagster import), an instance folder's dagster.yaml names `dagster_event_log`.
"""

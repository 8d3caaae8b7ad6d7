"""A dbt step that failed because an upgrade gave an incremental table new columns names the fix."""

from orchestration.alerts import SCHEMA_OUT_OF_SYNC, upgrade_hint


def _message(log_path) -> str:
    return (
        "dagster_dbt.errors.DagsterDbtCliRuntimeError: The dbt CLI process with command `dbt build` failed with "
        f"exit code `1`. Check the stdout in the Dagster compute logs, or view the dbt debug log: {log_path}."
    )


def test_an_out_of_sync_incremental_table_is_told_to_rebuild_once(tmp_path):
    log = tmp_path / "dbt.log"
    log.write_text(f"Compilation Error in model int_dossier_handlers\n  The source and target {SCHEMA_OUT_OF_SYNC}!\n")
    hint = upgrade_hint(_message(log))
    assert hint is not None and "--full-refresh" in hint


def test_another_dbt_failure_or_a_missing_log_gets_no_such_hint(tmp_path):
    log = tmp_path / "dbt.log"
    log.write_text("Database Error in model mart_x\n  Binder Error: column y not found\n")
    assert upgrade_hint(_message(log)) is None
    assert upgrade_hint(_message(tmp_path / "gone" / "dbt.log")) is None
    assert upgrade_hint("some other failure") is None


def test_the_error_quoted_in_the_message_is_enough():
    assert upgrade_hint(f"Errors parsed from dbt logs: The source and target {SCHEMA_OUT_OF_SYNC}!") is not None

"""The daily partitions every source ingests by: a day of source updates, Vietnam local time."""

from __future__ import annotations

import warnings
from datetime import datetime

from dagster import BackfillPolicy, BetaWarning, DailyPartitionsDefinition

from orchestration.settings import LOCAL_TIMEZONE, PROGRAM_START

# end_offset=1: today's partition exists, so a manual run can pull up to now; the nightly
# schedule asks for yesterday's, the last complete day.
daily_partitions = DailyPartitionsDefinition(start_date=PROGRAM_START, timezone=LOCAL_TIMEZONE, end_offset=1)

# A backfill of many days is one run over the whole range: one pull, one dbt build.
single_run_backfill = BackfillPolicy.single_run()
# `backfill_policy` is a beta parameter of `@asset`: Dagster warns at each asset that uses it, in every process
# that loads the code location. Chosen knowingly (docs/operations.md); nothing a user can act on.
warnings.filterwarnings("ignore", category=BetaWarning, message="Parameter `backfill_policy`")


def local_naive(moment: datetime) -> datetime:
    """Partition bounds are timezone-aware in Asia/Ho_Chi_Minh; the sources speak naive local time."""
    return moment.replace(tzinfo=None)

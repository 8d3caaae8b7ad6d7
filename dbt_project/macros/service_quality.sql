{#- The counts of the service-quality marts over rows of int_dossier_period_status, one place for
    the agency and the province marts (docs/definitions.md). Use inside a select ... group by. -#}
{% macro dossier_period_counts() -%}
        sum(case when is_received_in_period then 1 else 0 end) as dossiers_received,
        sum(case when is_received_in_period and is_online_channel then 1 else 0 end) as received_online,
        sum(case when is_received_in_period and is_full_online_eligible then 1 else 0 end) as received_full_online_eligible,
        sum(case when is_received_in_period and is_full_online_eligible and is_online_channel then 1 else 0 end) as received_full_online,
        sum(case when is_received_in_period and is_fee_bearing then 1 else 0 end) as received_fee_bearing,
        sum(case when is_received_in_period and is_fee_bearing and is_paid_online then 1 else 0 end) as received_paid_online,
        sum(case when is_finished_in_period then 1 else 0 end) as dossiers_finished,
        sum(case when is_finished_on_time then 1 else 0 end) as finished_on_time,
        sum(case when is_finished_late then 1 else 0 end) as finished_late,
        sum(case when is_pending_at_end then 1 else 0 end) as pending_at_end,
        sum(case when is_overdue_at_end then 1 else 0 end) as overdue_at_end,
        sum(case when is_due_date_unknown then 1 else 0 end) as due_date_unknown,
        sum(case when (is_finished_late or is_overdue_at_end) and has_apology_by_end then 1 else 0 end) as late_with_apology
{%- endmacro %}

{#- The 766 on-time rate's denominator (docs/definitions.md): dossiers finished in the period or pending at its end,
    less those whose due date cannot be determined (counted apart in due_date_unknown). -#}
{% macro on_time_denominator(relation) -%}
    ({{ relation }}.dossiers_finished + {{ relation }}.pending_at_end - {{ relation }}.due_date_unknown)
{%- endmacro %}

{#- The counts (numerators and denominators, so any roll-up is a sum) and rates both
    service-quality marts publish, from the columns of
    dossier_period_counts() plus votes_cast / votes_satisfied (docs/definitions.md): one place for the
    formulas. The late rate is 1 - the 766 on-time rate = (finished late + overdue at the end) /
    (finished + pending at the end - due date unknown): a dossier whose due date cannot be
    determined is on neither side (macro on_time_denominator). -#}
{% macro service_quality_columns(relation) -%}
    cast({{ relation }}.dossiers_received as bigint) as dossiers_received,
    cast({{ relation }}.dossiers_finished as bigint) as dossiers_finished,
    cast({{ relation }}.finished_on_time as bigint) as finished_on_time,
    cast({{ relation }}.finished_late as bigint) as finished_late,
    cast({{ relation }}.pending_at_end as bigint) as pending_at_end,
    cast({{ relation }}.overdue_at_end as bigint) as overdue_at_end,
    cast({{ relation }}.due_date_unknown as bigint) as due_date_unknown,
    cast({{ relation }}.votes_cast as bigint) as votes_cast,
    cast({{ relation }}.votes_satisfied as bigint) as votes_satisfied,
    cast({{ relation }}.received_online as bigint) as received_online,
    cast({{ relation }}.received_full_online_eligible as bigint) as received_full_online_eligible,
    cast({{ relation }}.received_full_online as bigint) as received_full_online,
    cast({{ relation }}.received_fee_bearing as bigint) as received_fee_bearing,
    cast({{ relation }}.received_paid_online as bigint) as received_paid_online,
    cast({{ relation }}.late_with_apology as bigint) as late_with_apology,
    {{ safe_rate(relation ~ '.finished_late + ' ~ relation ~ '.overdue_at_end', on_time_denominator(relation)) }} as late_rate,
    {{ safe_rate(relation ~ '.received_online', relation ~ '.dossiers_received') }} as online_share,
    {{ safe_rate(relation ~ '.received_full_online', relation ~ '.received_full_online_eligible') }} as full_online_share,
    {{ safe_rate(relation ~ '.received_paid_online', relation ~ '.received_fee_bearing') }} as online_paid_share,
    {{ safe_rate(relation ~ '.votes_satisfied', relation ~ '.votes_cast') }} as satisfaction_rate,
    {{ safe_rate(relation ~ '.late_with_apology', relation ~ '.finished_late + ' ~ relation ~ '.overdue_at_end') }} as apology_coverage
{%- endmacro %}

{#- The applicant's supplement time of each supplement round, in working days (docs/definitions.md: the time
    between a supplement request and the resubmission is not counted, so it moves the due date):
    the working days in (request day, supply day], from int_working_days' running index. Null when
    either day is outside the calendar; 0 when supplied the same day (or, in a bad row, before the
    request). supplement_day_joins(rounds) joins the two calendar days (CTE `calendar` with
    date_day, working_day_index) to the rounds; supplement_working_days() reads them. -#}
{% macro supplement_day_joins(rounds) -%}
    left join calendar as requested_day
        on requested_day.date_day = cast({{ rounds }}.requested_at as date)
    left join calendar as supplied_day
        on supplied_day.date_day = cast({{ rounds }}.supplied_at as date)
{%- endmacro %}

{% macro supplement_working_days() -%}
    case
        when requested_day.date_day is null or supplied_day.date_day is null then null
        when supplied_day.working_day_index > requested_day.working_day_index
            then supplied_day.working_day_index - requested_day.working_day_index
        else 0
    end
{%- endmacro %}

{#- A due date moved by N working days, the hour kept (as the source's NgayHenTraMoi keeps it):
    moved_due_joins(due, days) joins the due date's day (anchor_day) and the N-th working day after
    it (due_day) from CTE `calendar`; moved_due(due) is the moved moment, null when the calendar
    does not reach (left joins). -#}
{% macro moved_due_joins(due, days) -%}
    left join calendar as anchor_day
        on anchor_day.date_day = cast({{ due }} as date)
    left join calendar as due_day
        on due_day.is_working_day
       and due_day.working_day_index = anchor_day.working_day_index + {{ days }}
{%- endmacro %}

{% macro moved_due(due) -%}
    {{ dbt.dateadd('day', interval_count('day', 'anchor_day.date_day', 'due_day.date_day'), due) }}
{%- endmacro %}

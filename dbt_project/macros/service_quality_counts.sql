{#- The counts of the service-quality marts over rows of int_dossier_period_status, one place for
    the agency and the province marts (domain §6). Use inside a select ... group by. -#}
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
        sum(case when (is_finished_late or is_overdue_at_end) and has_apology_by_end then 1 else 0 end) as late_with_apology
{%- endmacro %}

{#-
    The reporting periods this build recomputes in the period-keyed models (int_766_indicator_counts,
    mart_agency_service_quality, mart_766_index): one row per period_key (macros/period_increments.sql). The pre-hooks of
    int_dossier_period_status, stg_one_stop_shop__votes and __feedback add the periods of the rows they
    delete; this body adds the periods of the rows they inserted for the recomputed dossiers
    (stg_one_stop_shop__changed_dossiers; votes and feedback of the dossiers the marts count only). Kept until the build that applied them to every reader
    (on-run-end hook forget_applied_list). On a first or full build: every period.
-#}
{{ config(materialized='incremental', incremental_strategy='append') }}
-- depends_on: {{ ref('stg_one_stop_shop__changed_dossiers') }}
-- depends_on: {{ ref('int_dossier_period_status') }}
-- depends_on: {{ ref('stg_one_stop_shop__votes') }}
-- depends_on: {{ ref('stg_one_stop_shop__feedback') }}
-- depends_on: {{ ref('int_dossiers_enriched') }}
with periods as (

    select period_key, period_start, period_end
    from {{ ref('int_reporting_periods') }}

),

changed as (

    {%- if is_incremental() %}

        select status.period_key
        from {{ ref('int_dossier_period_status') }} as status
        where {{ recomputed_dossier('status.dossier_code') }}

        union all

        {{ changed_event_periods(ref('stg_one_stop_shop__votes'), 'voted_at', 'periods', ref('int_dossiers_enriched')) }}

        union all

        {{ changed_event_periods(ref('stg_one_stop_shop__feedback'), 'feedback_received_at', 'periods',
                                 ref('int_dossiers_enriched')) }}

    {%- else %}

        select periods.period_key from periods

    {%- endif %}

)

select distinct cast(changed.period_key as {{ dbt.type_string() }}) as period_key
from changed
where
    changed.period_key is not null
{%- if is_incremental() %}
    and changed.period_key not in (select listed.period_key from {{ this }} as listed)
{%- endif %}

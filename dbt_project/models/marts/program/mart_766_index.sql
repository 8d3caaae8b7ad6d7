{#-
    The national service index (Bộ chỉ số phục vụ người dân, doanh nghiệp; Decision 766/QĐ-TTg,
    docs/definitions.md) reproduced from our own dossiers: one row per scope (each handling agency, and the
    province), reporting period and indicator of the scheme in force on the period's first day
    (seeds index_766_schemes / _groups / _indicators: the 2022 five groups, the current six).

    Counts: int_766_indicator_counts (the province sums its agencies' counts). Rate = numerator /
    denominator (null when there is nothing to count); points by macro index_766_points. An
    indicator the seed gives a not_computable_reason has is_computable false, that reason, and
    null numerator, rate and points. Subtotals and the total add the points of the indicators that
    have points; *_computable_max_points says how many points they were out of, so a total of
    58.2 of 66 computable (of 100) reads as what it is. total_max_points is the scheme's (the sum
    of its groups' points, 100): points of a group that no listed indicator carries (the
    digitisation group's 22 against its known indicators' 20) are neither listed nor computable,
    never a placeholder indicator.
    Incremental by period, as int_766_indicator_counts (macros/period_increments.sql): a nightly build
    recomputes only the periods listed in int_recomputed_periods and keeps the others' rows.
-#}
{{ period_incremental_config() }}
with periods as (

    select period_type, period_key, period_start, period_end, is_complete, period_start_date
    from {{ ref('int_reporting_periods') }}
    where {{ recomputed_period('period_key') }}

),

agency_counts as (

    select agency_code, period_type, period_key, indicator_id, numerator, denominator
    from {{ ref('int_766_indicator_counts') }}
    where {{ recomputed_period('period_key') }}

),

counts as (

    select 'agency' as scope, agency_code, period_type, period_key, indicator_id, numerator, denominator
    from agency_counts

    union all

    select
        'province' as scope, cast(null as {{ dbt.type_string() }}) as agency_code, period_type, period_key,
        indicator_id, sum(numerator) as numerator, sum(denominator) as denominator
    from agency_counts
    group by period_type, period_key, indicator_id

),

scopes as (

    {#- an agency is scored only for the periods it is in force in, at least in part (docs/agencies.md) -#}
    select distinct 'agency' as scope, agency_counts.agency_code, agency_counts.period_type, agency_counts.period_key
    from agency_counts
    inner join periods
        on
            periods.period_type = agency_counts.period_type
            and periods.period_key = agency_counts.period_key
    inner join {{ ref('int_agencies') }} as in_force
        on
            in_force.agency_code = agency_counts.agency_code
            and {{ agency_in_force_in_period('in_force', 'periods.period_start', 'periods.period_end') }}

    union all

    select 'province' as scope, cast(null as {{ dbt.type_string() }}) as agency_code, period_type, period_key
    from periods

),

schemes as (

    select schemes.scheme_code, schemes.valid_from, schemes.valid_to, sum(groups.group_max_points) as scheme_max_points
    from {{ ref('index_766_schemes') }} as schemes
    inner join {{ ref('index_766_groups') }} as groups
        on groups.scheme_code = schemes.scheme_code
    group by schemes.scheme_code, schemes.valid_from, schemes.valid_to

),

indicators as (

    select
        indicators.scheme_code,
        indicators.indicator_id,
        indicators.group_code,
        groups.group_order,
        groups.group_name_vi,
        groups.group_name_en,
        groups.group_max_points,
        indicators.indicator_name_vi,
        indicators.indicator_name_en,
        indicators.max_points,
        indicators.target_rate,
        indicators.not_computable_reason,
        indicators.not_computable_reason_vi,
        (indicators.not_computable_reason is null) as is_computable
    from {{ ref('index_766_indicators') }} as indicators
    inner join {{ ref('index_766_groups') }} as groups
        on
            groups.scheme_code = indicators.scheme_code
            and groups.group_code = indicators.group_code

),

scored as (

    select
        scopes.scope,
        scopes.agency_code,
        scopes.period_type,
        scopes.period_key,
        periods.period_start,
        periods.period_end,
        periods.is_complete,
        indicators.scheme_code,
        indicators.group_code,
        indicators.group_order,
        indicators.group_name_vi,
        indicators.group_name_en,
        indicators.group_max_points,
        indicators.indicator_id,
        indicators.indicator_name_vi,
        indicators.indicator_name_en,
        indicators.is_computable,
        indicators.not_computable_reason,
        indicators.not_computable_reason_vi,
        case when indicators.is_computable then coalesce(counts.numerator, 0) end as numerator,
        case when indicators.is_computable then coalesce(counts.denominator, 0) end as denominator,
        case
            when indicators.is_computable and indicators.max_points > 0
                then {{ safe_rate('counts.numerator', 'counts.denominator') }}
        end as rate,
        indicators.target_rate,
        indicators.max_points,
        schemes.scheme_max_points
    from scopes
    inner join periods
        on
            periods.period_type = scopes.period_type
            and periods.period_key = scopes.period_key
    inner join schemes
        on
            schemes.valid_from <= periods.period_start_date
            and (schemes.valid_to is null or schemes.valid_to >= periods.period_start_date)
    inner join indicators
        on indicators.scheme_code = schemes.scheme_code
    left join counts
        on
            counts.scope = scopes.scope
            and coalesce(counts.agency_code, '') = coalesce(scopes.agency_code, '')
            and counts.period_type = scopes.period_type
            and counts.period_key = scopes.period_key
            and counts.indicator_id = indicators.indicator_id

),

pointed as (

    select
        scored.*,
        {{ index_766_points('scored.rate', 'scored.target_rate', 'scored.max_points') }} as points,
        case when scored.rate is not null then scored.max_points else 0 end as computable_max_points
    from scored

)

select
    cast(pointed.scope as {{ dbt.type_string() }}) as scope,
    cast(pointed.agency_code as {{ dbt.type_string() }}) as agency_code,
    cast(
        case when pointed.scope = 'province' then 'Toàn tỉnh' else agencies.agency_name_vi end
        as {{ dbt.type_string() }}
    ) as agency_name_vi,
    {{ period_columns('pointed') }},
    cast(pointed.scheme_code as {{ dbt.type_string() }}) as scheme_code,
    cast(pointed.group_code as {{ dbt.type_string() }}) as group_code,
    cast(pointed.group_order as integer) as group_order,
    cast(pointed.group_name_vi as {{ dbt.type_string() }}) as group_name_vi,
    cast(pointed.group_name_en as {{ dbt.type_string() }}) as group_name_en,
    cast(pointed.indicator_id as {{ dbt.type_string() }}) as indicator_id,
    cast(pointed.indicator_name_vi as {{ dbt.type_string() }}) as indicator_name_vi,
    cast(pointed.indicator_name_en as {{ dbt.type_string() }}) as indicator_name_en,
    cast(pointed.is_computable as boolean) as is_computable,
    cast(pointed.not_computable_reason as {{ dbt.type_string() }}) as not_computable_reason,
    cast(pointed.not_computable_reason_vi as {{ dbt.type_string() }}) as not_computable_reason_vi,
    cast(pointed.numerator as bigint) as numerator,
    cast(pointed.denominator as bigint) as denominator,
    cast(pointed.rate as decimal(9, 6)) as rate,
    cast(pointed.target_rate as decimal(9, 6)) as target_rate,
    cast(pointed.max_points as integer) as max_points,
    pointed.points,
    cast(sum(pointed.points) over (
        partition by
            pointed.scope, pointed.agency_code, pointed.period_type,
            pointed.period_key, pointed.group_code
    ) as decimal(9, 4)) as group_points,
    cast(pointed.group_max_points as integer) as group_max_points,
    cast(sum(pointed.computable_max_points) over (
        partition by
            pointed.scope, pointed.agency_code, pointed.period_type,
            pointed.period_key, pointed.group_code
    ) as integer) as group_computable_max_points,
    cast(sum(pointed.points) over (
        partition by
            pointed.scope, pointed.agency_code, pointed.period_type,
            pointed.period_key
    ) as decimal(9, 4)) as total_points,
    cast(sum(pointed.computable_max_points) over (
        partition by
            pointed.scope, pointed.agency_code, pointed.period_type,
            pointed.period_key
    ) as integer) as total_computable_max_points,
    cast(pointed.scheme_max_points as integer) as total_max_points
from pointed
left join {{ ref('int_agencies') }} as agencies
    on agencies.agency_code = pointed.agency_code

{#-
    The actual value of each program target (seed program_targets) per reporting period, one
    block per target. A target with no block, or a period with no row, shows "no data" in
    mart_program_targets: never a number the sources do not give. A year the source mart has no
    rows for, or no value (no baseline, no rated head, no document), gets no row.

    To wire a new source into a target: add a CTE `select 'Tnn' as target_id, period_type,
    period_key, <actual>, <numerator>, <denominator>, <note>, <note_vi> from {{ ref('...') }}`, union it into
    `actuals`, and check the target's source_model and source_filter in the seed say where the rows
    are. Each block: actual_value in the seed's unit (count; rate as a decimal share; change as a
    decimal difference; relative_change as a decimal share of the baseline, -0.10 for -10%),
    numerator and denominator when the value is a share or count of something (else null), a short
    note (or null) and the same note in Vietnamese (note_vi: the report is as complete in both).
-#}
with periods as (

    select period_type, period_key, period_year, period_start
    from {{ ref('int_reporting_periods') }}

),

province as (

    select * from {{ ref('mart_province_service_quality') }}

),

{# T01, as the program states it: agencies ranked good in the province's PAR ranking although over
    the T01 thresholds (late rate >= 5% or satisfaction <= 80%, mart_agency_service_quality). The
    ranking of year Y grades the agency's work in year Y (it is published early in Y+1), so it is set
    against the agency's service quality of the calendar year Y. Out of the agencies over the
    thresholds that are in that ranking with a known grade. An agency over the thresholds but not in
    the ranking, or with a grade outside the code list (quarantined), is not judged and is counted in
    the note, as is the count over the thresholds itself. No value while the year has no ranking
    (not published yet) or none of the agencies over the thresholds is in it. -#}
t01_ranking_years as (

    select distinct ranking_year
    from {{ ref('stg_par_ranking__rankings') }}

),

t01_agencies as (

    select
        quality.period_key,
        quality.cannot_be_ranked_good,
        rankings.agency_code is not null as is_ranked,
        rankings.grade_code,
        ranking_years.ranking_year is not null as is_year_ranked
    from {{ ref('mart_agency_service_quality') }} as quality
    left join {{ ref('stg_par_ranking__rankings') }} as rankings
        on
            rankings.agency_code = quality.agency_code
            and cast(rankings.ranking_year as {{ dbt.type_string() }}) = quality.period_key
    left join t01_ranking_years as ranking_years
        on cast(ranking_years.ranking_year as {{ dbt.type_string() }}) = quality.period_key
    where quality.period_type = 'year' and quality.cannot_be_ranked_good is not null

),

t01_counts as (

    select
        period_key,
        max(case when is_year_ranked then 1 else 0 end) as is_year_ranked,
        count(*) as agencies,
        sum(case when cannot_be_ranked_good then 1 else 0 end) as over_thresholds,
        sum(case when cannot_be_ranked_good and grade_code is not null then 1 else 0 end) as over_and_graded,
        sum(case when cannot_be_ranked_good and grade_code = 'good' then 1 else 0 end) as ranked_good_over,
        sum(case when cannot_be_ranked_good and not is_ranked then 1 else 0 end) as over_not_ranked,
        sum(case when cannot_be_ranked_good and is_ranked and grade_code is null then 1 else 0 end)
            as over_grade_unknown
    from t01_agencies
    group by period_key

),

t01 as (

    select
        'T01' as target_id, 'year' as period_type, period_key,
        case
            when is_year_ranked = 0 then null
            when over_thresholds = 0 then 0
            when over_and_graded > 0 then ranked_good_over
        end as actual_value,
        ranked_good_over as numerator,
        over_and_graded as denominator,
        cast(over_thresholds as {{ dbt.type_string() }}) || ' of '
        || cast(agencies as {{ dbt.type_string() }}) || ' agencies over the thresholds in the year; '
        || case
            when is_year_ranked = 0 then 'no PAR ranking of the year yet'
            else
                cast(over_and_graded as {{ dbt.type_string() }}) || ' of them graded in the PAR ranking ('
                || cast(ranked_good_over as {{ dbt.type_string() }}) || ' ranked good), '
                || cast(over_not_ranked as {{ dbt.type_string() }}) || ' not in the ranking, '
                || cast(over_grade_unknown as {{ dbt.type_string() }}) || ' with an unknown grade (not judged)'
        end as note,
        cast(over_thresholds as {{ dbt.type_string() }}) || ' trên '
        || cast(agencies as {{ dbt.type_string() }}) || ' cơ quan vượt ngưỡng trong năm; '
        || case
            when is_year_ranked = 0 then 'chưa có kết quả xếp hạng CCHC của năm'
            else
                cast(over_and_graded as {{ dbt.type_string() }})
                || ' cơ quan trong số đó có xếp loại trong xếp hạng CCHC ('
                || cast(ranked_good_over as {{ dbt.type_string() }}) || ' xếp loại tốt), '
                || cast(over_not_ranked as {{ dbt.type_string() }}) || ' không có trong xếp hạng, '
                || cast(over_grade_unknown as {{ dbt.type_string() }}) || ' có xếp loại không xác định (chưa xét)'
        end as note_vi
    from t01_counts

),

{# T02: officials rated good or above in the year although at or over the dated late-rate threshold
    (mart_official_rating_eligibility.is_t02_breach), out of those over it who were appraised. A year
    needs both sides: the late-rate side (mart_official_performance) and the cadre appraisals. The
    late rate is by the official's own steps; the note says how many judged officials the dossier
    rule judged in part or whole (steps without a deadline of their own: late_rule). -#}
t02_over_threshold as (

    select
        year,
        sum(case when cannot_be_rated_good then 1 else 0 end) as officials_over_threshold,
        count(*) as officials_judged,
        sum(case when late_rule <> 'own_steps' then 1 else 0 end) as officials_by_dossier_rule
    from {{ ref('mart_official_performance') }}
    where cannot_be_rated_good is not null
    group by year

),

t02 as (

    select
        'T02' as target_id, 'year' as period_type, cast(appraised.year as {{ dbt.type_string() }}) as period_key,
        sum(case when appraised.is_t02_breach then 1 else 0 end) as actual_value,
        sum(case when appraised.is_t02_breach then 1 else 0 end) as numerator,
        sum(case when appraised.is_over_threshold then 1 else 0 end) as denominator,
        cast(max(over_threshold.officials_over_threshold) as {{ dbt.type_string() }})
        || ' officials over the late-rate threshold, '
        || cast(sum(case when appraised.is_over_threshold then 1 else 0 end) as {{ dbt.type_string() }})
        || ' of them appraised; '
        || cast(max(over_threshold.officials_by_dossier_rule) as {{ dbt.type_string() }})
        || ' of the '
        || cast(max(over_threshold.officials_judged) as {{ dbt.type_string() }})
        || ' judged officials by the dossier rule in part or whole (steps without a deadline)' as note,
        cast(max(over_threshold.officials_over_threshold) as {{ dbt.type_string() }})
        || ' cán bộ vượt ngưỡng tỷ lệ trễ hạn, '
        || cast(sum(case when appraised.is_over_threshold then 1 else 0 end) as {{ dbt.type_string() }})
        || ' người đã có kết quả đánh giá, xếp loại; '
        || cast(max(over_threshold.officials_by_dossier_rule) as {{ dbt.type_string() }})
        || ' trong số '
        || cast(max(over_threshold.officials_judged) as {{ dbt.type_string() }})
        || ' cán bộ được xét tính một phần hoặc toàn bộ theo hạn của hồ sơ (bước xử lý không có thời hạn)' as note_vi
    from {{ ref('mart_official_rating_eligibility') }} as appraised
    inner join t02_over_threshold as over_threshold
        on over_threshold.year = appraised.year
    group by appraised.year

),

{# T03: heads of ranked agencies rated good or above although the agency's PAR grade is average or
    below (mart_head_accountability.is_head_rating_breach, the grade matched by code), out of the ranked
    agencies whose head has a rating; a year with no rated head has no value. A ranking row whose
    grade is outside the code list is counted in the note (grade unknown), never read as no breach. -#}
t03 as (

    select
        'T03' as target_id, 'year' as period_type, cast(year as {{ dbt.type_string() }}) as period_key,
        sum(case when is_head_rating_breach then 1 else 0 end) as actual_value,
        sum(case when is_head_rating_breach then 1 else 0 end) as numerator,
        count(case when not is_grade_unknown then head_rating_code end) as denominator,
        cast(count(case when not is_grade_unknown then head_rating_code end) as {{ dbt.type_string() }}) || ' of '
        || cast(count(*) as {{ dbt.type_string() }})
        || ' ranked agencies have a rated head and a known grade; accountability triggered in '
        || cast(sum(case when is_accountability_triggered then 1 else 0 end) as {{ dbt.type_string() }})
        || ' (average two years running or weak); grade unknown (quarantined, not judged): '
        || cast(sum(case when is_grade_unknown then 1 else 0 end) as {{ dbt.type_string() }}) as note,
        cast(count(case when not is_grade_unknown then head_rating_code end) as {{ dbt.type_string() }}) || ' trên '
        || cast(count(*) as {{ dbt.type_string() }})
        || ' cơ quan được xếp hạng có người đứng đầu đã được đánh giá và xếp loại xác định; '
        || 'phải xem xét trách nhiệm người đứng đầu ở '
        || cast(sum(case when is_accountability_triggered then 1 else 0 end) as {{ dbt.type_string() }})
        || ' cơ quan (hai năm liền trung bình hoặc một năm yếu); xếp loại không xác định (chưa xét): '
        || cast(sum(case when is_grade_unknown then 1 else 0 end) as {{ dbt.type_string() }}) as note_vi
    from {{ ref('mart_head_accountability') }}
    group by year
    having count(case when not is_grade_unknown then head_rating_code end) > 0

),

{# T04 and T05 read the procedure catalogue as it stood at each period's end (its as-of day: the period's
    last day, or the as-of day of a running period): its latest accepted snapshot of that day or
    before. A period older than every snapshot is judged by the earliest snapshot, said in the note:
    eligibility and DVCQG integration as that snapshot states them (they carry no date), the offer
    by its own date (online_since). Only procedures published by then count (published_on). -#}
catalogue_snapshots as (

    select distinct snapshot_date from {{ ref('stg_procedure_catalogue__procedures') }}

),

catalogue_periods as (

    select
        reporting.period_type,
        reporting.period_key,
        cast(reporting.period_end as date) as as_of_day,
        coalesce(
            max(
                case when snapshots.snapshot_date <= cast(reporting.period_end as date) then snapshots.snapshot_date end
            ),
            min(snapshots.snapshot_date)
        ) as snapshot_date
    from {{ ref('int_reporting_periods') }} as reporting
    cross join catalogue_snapshots as snapshots
    group by reporting.period_type, reporting.period_key, reporting.period_end

),

catalogue_as_of as (

    select
        catalogue_periods.period_type,
        catalogue_periods.period_key,
        catalogue_periods.snapshot_date,
        catalogue_periods.snapshot_date > catalogue_periods.as_of_day as is_snapshot_after_period,
        catalogue.procedure_code,
        catalogue.is_full_online_eligible,
        catalogue.is_integrated_dvcqg,
        catalogue.online_level is not null
        and coalesce(catalogue.online_since, catalogue.snapshot_date) <= catalogue_periods.as_of_day as is_online,
        catalogue.online_level = 'full'
        and coalesce(catalogue.online_since, catalogue.snapshot_date) <= catalogue_periods.as_of_day
            as is_full_online
    from catalogue_periods
    inner join {{ ref('stg_procedure_catalogue__procedures') }} as catalogue
        on catalogue.snapshot_date = catalogue_periods.snapshot_date
    where catalogue.published_on is null or catalogue.published_on <= catalogue_periods.as_of_day

),

{# T04: procedures offered full-online among those eligible for full-online (catalogue as of the period) -#}
t04 as (

    select
        'T04' as target_id, period_type, period_key,
        {{ safe_rate(
            'sum(case when is_full_online_eligible and is_full_online then 1 else 0 end)',
            'sum(case when is_full_online_eligible then 1 else 0 end)') }} as actual_value,
        sum(case when is_full_online_eligible and is_full_online then 1 else 0 end) as numerator,
        sum(case when is_full_online_eligible then 1 else 0 end) as denominator,
        'catalogue of ' || cast(max(snapshot_date) as {{ dbt.type_string() }})
        || case
            when max(case when is_snapshot_after_period then 1 else 0 end) = 1
                then ' (after the period: eligibility as it stood then)'
            else ''
        end
        || '; ' || cast(
            sum(case when is_full_online and not is_full_online_eligible then 1 else 0 end)
            as {{ dbt.type_string() }}
        ) || ' offered full-online though not marked eligible, '
        || cast(sum(case when is_full_online_eligible is null then 1 else 0 end) as {{ dbt.type_string() }})
        || ' with eligibility unknown' as note,
        'danh mục thủ tục ngày ' || cast(max(snapshot_date) as {{ dbt.type_string() }})
        || case
            when max(case when is_snapshot_after_period then 1 else 0 end) = 1
                then ' (sau kỳ báo cáo: điều kiện toàn trình tại thời điểm đó)'
            else ''
        end
        || '; ' || cast(
            sum(case when is_full_online and not is_full_online_eligible then 1 else 0 end)
            as {{ dbt.type_string() }}
        ) || ' thủ tục cung cấp toàn trình dù chưa được đánh dấu đủ điều kiện, '
        || cast(sum(case when is_full_online_eligible is null then 1 else 0 end) as {{ dbt.type_string() }})
        || ' thủ tục chưa rõ điều kiện' as note_vi
    from catalogue_as_of
    group by period_type, period_key
    having sum(case when is_full_online_eligible then 1 else 0 end) > 0

),

{# T05: online services (procedures offered full- or partly online) integrated with DVCQG
    (catalogue as of the period) -#}
t05 as (

    select
        'T05' as target_id, period_type, period_key,
        {{ safe_rate(
            'sum(case when is_online and is_integrated_dvcqg then 1 else 0 end)',
            'sum(case when is_online then 1 else 0 end)') }} as actual_value,
        sum(case when is_online and is_integrated_dvcqg then 1 else 0 end) as numerator,
        sum(case when is_online then 1 else 0 end) as denominator,
        'catalogue of ' || cast(max(snapshot_date) as {{ dbt.type_string() }})
        || case
            when max(case when is_snapshot_after_period then 1 else 0 end) = 1
                then ' (after the period: integration as it stood then)'
            else ''
        end
        || '; ' || cast(
            sum(case when is_online and is_integrated_dvcqg is null then 1 else 0 end)
            as {{ dbt.type_string() }}
        ) || ' online services with integration unknown' as note,
        'danh mục thủ tục ngày ' || cast(max(snapshot_date) as {{ dbt.type_string() }})
        || case
            when max(case when is_snapshot_after_period then 1 else 0 end) = 1
                then ' (sau kỳ báo cáo: tích hợp tại thời điểm đó)'
            else ''
        end
        || '; ' || cast(
            sum(case when is_online and is_integrated_dvcqg is null then 1 else 0 end)
            as {{ dbt.type_string() }}
        ) || ' dịch vụ trực tuyến chưa rõ đã tích hợp hay chưa' as note_vi
    from catalogue_as_of
    group by period_type, period_key
    having sum(case when is_online then 1 else 0 end) > 0

),

{# T06: online share of the dossiers received (judged from 2025 on: seed program_target_windows) -#}
t06 as (

    select
        'T06' as target_id, period_type, period_key,
        online_share as actual_value, received_online as numerator, dossiers_received as denominator,
        cast(received_online as {{ dbt.type_string() }}) || ' of '
        || cast(dossiers_received as {{ dbt.type_string() }}) || ' dossiers received were submitted online' as note,
        cast(received_online as {{ dbt.type_string() }}) || ' trên '
        || cast(dossiers_received as {{ dbt.type_string() }}) || ' hồ sơ tiếp nhận được nộp trực tuyến' as note_vi
    from province
    where online_share is not null

),

{# T07: public service units in force at the year's end against the baseline (2021-12-31) on a
    comparable scope (mart_public_service_units, T08's rule). A year whose scope changed without a
    comparable baseline (Ninh Thuận absorbed on 2025-07-01, its 2021 count not in the seed) keeps its
    row with no value: the note says why, and no_value_reason marks it not_comparable. -#}
t07 as (

    select
        'T07' as target_id, 'year' as period_type, cast(year as {{ dbt.type_string() }}) as period_key,
        {{ safe_rate('units_in_force - comparable_baseline_units', 'comparable_baseline_units') }} as actual_value,
        units_in_force as numerator, comparable_baseline_units as denominator,
        case
            when is_comparable
                then
                    cast(units_created as {{ dbt.type_string() }}) || ' created, '
                    || cast(units_merged as {{ dbt.type_string() }}) || ' merged, '
                    || cast(units_dissolved as {{ dbt.type_string() }}) || ' dissolved in the year'
                    || coalesce(
                        '; ' || cast(nullif(units_absorbed, 0) as {{ dbt.type_string() }}) || ' joined from '
                        || absorbed_unit_name_vi, ''
                    )
                    || coalesce(
                        '; baseline restated with ' || absorbed_unit_name_vi || ' (merged on '
                        || cast(scope_changed_on as {{ dbt.type_string() }}) || ')', ''
                    )
            else
                'not comparable: from ' || cast(scope_changed_on as {{ dbt.type_string() }})
                || ' the unit register lists the merged province (' || absorbed_unit_name_vi || ' absorbed, '
                || scope_legal_basis || ') and the ' || cast(baseline_date as {{ dbt.type_string() }})
                || ' baseline of ' || absorbed_unit_name_vi || ' is not in seed province_scope_changes; units in force '
                || cast(units_in_force as {{ dbt.type_string() }}) || ', own-scope baseline '
                || cast(baseline_units as {{ dbt.type_string() }})
        end as note,
        case
            when is_comparable
                then
                    cast(units_created as {{ dbt.type_string() }}) || ' thành lập mới, '
                    || cast(units_merged as {{ dbt.type_string() }}) || ' sáp nhập, '
                    || cast(units_dissolved as {{ dbt.type_string() }}) || ' giải thể trong năm'
                    || coalesce(
                        '; ' || cast(nullif(units_absorbed, 0) as {{ dbt.type_string() }}) || ' đơn vị của '
                        || absorbed_unit_name_vi || ' nhập vào', ''
                    )
                    || coalesce(
                        '; số gốc đã cộng ' || absorbed_unit_name_vi || ' (hợp nhất từ '
                        || cast(scope_changed_on as {{ dbt.type_string() }}) || ')', ''
                    )
            else
                'không so sánh được: từ ' || cast(scope_changed_on as {{ dbt.type_string() }})
                || ' danh mục đơn vị sự nghiệp gồm cả tỉnh sau hợp nhất (' || absorbed_unit_name_vi || ', '
                || scope_legal_basis || ') mà số gốc ngày ' || cast(baseline_date as {{ dbt.type_string() }})
                || ' của ' || absorbed_unit_name_vi || ' chưa có trong seed province_scope_changes; số đơn vị hiện có '
                || cast(units_in_force as {{ dbt.type_string() }}) || ', số gốc của tỉnh cũ '
                || cast(baseline_units as {{ dbt.type_string() }})
        end as note_vi,
        case when not is_comparable then 'not_comparable' end as no_value_reason
    from {{ ref('mart_public_service_units') }}
    where baseline_units > 0

),

{# T08: the province's civil servants in post at the year's end against the baseline on a comparable
    scope (mart_workforce_province, the one place of the scope rule). A year whose scope changed
    without a comparable baseline (the province absorbed Ninh Thuận on 2025-07-01 and the seed lacks its
    baseline) keeps its row with no value: the note says why, and no_value_reason marks it
    not_comparable. The budget-paid side and the agencies judged in the note. -#}
t08_agencies as (

    select
        year,
        sum(case when is_t08_on_track then 1 else 0 end) as agencies_on_track,
        sum(case when is_t08_on_track is not null then 1 else 0 end) as agencies_judged
    from {{ ref('mart_workforce') }}
    group by year

),

t08_parts as (

    select
        province.year,
        province.civil_servants_change_rate,
        province.civil_servants,
        province.comparable_baseline_civil_servants,
        province.is_civil_servants_comparable,
        province.baseline_civil_servants,
        cast(province.budget_paid as {{ dbt.type_string() }}) as budget_paid,
        cast(province.budget_paid_reduction_target as {{ dbt.type_string() }}) as budget_goal,
        cast(province.comparable_baseline_budget_paid as {{ dbt.type_string() }}) as budget_baseline,
        cast(province.budget_paid_change_rate as {{ dbt.type_string() }}) as budget_change,
        cast(province.scope_changed_on as {{ dbt.type_string() }}) as changed_on,
        cast(province.baseline_date as {{ dbt.type_string() }}) as baseline_on,
        province.absorbed_unit_name_vi as absorbed,
        province.scope_legal_basis as legal_basis,
        cast(coalesce(agencies.agencies_on_track, 0) as {{ dbt.type_string() }}) as on_track,
        cast(coalesce(agencies.agencies_judged, 0) as {{ dbt.type_string() }}) as judged
    from {{ ref('mart_workforce_province') }} as province
    left join t08_agencies as agencies
        on agencies.year = province.year
    where province.baseline_civil_servants > 0

),

t08 as (

    select
        'T08' as target_id, 'year' as period_type, cast(year as {{ dbt.type_string() }}) as period_key,
        civil_servants_change_rate as actual_value,
        civil_servants as numerator, comparable_baseline_civil_servants as denominator,
        case
            when is_civil_servants_comparable
                then
                    'budget-paid people ' || budget_paid || ' against '
                    || coalesce(budget_baseline, 'no comparable baseline') || ' ('
                    || coalesce(budget_change, 'not comparable') || ', goal -' || budget_goal || ')'
                    || coalesce('; baseline restated with ' || absorbed || ' (merged on ' || changed_on || ')', '')
                    || '; ' || on_track || ' of ' || judged || ' agencies judged are on track on both sides'
            else
                'not comparable: from ' || changed_on || ' the cadre software reports the merged province ('
                || absorbed || ' absorbed, ' || legal_basis || ') and the ' || baseline_on || ' baseline of '
                || absorbed || ' is not in seed province_scope_changes; civil servants in post '
                || cast(civil_servants as {{ dbt.type_string() }}) || ', own-scope baseline '
                || cast(baseline_civil_servants as {{ dbt.type_string() }})
        end as note,
        case
            when is_civil_servants_comparable
                then
                    'người hưởng lương từ ngân sách: ' || budget_paid || ' so với '
                    || coalesce(budget_baseline, 'chưa có số gốc so sánh được') || ' ('
                    || coalesce(budget_change, 'không so sánh được') || ', mục tiêu -' || budget_goal || ')'
                    || coalesce('; số gốc đã cộng ' || absorbed || ' (hợp nhất từ ' || changed_on || ')', '')
                    || '; ' || on_track || ' trên ' || judged || ' cơ quan được đánh giá đúng tiến độ ở cả hai mặt'
            else
                'không so sánh được: từ ' || changed_on || ' phần mềm quản lý cán bộ báo cáo tỉnh sau hợp nhất ('
                || absorbed || ', ' || legal_basis || ') mà số gốc ngày ' || baseline_on || ' của '
                || absorbed || ' chưa có trong seed province_scope_changes; công chức hiện có '
                || cast(civil_servants as {{ dbt.type_string() }}) || ', số gốc của tỉnh cũ '
                || cast(baseline_civil_servants as {{ dbt.type_string() }})
        end as note_vi,
        case when not is_civil_servants_comparable then 'not_comparable' end as no_value_reason
    from t08_parts

),

{# T09: share of the public service units in the year's autonomy disclosure in groups 1 and 2 -#}
t09 as (

    select
        'T09' as target_id, 'year' as period_type, cast(fiscal_year as {{ dbt.type_string() }}) as period_key,
        max(self_financing_share) as actual_value,
        max(units_self_financing) as numerator,
        max(units_in_year) as denominator,
        cast(null as {{ dbt.type_string() }}) as note,
        cast(null as {{ dbt.type_string() }}) as note_vi
    from {{ ref('mart_public_unit_autonomy') }}
    group by fiscal_year
    having max(self_financing_share) is not null

),

{# T10: business dialogue conferences recorded in the seed program_events (one dated, sourced row per
    conference) per year; an event whose year is unknown is not counted; a year with no recorded
    conference has no row (unknown, not zero). -#}
t10 as (

    select
        'T10' as target_id, 'year' as period_type, cast(event_year as {{ dbt.type_string() }}) as period_key,
        count(*) as actual_value, count(*) as numerator, cast(null as bigint) as denominator,
        cast(count(*) as {{ dbt.type_string() }}) || ' business dialogue conferences recorded ('
        || cast(count(event_date) as {{ dbt.type_string() }})
        || ' with an exact date); other business meetings are not counted' as note,
        cast(count(*) as {{ dbt.type_string() }}) || ' hội nghị đối thoại với doanh nghiệp được ghi nhận ('
        || cast(count(event_date) as {{ dbt.type_string() }})
        || ' có ngày cụ thể); các cuộc gặp khác với doanh nghiệp không được tính' as note_vi
    from {{ ref('program_events') }}
    where event_type = 'business_dialogue' and event_year is not null
    group by event_year

),

{# T11: commune-level cadres and civil servants below their title's standard, summed over the communes -#}
t11 as (

    select
        'T11' as target_id, 'year' as period_type, cast(year as {{ dbt.type_string() }}) as period_key,
        sum(below_standard) as actual_value,
        sum(below_standard) as numerator,
        sum(cadres_and_civil_servants) as denominator,
        cast(sum(case when meets_t11 then 0 else 1 end) as {{ dbt.type_string() }}) || ' of '
        || cast(count(*) as {{ dbt.type_string() }}) || ' communes with someone below standard' as note,
        cast(sum(case when meets_t11 then 0 else 1 end) as {{ dbt.type_string() }}) || ' trên '
        || cast(count(*) as {{ dbt.type_string() }}) || ' xã, phường có người chưa đạt chuẩn' as note_vi
    from {{ ref('mart_commune_cadre_standards') }}
    group by year

),

{# T12: for each index the program names (external_index_catalogue.counts_for_t12), its latest edition
    up to the year whose rank can be judged against the dated threshold; the actual is the share of
    those indices in the top. An index with no judged edition (the ICT Index: no published rank of
    the province found; the index was not run for 2021) is "no data": it is left out of the share
    and counted in the note, so the goal (all of them) is judged on the indices that exist. -#}
t12_indices as (

    select index_code
    from {{ ref('external_index_catalogue') }}
    where counts_for_t12

),

t12_editions as (

    select
        periods.period_key,
        indices.index_code,
        indices.is_in_t12_top,
        row_number() over (
            partition by periods.period_key, indices.index_code
            order by indices.edition_year desc
        ) as edition_rank
    from periods
    inner join {{ ref('mart_external_indices') }} as indices
        on
            indices.edition_year <= periods.period_year
            and indices.counts_for_t12
            and indices.is_in_t12_top is not null
    where periods.period_type = 'year'

),

t12 as (

    select
        'T12' as target_id, 'year' as period_type, periods.period_key,
        {{ safe_rate('sum(case when latest.is_in_t12_top then 1 else 0 end)', 'count(latest.index_code)') }}
            as actual_value,
        sum(case when latest.is_in_t12_top then 1 else 0 end) as numerator,
        count(latest.index_code) as denominator,
        cast(sum(case when latest.is_in_t12_top then 1 else 0 end) as {{ dbt.type_string() }}) || ' of '
        || cast(count(latest.index_code) as {{ dbt.type_string() }})
        || ' indices with a judged edition in the top; no data for '
        || cast(count(*) - count(latest.index_code) as {{ dbt.type_string() }}) || ' of the '
        || cast(count(*) as {{ dbt.type_string() }}) || ' indices the program names' as note,
        cast(sum(case when latest.is_in_t12_top then 1 else 0 end) as {{ dbt.type_string() }}) || ' trên '
        || cast(count(latest.index_code) as {{ dbt.type_string() }})
        || ' chỉ số có kỳ đánh giá nằm trong nhóm dẫn đầu; chưa có dữ liệu của '
        || cast(count(*) - count(latest.index_code) as {{ dbt.type_string() }}) || ' trong số '
        || cast(count(*) as {{ dbt.type_string() }}) || ' chỉ số chương trình nêu' as note_vi
    from periods
    cross join t12_indices as named
    left join t12_editions as latest
        on
            latest.period_key = periods.period_key
            and latest.index_code = named.index_code
            and latest.edition_rank = 1
    where periods.period_type = 'year'
    group by periods.period_key
    having count(latest.index_code) > 0

),

{# T13, as the program words it: the estimate, the final accounts and the draft estimate submitted to
    the People's Council (mart_budget_disclosure_timeliness.counts_for_t13; the execution reports the
    decree also requires are outside T13). The share of those judged so far (is_on_time not null)
    published on time; the draft estimate is never judged (the source gives no submission date) and
    is counted in the note. A year with no document of the year in the warehouse has no value (the
    source does not cover it). -#}
t13 as (

    select
        'T13' as target_id, 'year' as period_type, cast(fiscal_year as {{ dbt.type_string() }}) as period_key,
        {{ safe_rate(
            "sum(case when counts_for_t13 and is_on_time then 1 else 0 end)",
            "sum(case when counts_for_t13 and is_on_time is not null then 1 else 0 end)"
        ) }} as actual_value,
        sum(case when counts_for_t13 and is_on_time then 1 else 0 end) as numerator,
        sum(case when counts_for_t13 and is_on_time is not null then 1 else 0 end) as denominator,
        'estimate, final accounts, draft estimate: '
        || cast(
            sum(case when counts_for_t13 and disclosure_status = 'late' then 1 else 0 end) as {{ dbt.type_string() }}
        )
        || ' late, '
        || cast(
            sum(case when counts_for_t13 and disclosure_status = 'missing_overdue' then 1 else 0 end)
            as {{ dbt.type_string() }}
        )
        || ' missing past the deadline; not judged yet: '
        || cast(sum(case when counts_for_t13 and is_on_time is null then 1 else 0 end) as {{ dbt.type_string() }})
        || ' (the draft estimate has no submission date in the source); execution reports not counted' as note,
        'dự toán, quyết toán, dự thảo dự toán: '
        || cast(
            sum(case when counts_for_t13 and disclosure_status = 'late' then 1 else 0 end) as {{ dbt.type_string() }}
        )
        || ' chậm, '
        || cast(
            sum(case when counts_for_t13 and disclosure_status = 'missing_overdue' then 1 else 0 end)
            as {{ dbt.type_string() }}
        )
        || ' chưa công khai khi đã quá hạn; chưa xét: '
        || cast(sum(case when counts_for_t13 and is_on_time is null then 1 else 0 end) as {{ dbt.type_string() }})
        || ' (nguồn không có ngày trình dự thảo dự toán); báo cáo tình hình thực hiện không tính' as note_vi
    from {{ ref('mart_budget_disclosure_timeliness') }}
    group by fiscal_year
    having
        count(document_id) > 0
        and sum(case when counts_for_t13 and is_on_time is not null then 1 else 0 end) > 0

),

t14 as (

    select
        'T14' as target_id, period_type, period_key,
        apology_coverage as actual_value, late_with_apology as numerator,
        finished_late + overdue_at_end as denominator,
        cast(null as {{ dbt.type_string() }}) as note,
        cast(null as {{ dbt.type_string() }}) as note_vi
    from province
    where apology_coverage is not null

),

{# T15: online-paid share minus the same period a year earlier -#}
t15 as (

    select
        'T15' as target_id, current_period.period_type, current_period.period_key,
        current_period.online_paid_share - year_before.online_paid_share as actual_value,
        cast(null as bigint) as numerator, cast(null as bigint) as denominator,
        'online-paid share ' || cast(current_period.online_paid_share as {{ dbt.type_string() }})
        || ' against ' || cast(year_before.online_paid_share as {{ dbt.type_string() }})
        || ' in ' || year_before.period_key as note,
        'tỷ lệ thanh toán trực tuyến ' || cast(current_period.online_paid_share as {{ dbt.type_string() }})
        || ' so với ' || cast(year_before.online_paid_share as {{ dbt.type_string() }})
        || ' năm ' || year_before.period_key as note_vi
    from province as current_period
    inner join province as year_before
        on
            year_before.period_type = current_period.period_type
            and year_before.period_start = {{ dbt.dateadd('year', -1, 'current_period.period_start') }}
    where
        current_period.online_paid_share is not null
        and year_before.online_paid_share is not null

),

actuals as (

    select * from t01
    union all
    select * from t02
    union all
    select * from t03
    union all
    select * from t04
    union all
    select * from t05
    union all
    select * from t06
    union all
    select target_id, period_type, period_key, actual_value, numerator, denominator, note, note_vi from t07
    union all
    select target_id, period_type, period_key, actual_value, numerator, denominator, note, note_vi from t08
    union all
    select * from t09
    union all
    select * from t10
    union all
    select * from t11
    union all
    select * from t12
    union all
    select * from t13
    union all
    select * from t14
    union all
    select * from t15

),

no_value_reasons as (

    select target_id, period_type, period_key, no_value_reason
    from t07
    where no_value_reason is not null
    union all
    select target_id, period_type, period_key, no_value_reason
    from t08
    where no_value_reason is not null

)

select
    cast(actuals.target_id as {{ dbt.type_string() }}) as target_id,
    cast(actuals.period_type as {{ dbt.type_string() }}) as period_type,
    cast(actuals.period_key as {{ dbt.type_string() }}) as period_key,
    cast(actuals.actual_value as decimal(18, 6)) as actual_value,
    cast(actuals.numerator as bigint) as numerator,
    cast(actuals.denominator as bigint) as denominator,
    cast(actuals.note as {{ dbt.type_string() }}) as note,
    cast(actuals.note_vi as {{ dbt.type_string() }}) as note_vi,
    cast(no_value_reasons.no_value_reason as {{ dbt.type_string() }}) as no_value_reason
from actuals
left join no_value_reasons
    on
        no_value_reasons.target_id = actuals.target_id
        and no_value_reasons.period_type = actuals.period_type
        and no_value_reasons.period_key = actuals.period_key

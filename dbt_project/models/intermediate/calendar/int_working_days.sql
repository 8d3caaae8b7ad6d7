{#-
    The working-day calendar (ngày làm việc), one row per day from var calendar_start to
    calendar_end (2021-01-01 .. 2027-12-31). A day is a working day by its weekday (Monday..Friday
    yes, Saturday and Sunday no) unless the seed working_calendar_exceptions says otherwise: a
    weekday off (public holiday, substitute day off, swapped day off) or a Saturday worked (làm bù).
    working_day_index counts the working days from the calendar start up to and including the
    day, so the N-th working day after day D is the working day whose index is index(D) + N,
    whether D itself is a working day or not.
-#}
with days as (

    select date_day
    from {{ date_spine_days(var('calendar_start'), var('calendar_end')) }} as spine

),

exceptions as (

    select exception_date, is_working_day, exception_kind, exception_name_vi, is_provisional
    from {{ ref('working_calendar_exceptions') }}

),

flagged as (

    select
        days.date_day,
        {{ iso_day_of_week('days.date_day') }} as iso_day_of_week,
        exceptions.is_working_day as exception_is_working_day,
        exceptions.exception_kind,
        exceptions.exception_name_vi,
        exceptions.is_provisional
    from days
    left join exceptions
        on exceptions.exception_date = days.date_day

),

decided as (

    select
        date_day,
        iso_day_of_week,
        exception_kind,
        exception_name_vi,
        coalesce(is_provisional, false) as is_provisional_exception,
        coalesce(not exception_is_working_day, false) as is_public_holiday,
        coalesce(exception_is_working_day, false) as is_make_up_working_day,
        coalesce(exception_is_working_day, iso_day_of_week < 6) as is_working_day
    from flagged

)

select
    date_day,
    iso_day_of_week,
    (iso_day_of_week >= 6) as is_weekend,
    is_public_holiday,
    is_make_up_working_day,
    exception_kind,
    exception_name_vi,
    is_provisional_exception,
    is_working_day,
    cast(sum(case when is_working_day then 1 else 0 end) over (
        order by date_day
        rows between unbounded preceding and current row
    ) as integer) as working_day_index
from decided

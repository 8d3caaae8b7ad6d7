{#-
    The working-day calendar (ngày làm việc), one row per day from var calendar_start to
    calendar_end (2021-01-01 .. 2027-12-31). A working day is Monday..Friday and not a public
    holiday of the seed public_holidays (§3: Saturdays, Sundays, holidays and substitute days off
    are not working days). working_day_index counts the working days from the calendar start up to
    and including the day, so the N-th working day after day D is the working day whose index is
    index(D) + N, whether D itself is a working day or not.
-#}
with days as (

    select date_day
    from {{ date_spine_days(var('calendar_start'), var('calendar_end')) }} as spine

),

holidays as (

    select holiday_date, holiday_name_vi
    from {{ ref('public_holidays') }}

),

flagged as (

    select
        days.date_day,
        {{ iso_day_of_week('days.date_day') }} as iso_day_of_week,
        holidays.holiday_name_vi,
        (holidays.holiday_date is not null) as is_public_holiday
    from days
    left join holidays
        on holidays.holiday_date = days.date_day

)

select
    date_day,
    iso_day_of_week,
    (iso_day_of_week >= 6) as is_weekend,
    is_public_holiday,
    holiday_name_vi,
    (iso_day_of_week < 6 and not is_public_holiday) as is_working_day,
    cast(sum(case when iso_day_of_week < 6 and not is_public_holiday then 1 else 0 end) over (
        order by date_day
        rows between unbounded preceding and current row
    ) as integer) as working_day_index
from flagged

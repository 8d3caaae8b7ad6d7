{#- The rate macros round half away from zero on every engine: exact ties (41/640 = 0.0640625,
    which DuckDB's double division makes 0.06406249999...) and ordinary quotients, hand-checked.
    Returns the cases that come out wrong. -#}
with cases as (

    select 'tie up' as case_name, {{ safe_rate('41', '640') }} as actual, cast(0.064063 as decimal(9, 6)) as expected
    union all
    select 'tie, second', {{ safe_rate('323', '640') }}, cast(0.504688 as decimal(9, 6))
    union all
    select 'below a tie', {{ safe_rate('1', '3') }}, cast(0.333333 as decimal(9, 6))
    union all
    select 'above a tie', {{ safe_rate('2', '3') }}, cast(0.666667 as decimal(9, 6))
    union all
    select 'whole', {{ safe_rate('5', '5') }}, cast(1 as decimal(9, 6))
    union all
    select 'negative tie', {{ rounded_quotient('-41', '640', 6, 9) }}, cast(-0.064063 as decimal(9, 6))
    union all
    select 'per thousand tie', {{ per_thousand('1', '128') }}, cast(7.8125 as decimal(9, 6))
    union all
    select 'per thousand tie at scale', {{ per_thousand('1', '2000000000') }}, cast(0.000001 as decimal(9, 6))
    union all
    select '766 points tie', {{ index_766_points('0.00012', '0.8', '1') }}, cast(0.0002 as decimal(9, 6))
    union all
    select '766 points below target', {{ index_766_points('0.6', '0.9', '7') }}, cast(4.6667 as decimal(9, 6))

)

select case_name, actual, expected
from cases
where actual is null or actual <> expected

{#- goal_met(actual, comparison, goal): whether `actual` meets `goal` under the seed's comparison
    (at_least, at_most, greater_than, less_than); null when actual is null. -#}
{% macro goal_met(actual, comparison, goal) -%}
    case
        when ({{ actual }}) is null then null
        when ({{ comparison }}) = 'at_least' then ({{ actual }}) >= ({{ goal }})
        when ({{ comparison }}) = 'at_most' then ({{ actual }}) <= ({{ goal }})
        when ({{ comparison }}) = 'greater_than' then ({{ actual }}) > ({{ goal }})
        when ({{ comparison }}) = 'less_than' then ({{ actual }}) < ({{ goal }})
    end
{%- endmacro %}

{#- moved_toward_goal(actual, previous, comparison): the actual is strictly better than the previous
    period's in the goal's direction (up for at_least / greater_than, down otherwise). -#}
{% macro moved_toward_goal(actual, previous, comparison) -%}
    coalesce(case
        when ({{ comparison }}) in ('at_least', 'greater_than') then ({{ actual }}) > ({{ previous }})
        else ({{ actual }}) < ({{ previous }})
    end, false)
{%- endmacro %}

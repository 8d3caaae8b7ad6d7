{#- on_track_for_reduction(baseline, current, target, days_elapsed, days_in_span): the reduction from
    `baseline` to `current` is at least `target` (a share of the baseline) times the share of the
    baseline-to-target span elapsed (a straight path to the target date), compared on exact
    products, not rounded rates. Null when the baseline is 0 (nothing to reduce) or the span is empty.
    Used by the T07 and T08 marts: one rule, one place. -#}
{% macro on_track_for_reduction(baseline, current, target, days_elapsed, days_in_span) -%}
    case
        when ({{ baseline }}) > 0 and ({{ days_in_span }}) > 0
            then (({{ baseline }}) - ({{ current }})) * ({{ days_in_span }})
                 >= ({{ target }}) * ({{ baseline }}) * least({{ days_elapsed }}, {{ days_in_span }})
    end
{%- endmacro %}

{#- Generic test not_after: the column is never later than another column of the same row
    (rows where either is null pass). E.g. a count that must not exceed its total. -#}
{% test not_after(model, column_name, other_column) %}
select {{ column_name }} as failing_value, {{ other_column }} as other_value
from {{ model }}
where {{ column_name }} > {{ other_column }}
{% endtest %}

{#- Generic test is_rate: the column is a rate, a decimal in [0, 1] (null allowed: no denominator). -#}
{% test is_rate(model, column_name) %}
select {{ column_name }} as failing_value
from {{ model }}
where {{ column_name }} < 0 or {{ column_name }} > 1
{% endtest %}

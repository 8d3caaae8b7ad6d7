{#- The one-stop-shop accounts (tài khoản một cửa, keyed hashes) of the persons of the latest clean
    cadre snapshot: one row per person code and account, from every posting's TaiKhoanMotCua (up to
    max_accounts() hashes joined by account_separator(); the gate rejects more). An account listed by
    two persons stays two rows: int_official_identities refuses to pick one. -#}
with postings as (

    select person_code, account_keys
    from {{ ref('stg_cadre__persons') }}
    where account_keys is not null

),

accounts as (

    {%- for n in range(1, max_accounts() + 1) %}
        select person_code, {{ text_part('account_keys', account_separator(), n) }} as account_key
        from postings
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select distinct
    cast(person_code as {{ dbt.type_string() }}) as person_code,
    cast(account_key as {{ dbt.type_string() }}) as account_key
from accounts
where
    account_key is not null
    and account_key <> ''

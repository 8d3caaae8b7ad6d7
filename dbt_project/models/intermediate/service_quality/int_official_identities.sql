{#- Who each handler of the one-stop-shop's steps is (domain: an official is a person of the cadre
    register, never a name alone; docs/one_stop_shop_landing.md "Officials"). One row per handler of
    int_dossier_official_years (identified_by, handler_key):
      account  the account reaches the one cadre person who lists it: that person's key
               (official_key('person', person code)); an account no person lists keeps a key of its
               own (official_key('account', ...)) and is still counted; an account two persons list
               keeps its own key and is not judged (account_shared_in_cadre_register);
      name     steps without an account (older exports): the one cadre person bearing the name, else
               a key of the name's own (official_key('name', ...)); a name two or more persons of the
               register share is never judged for T02 (name_shared_in_cadre_register): its dossiers
               may be either person's.
    Rebuilt whole on every run (a new cadre snapshot can resolve a handler of old dossiers). It reads
    the cadre register, so it is built in the cadre's step (tag workforce, orchestration/warehouse.py):
    a rejected cadre snapshot stops it and the officials marts, not the other one-stop-shop marts. -#}
{{ config(tags=['workforce']) }}
with handlers as (

    select distinct identified_by, handler_key
    from {{ ref('int_dossier_official_years') }}

),

accounts as (

    select account_key, min(person_code) as person_code, count(distinct person_code) as persons
    from {{ ref('stg_cadre__person_accounts') }}
    group by account_key

),

names as (

    select name_key, min(person_code) as person_code, count(distinct person_code) as persons
    from {{ ref('stg_cadre__persons') }}
    where name_key is not null
    group by name_key

),

resolved as (

    select
        handlers.identified_by,
        handlers.handler_key,
        case
            when handlers.identified_by = 'account' and accounts.persons = 1 then accounts.person_code
            when handlers.identified_by = 'name' and names.persons = 1 then names.person_code
        end as person_code,
        case
            when handlers.identified_by = 'account' and accounts.persons > 1 then 'account_shared_in_cadre_register'
            when handlers.identified_by = 'name' and names.persons > 1 then 'name_shared_in_cadre_register'
        end as not_judged_reason
    from handlers
    left join accounts
        on
            handlers.identified_by = 'account'
            and accounts.account_key = handlers.handler_key
    left join names
        on
            handlers.identified_by = 'name'
            and names.name_key = handlers.handler_key

)

select
    cast(identified_by as {{ dbt.type_string() }}) as identified_by,
    cast(handler_key as {{ dbt.type_string() }}) as handler_key,
    cast(case
        when person_code is not null then {{ official_key('person', 'person_code') }}
        when identified_by = 'account' then {{ official_key('account', 'handler_key') }}
        else {{ official_key('name', 'handler_key') }}
    end as {{ dbt.type_string() }}) as official_key,
    cast(person_code as {{ dbt.type_string() }}) as person_code,
    cast(not_judged_reason as {{ dbt.type_string() }}) as not_judged_reason
from resolved

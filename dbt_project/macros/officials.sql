{#- How an official is identified (docs/one_stop_shop_landing.md "Officials"): one place for the key
    of each kind of identity, so the officials mart and the cadre staging give a person the same key.

    official_key(kind, expr): the official's key, a hash of "<kind>:<value>":
      person   the cadre person code (MaCanBo) reached through the account (or the only person with
               the name): the stable identity of a person of the cadre register;
      account  a one-stop-shop account (already a keyed hash) that no cadre person lists;
      name     a name (already a keyed hash) of steps that carry no account and that no single
               cadre person bears.
    The kind keeps the three apart; the hash gives every key the same form. The person code is the
    cadre system's internal code, not personal data (it is landed as is); names and accounts arrive
    as keyed hashes already. -#}
{% macro official_key(kind, expr) -%}
    {{ dbt.hash(dbt.concat(["'" ~ kind ~ ":'", expr])) }}
{%- endmacro %}

{#- The separator of the cadre persons' accounts (connectors/cadre.py ACCOUNT_SEPARATOR) and the
    most accounts one posting lists (MAX_ACCOUNTS; the gate rejects more). -#}
{% macro account_separator() %}{{ return(';') }}{% endmacro %}
{% macro max_accounts() %}{{ return(4) }}{% endmacro %}

-- Index results of every province as the ministries published them: the latest landed row of each
-- (province, index, edition). Values are decimals (never floats); blanks stay null.
with landed as (

    select * from {{ accepted_loads(source('external_indices', 'published_values')) }} as src

),

typed as (

    select
        {{ clean_text('province_name') }} as province_name,
        {{ clean_text('index_code') }} as index_code,
        cast(edition_year as integer) as edition_year,
        cast(index_value as decimal(12, 4)) as index_value,
        cast(province_rank as integer) as province_rank,
        cast(rank_outside_top as integer) as rank_outside_top,
        cast(provinces_ranked as integer) as provinces_ranked,
        cast(published_on as date) as published_on,
        {{ clean_text('published_in') }} as published_in,
        _source as source_uri,
        file_row,
        {{ landed_batch_columns() }}
    from landed

),

ranked as (

    select
        typed.*,
        row_number() over (
            partition by typed.province_name, typed.index_code, typed.edition_year
            order by typed.loaded_at desc, typed.load_id desc, typed.file_row desc
        ) as version_rank
    from typed

)

select
    province_name,
    index_code,
    edition_year,
    index_value,
    province_rank,
    rank_outside_top,
    provinces_ranked,
    published_on,
    published_in,
    source_uri,
    file_row,
    load_id,
    loaded_at
from ranked
where version_rank = 1

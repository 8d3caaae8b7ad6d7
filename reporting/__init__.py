"""The periodic report of the PAR program: one self-contained HTML file per period and language,
drawn from the warehouse's marts (`render.render_report`). No Dagster import: the report asset and
the command line both call it."""

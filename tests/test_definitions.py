"""The Dagster code location that `make ui` loads: what a data engineer sees there, and the source
registry it is built from (orchestration/registry.py, docs/adding_a_source.md)."""

import dataclasses
import datetime as dt
import json
import os
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
from dagster import AssetKey, build_schedule_context

from orchestration.definitions import defs
from orchestration.registry import SOURCES, Api, DbtSourceError, Setting, Source, _api, check_dbt_sources
from orchestration.schedules import nightly_schedule
from orchestration.settings import PROJECT_ROOT, CoreSettings, settings_class, variables
from orchestration.warehouse import manifest_path, translator


def test_the_code_location_has_every_layer_and_the_gate():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"landing/one_stop_shop", "landing/budget_disclosures"} <= keys
    assert {
        "marts/mart_budget_balance",
        "marts/mart_budget_disclosure_timeliness",
        "marts/mart_public_unit_autonomy",
    } <= keys
    assert {
        "marts/mart_agency_service_quality",
        "marts/mart_official_performance",
        "marts/mart_province_service_quality",
        "staging/stg_one_stop_shop__dossiers",
        "intermediate/int_dossier_period_status",
        "reference/working_calendar_exceptions",
    } <= keys
    groups = {
        graph.get(AssetKey.from_user_string(k)).group_name
        for k in (
            "marts/mart_agency_service_quality",
            "staging/stg_one_stop_shop__votes",
            "intermediate/int_working_days",
            "reference/agencies",
        )
    }
    assert groups == {"marts", "staging", "intermediate", "reference"}
    gate = [c for c in graph.asset_check_keys if c.name == "gx_suites"]
    # every source of the registry has its gate (a source added there needs nothing here)
    assert (
        {c.asset_key.path[-1] for c in gate}
        == {entry.name for entry in SOURCES}
        >= {
            "one_stop_shop",
            "cadre",
            "par_ranking",
            "budget_disclosures",
            "admin_units",
            "population_registry",
            "business_registry",
            "external_indices",
        }
    )
    assert all(graph.get_check_spec(c).blocking for c in gate)
    # the staging models read the landing asset the gate guards
    for source, model in (
        ("one_stop_shop", "stg_one_stop_shop__dossier_versions"),
        ("budget_disclosures", "stg_budget_disclosures__lines"),
        ("admin_units", "stg_admin_units__units"),
        ("population_registry", "stg_population_registry__residents"),
        ("business_registry", "stg_business_registry__enterprises"),
    ):
        assert AssetKey(["landing", source]) in graph.get(AssetKey(["staging", model])).parent_keys
    assert {
        "marts/dim_admin_unit",
        "marts/mart_business_environment",
        "marts/mart_service_per_capita",
        "marts/mart_business_environment_current_units",
    } <= keys
    # the report is drawn after the marts it reads
    assert (
        AssetKey(["marts", "mart_program_targets"]) in graph.get(AssetKey(["reports", "periodic_report"])).parent_keys
    )


def test_landing_is_partitioned_daily_in_vietnam_time_and_the_job_resolves():
    for source in ("one_stop_shop", "budget_disclosures"):
        partitions = defs.resolve_asset_graph().get(AssetKey(["landing", source])).partitions_def
        assert partitions.timezone == "Asia/Ho_Chi_Minh" and partitions.get_first_partition_key() == "2022-01-01"
    assert defs.resolve_job_def("par_pipeline") is not None


def test_the_nightly_schedule_loads_yesterday_at_one_in_the_morning():
    assert nightly_schedule.cron_schedule == "0 1 * * *"
    assert nightly_schedule.execution_timezone == "Asia/Ho_Chi_Minh"
    tick = datetime(2025, 7, 1, 1, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    request = nightly_schedule.evaluate_tick(
        build_schedule_context(scheduled_execution_time=tick, repository_def=defs.get_repository_def())
    ).run_requests[0]
    assert request.partition_key == "2025-06-30"


WORKFORCE_MARTS = (
    "mart_workforce",
    "mart_public_service_units",
    "mart_commune_cadre_standards",
    "mart_official_rating_eligibility",
    "mart_head_accountability",
)


def test_one_dbt_step_and_a_rejected_cadre_load_leaves_out_only_what_reads_it():
    """One dbt process per run: the whole project is one step. A rejected cadre snapshot must not stop the
    one-stop-shop's marts: the step leaves out the tables reading the cadre landing, directly or through
    other tables (the officials' mart: officials are persons of the cadre register; the program tracker,
    which reads the workforce marts), and dbt leaves out the same (`--exclude source:cadre+`)."""
    from orchestration.warehouse import WAREHOUSE_STEPS, excluded_sources, reading_rejected_loads, warehouse_models

    graph = defs.resolve_asset_graph()
    for mart in WORKFORCE_MARTS:
        assert AssetKey(["marts", mart]) in graph.get_all_asset_keys()
    dbt_steps = {
        graph.get(key).assets_def.node_def.name
        for key in graph.get_all_asset_keys()
        if graph.get(key).assets_def.is_executable and "dbt" in graph.get(key).kinds
    }
    assert dbt_steps == set(WAREHOUSE_STEPS) == {"warehouse_models"}
    cadre = AssetKey(["landing", "cadre"])
    skipped = {k.to_user_string() for k in reading_rejected_loads(warehouse_models, {cadre: "snapshot-20260228"})}
    workforce = {f"marts/{m}" for m in WORKFORCE_MARTS} | {
        "staging/stg_cadre__persons",
        "marts/mart_official_performance",
        "intermediate/int_official_identities",
        "marts/mart_program_targets",
        "intermediate/int_program_target_actuals",
    }
    assert workforce <= skipped
    one_stop_shop = {
        "marts/mart_agency_service_quality",
        "staging/stg_one_stop_shop__dossiers",
        "intermediate/int_dossier_official_years",
        "marts/mart_budget_balance",
        "staging/stg_par_ranking__rankings",
    }
    assert not one_stop_shop & skipped
    assert excluded_sources({cadre: "x"}) == "source:cadre+"
    assert excluded_sources({cadre: "x", AssetKey(["landing", "budget_disclosures"]): "y"}) == (
        "source:budget_disclosures+ source:cadre+"
    )
    assert cadre in graph.get(AssetKey(["staging", "stg_cadre__persons_validated"])).parent_keys
    # the one-stop-shop's models do not read the cadre landing
    assert cadre not in graph.get(AssetKey(["marts", "mart_agency_service_quality"])).parent_keys


def test_snapshot_sources_share_the_daily_partitions_so_the_nightly_job_runs_them():
    graph = defs.resolve_asset_graph()
    for source in ("cadre", "par_ranking"):
        assert (
            graph.get(AssetKey(["landing", source])).partitions_def
            == graph.get(AssetKey(["landing", "one_stop_shop"])).partitions_def
        )
    job = defs.resolve_job_def("par_pipeline")
    assert {AssetKey(["landing", "cadre"]), AssetKey(["marts", "mart_workforce"])} <= set(
        job.asset_layer.executable_asset_keys
    )


# --- the source registry (orchestration/registry.py) -------------------------------------------------


TOY = "toy_counts"


class ToyClient:
    """A toy source's API client: one page of counts per pull (the session is the toy sandbox's)."""

    def __init__(self, session):
        self.session = session

    def pages(self, since, until, cursor=None):
        yield (
            [
                {"MaDonVi": "22333", "Ngay": f"{since:%Y-%m-%d}", "SoLuong": 3},
                {"MaDonVi": "22336", "Ngay": f"{since:%Y-%m-%d}", "SoLuong": 0},
            ],
            "end",
        )


def toy_flatten(records):
    return {
        "counts": pa.Table.from_pylist(
            records, schema=pa.schema([("MaDonVi", pa.string()), ("Ngay", pa.string()), ("SoLuong", pa.int32())])
        )
    }


class _ToyServer:
    url = "http://127.0.0.1:9/toy"  # never called: ToyClient answers from memory


def start_toy_sandbox(config, units_dir=None):
    return _ToyServer(), None


def _toy_result(source, dataset_name, column, frame, bad, load_id):
    """A one-expectation GX-shaped result (without GX: cheap)."""
    from expectations.gx_runner import BatchResult, DatasetResult, ExpectationResult

    suite = f"{source}.{dataset_name}"
    result = ExpectationResult(
        dataset_name,
        suite,
        "expect_column_values_to_be_between",
        column,
        bad == 0,
        len(frame),
        bad,
        100.0 * bad / max(len(frame), 1),
    )
    dataset = DatasetResult(dataset_name, suite, len(frame), bad == 0, 1, int(bad > 0), bad, True, (result,))
    return BatchResult(load_id, source, dt.datetime.now(dt.UTC), bad == 0, 1, int(bad > 0), bad, True, (dataset,), 0.0)


def toy_validate(frames, load_id):
    """The toy's suite: every count is a non-negative integer."""
    frame = frames["counts"]
    return _toy_result(TOY, "counts", "SoLuong", frame, int((frame["SoLuong"] < 0).sum()), load_id)


TOY_SOURCE = Source(
    TOY,
    ("counts",),
    "registries",
    "partitioned",
    settings=(
        Setting("PAR_TOY_COUNTS_URL", "toy_counts_url", configures=True),
        Setting("PAR_TOY_COUNTS_TOKEN", "toy_counts_token", secret=True),
    ),
    api=Api(f"{__name__}:ToyClient", f"{__name__}:toy_flatten", f"{__name__}:start_toy_sandbox"),
    validate=toy_validate,
    description="Toy counts per unit and day.",
    gate_description="The toy's suite.",
    freshness=dt.time(4, 0),
    production_error="PAR_ENV=production but PAR_TOY_COUNTS_URL is not set.",
)


def _toy_manifest(tmp_path: Path, *, tags=("registries",), landing: str = "landing") -> Path:
    """The project's manifest with the toy's dbt source (`staging/toy_counts/_sources.yml`, as the guide
    writes it) and its staging model: what `dbt parse` writes for them, no dbt run."""
    manifest = json.loads(manifest_path().read_text())
    source_id, model_id = f"source.par_warehouse.{TOY}.counts", f"model.par_warehouse.stg_{TOY}__counts"
    manifest["sources"][source_id] = {
        "unique_id": source_id,
        "resource_type": "source",
        "source_name": TOY,
        "name": "counts",
        "schema": f"landing_{TOY}",
        "fqn": ["par_warehouse", "staging", TOY, TOY, "counts"],
        "meta": {
            "external_location": f"read_parquet('{tmp_path / landing}/{TOY}/{{name}}/*/*.parquet', "
            "hive_partitioning = true, union_by_name = true)"
        },
    }
    manifest["nodes"][model_id] = {
        "unique_id": model_id,
        "resource_type": "model",
        "name": f"stg_{TOY}__counts",
        "tags": list(tags),
        "fqn": ["par_warehouse", "staging", TOY, f"stg_{TOY}__counts"],
        "depends_on": {"nodes": [source_id]},
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    return path


def test_a_toy_source_added_through_the_registry_lands_is_gated_and_reaches_dbt_by_its_name(tmp_path, monkeypatch):
    """docs/adding_a_source.md, run: one registry entry gives the landing asset, its blocking gate, its
    resource, its freshness check and its settings; its dbt source (by the same name) reads what landed."""
    import duckdb
    from dagster import AssetKey, DagsterInstance, materialize

    from connectors.landing import LandingZone
    from orchestration.definitions import build_definitions, gate, landing_asset
    from orchestration.postgres import landed_tables

    sources = (*SOURCES, TOY_SOURCE)
    toy_settings_class = settings_class(sources)
    assert {"PAR_TOY_COUNTS_URL", "PAR_TOY_COUNTS_TOKEN"} <= set(variables(toy_settings_class))
    base = dataclasses.asdict(load_settings_for(tmp_path))
    settings = toy_settings_class(**base)
    assert TOY in settings.sandbox_sources and "toy_counts_token" not in repr(settings)
    with pytest.raises(Exception, match="PAR_TOY_COUNTS_URL is not set"):
        dataclasses.replace(
            settings,
            environment="production",
            pseudonymisation_key="k",
            **{a: "x" for e in SOURCES for a in e.configured_by},
        ).validate()

    for name in ("PAR_LANDING_DIR", "PAR_WAREHOUSE_PATH", "PAR_WAREHOUSE_TARGET"):  # restored after the test
        monkeypatch.setenv(name, os.environ.get(name, ""))
    toy_defs = build_definitions(settings, sources)
    graph = toy_defs.resolve_asset_graph()
    key = AssetKey(["landing", TOY])
    assert graph.get(key).partitions_def == graph.get(AssetKey(["landing", "one_stop_shop"])).partitions_def
    assert {c.name for c in graph.asset_check_keys if c.asset_key == key} == {"gx_suites", "freshness"}
    assert all(
        graph.get_check_spec(c).blocking for c in graph.asset_check_keys if c.asset_key == key and c.name == "gx_suites"
    )
    assert f"{TOY}_source" in toy_defs.resources

    landing = LandingZone(tmp_path / "landing")
    result = materialize(
        [landing_asset(TOY_SOURCE), gate(TOY_SOURCE)],
        partition_key="2025-03-01",
        resources={f"{TOY}_source": TOY_SOURCE.build_resource(settings), "landing": landing},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success
    [check] = result.get_asset_check_evaluations()
    assert check.passed and check.metadata["rows_checked"].value == 2
    assert (
        result.asset_materializations_for_node(landing_asset(TOY_SOURCE).op.name)[0]
        .metadata["source"]
        .value.startswith(f"sandbox://{TOY}")
    )

    # the dbt side, by the name alone: the source is the landing asset, its table the folder that landed
    manifest = _toy_manifest(tmp_path)
    check_dbt_sources(json.loads(manifest.read_text()), sources)
    assert translator.get_asset_key({"resource_type": "source", "source_name": TOY, "name": "counts"}) == key
    [table] = [t for t in landed_tables(manifest, landing.root) if t.source == TOY]
    assert table.folder == landing.root / TOY / "counts"
    with duckdb.connect() as con:  # its own connection: the module's default one is shared by every test of the worker
        landed = con.sql(
            f"select sum(SoLuong) from read_parquet('{table.folder}/*/*.parquet', hive_partitioning = true)"
        ).fetchall()
    assert landed == [(3,)]


def test_a_range_of_days_is_recorded_once_with_its_totals(tmp_path):
    """A run over a range of days (`make run START=.. END=..`, a backfill) is one pull and one load. Dagster
    records a materialisation for every day of the range; the load's totals are on one of them, the range's last
    (the asset's latest), not repeated on every day: the others name the load and the range."""
    from dagster import DagsterInstance, materialize

    from connectors.landing import LandingZone
    from orchestration.definitions import landing_asset

    settings = settings_class((*SOURCES, TOY_SOURCE))(**dataclasses.asdict(load_settings_for(tmp_path)))
    result = materialize(
        [landing_asset(TOY_SOURCE)],
        tags={"dagster/asset_partition_range_start": "2025-03-01", "dagster/asset_partition_range_end": "2025-03-05"},
        resources={f"{TOY}_source": TOY_SOURCE.build_resource(settings), "landing": LandingZone(tmp_path / "landing")},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success
    days = result.asset_materializations_for_node(landing_asset(TOY_SOURCE).op.name)
    assert [m.partition for m in days] == [f"2025-03-0{d}" for d in range(1, 6)]  # every day is materialised
    totals = [m.partition for m in days if "records" in m.metadata or "rows_per_dataset" in m.metadata]
    assert totals == ["2025-03-05"], "the range's totals once, on its last day"
    assert days[-1].metadata["records"].value == 2 and days[-1].metadata["rows_per_dataset"].value == {"counts": 2}
    assert {m.metadata["load_id"].value for m in days} == {days[-1].metadata["load_id"].value}
    assert {m.metadata["range"].value for m in days} == {"2025-03-01 .. 2025-03-05 (5 days, one load)"}
    assert days[0].metadata["totals_on"].value == "2025-03-05"


# A toy snapshot source (docs/adding_a_source.md, "A snapshot source"): the whole roster as it stood on a
# day, from its API or its export file, a person's name pseudonymised before it lands.
TOY_SNAPSHOT = "toy_roster"
TOY_PERSON = "Nguyễn Thị Mai"
TOY_ROSTER_SCHEMA = pa.schema([("MaCanBo", pa.string()), ("HoTen", pa.string()), ("NgayDuLieu", pa.string())])


class ToyRosterClient:
    """The toy roster's API client: the roster as it stood on `as_of`, one page."""

    def __init__(self, session, page_size=1000):
        self.session, self.page_size = session, page_size

    def pages(self, as_of, cursor=None):
        yield [{"MaCanBo": "CB-1", "HoTen": TOY_PERSON, "NgayDuLieu": f"{as_of:%Y-%m-%d}"}], "end"


def read_toy_roster_export(path, cursor=None):
    """The toy roster's export file (one JSON record a line), read whole; its cursor says which file it was."""
    from connectors.file_cursor import whole_file_cursors

    cursor_of = whole_file_cursors(path)
    records = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    yield records, cursor_of(f"lines:{len(records)}")


def toy_roster_flatten(records, pseudonymise):
    return {
        "people": pa.Table.from_pylist(
            [{**r, "HoTen": pseudonymise(r["HoTen"])} for r in records], schema=TOY_ROSTER_SCHEMA
        )
    }


def toy_roster_validate(frames, load_id):
    frame = frames["people"]
    return _toy_result(TOY_SNAPSHOT, "people", "MaCanBo", frame, int(frame["MaCanBo"].isna().sum()), load_id)


TOY_SNAPSHOT_SOURCE = Source(
    TOY_SNAPSHOT,
    ("people",),
    "workforce",
    "snapshot",
    settings=_api(
        TOY_SNAPSHOT,
        "TOY_ROSTER",
        "Toy roster: its API...",
        "https://toy.example.gov.vn",
        export=("...or its export file.", "/srv/par/inbox/toy-roster.ndjson"),
    ),
    api=Api(
        f"{__name__}:ToyRosterClient",
        f"{__name__}:toy_roster_flatten",
        f"{__name__}:start_toy_sandbox",
        export=f"{__name__}:read_toy_roster_export",
        personal=True,
    ),
    validate=toy_roster_validate,
    description="The toy roster as it stood at the end of the last partition's day.",
    gate_description="The toy roster's suite.",
    freshness=dt.time(4, 0),
    production_error="PAR_ENV=production but no toy roster is configured.",
)


def test_a_toy_snapshot_source_lands_the_system_as_of_the_last_day_pseudonymised_or_from_its_export(tmp_path):
    """`landing="snapshot"`: one registry entry gives the asset that lands `snapshot-YYYYMMDD` as of the last
    partition's day (the cadre system's landing), the source's export file read by its connector with the
    file cursor's resume rules, and personal fields hashed with the source's key (checked first)."""
    from dagster import DagsterInstance, materialize

    from connectors.landing import LandingZone
    from connectors.pseudonymise import KEY_STATE
    from orchestration.definitions import gate, landing_asset

    settings = settings_class((*SOURCES, TOY_SNAPSHOT_SOURCE))(**dataclasses.asdict(load_settings_for(tmp_path)))
    resource = TOY_SNAPSHOT_SOURCE.build_resource(settings)
    landing = LandingZone(tmp_path / "landing")
    result = materialize(
        [landing_asset(TOY_SNAPSHOT_SOURCE), gate(TOY_SNAPSHOT_SOURCE)],
        partition_key="2025-03-01",
        resources={f"{TOY_SNAPSHOT}_source": resource, "landing": landing},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success and result.get_asset_check_evaluations()[0].passed
    metadata = result.asset_materializations_for_node(landing_asset(TOY_SNAPSHOT_SOURCE).op.name)[0].metadata
    assert metadata["requested_as_of"].value == "2025-03-01" and metadata["records"].value == 1
    assert metadata["source"].value.startswith(f"sandbox://{TOY_SNAPSHOT}?")
    assert landing.read_state(TOY_SNAPSHOT, "snapshot-20250301")["complete"]
    [person] = landing.read_load(TOY_SNAPSHOT, "people", metadata["load_id"].value).to_pylist()
    assert person["NgayDuLieu"] == "2025-03-01"
    assert person["HoTen"] == resource.pseudonymiser()(TOY_PERSON) != TOY_PERSON  # hashed before it landed
    assert landing.read_state(*KEY_STATE)["recorded_by"] == TOY_SNAPSHOT  # the key was checked (and recorded)

    export = tmp_path / "roster.ndjson"
    export.write_text(json.dumps({"MaCanBo": "CB-2", "HoTen": TOY_PERSON, "NgayDuLieu": "2025-02-28"}) + "\n")
    from_file = TOY_SNAPSHOT_SOURCE.build_resource(dataclasses.replace(settings, toy_roster_export=export))
    assert from_file.describe() == f"file://{export}"
    [(records, cursor)] = list(from_file.fetcher(dt.date(2025, 3, 1))(None))
    assert [r["MaCanBo"] for r in records] == ["CB-2"] and from_file.why_not_resume(cursor) is None
    export.write_text(json.dumps({"MaCanBo": "CB-3", "HoTen": TOY_PERSON, "NgayDuLieu": "2025-03-01"}) + "\n")
    assert "not the file the pull began on" in from_file.why_not_resume(cursor)

    with pytest.raises(ValueError, match=f"source '{TOY_SNAPSHOT}': .*PAR_TOY_ROSTER_EXPORT"):
        dataclasses.replace(TOY_SNAPSHOT_SOURCE, settings=TOY_SNAPSHOT_SOURCE.settings[:2])


def load_settings_for(tmp_path: Path):
    from orchestration.settings import load_settings

    return dataclasses.replace(load_settings(), data_dir=tmp_path, landing_dir=tmp_path / "landing")


def test_a_dbt_source_outside_the_registry_stops_the_code_location(tmp_path):
    """A dbt source without a registry entry has no landing asset and no gate before it: refused, named."""
    check_dbt_sources(json.loads(manifest_path().read_text()))  # the project as it is
    check_dbt_sources(json.loads(_toy_manifest(tmp_path, tags=()).read_text()), (*SOURCES, TOY_SOURCE))
    with pytest.raises(DbtSourceError, match=f"dbt source '{TOY}' is not a registry source"):
        check_dbt_sources(json.loads(_toy_manifest(tmp_path).read_text()))  # declared in dbt, not in the registry


def test_every_dbt_source_is_a_registry_source_landed_in_its_own_folder():
    """One name: the dbt source name is the registry's, its tables read `<landing>/<name>/<table>` (audit
    records under `_audit/`), and the two parsers of `external_location` (orchestration/postgres.py for
    PostgreSQL, the macro landing_folder for Spark) find the same folder."""
    from orchestration.postgres import _LOCATION_FOLDER

    macro = (PROJECT_ROOT / "dbt_project" / "macros" / "cross_db" / "landing_sources.sql").read_text()
    jinja_pattern = re.search(r'modules\.re\.search\("(.+?)", location\)', macro).group(1).replace("\\\\", "\\")
    names = {entry.name for entry in SOURCES}
    seen = set()
    for node in json.loads(manifest_path().read_text())["sources"].values():
        location = node["meta"]["external_location"]
        folder = _LOCATION_FOLDER.search(location).group(1)
        assert re.search(jinja_pattern, location).group(1).endswith("/" + folder), location
        top, table = folder.split("/")
        if top == "_audit":
            continue
        assert node["source_name"] in names and top == node["source_name"] and table == "{name}", node["unique_id"]
        seen.add(node["source_name"])
    assert seen == names  # and every registry source is read by dbt


def test_env_example_documents_every_setting_and_only_those():
    """.env.example is checked against the settings: every variable of Settings (core and each registry
    source's), of the PostgreSQL server and of the dbt project appears in it, and nothing else."""
    from orchestration.settings import PostgresSettings, ProcessSettings

    dbt_files = [*(PROJECT_ROOT / "dbt_project").rglob("*.yml"), *(PROJECT_ROOT / "dbt_project").rglob("*.sql")]
    dbt_variables = {
        v
        for f in dbt_files
        if "target" not in f.parts
        for v in re.findall(r"env_var\(['\"](PAR_[A-Z_]+)", f.read_text())
    }
    dbt_variables -= {"PAR_WINDOW_START", "PAR_WINDOW_END"}  # set by each dbt step (orchestration/warehouse.py)
    declared = {*variables(), *dbt_variables, "DAGSTER_HOME"} | {
        f"PAR_PG_{name.upper()}" for name in PostgresSettings.model_fields
    }
    assert ProcessSettings.model_fields["dagster_home"].validation_alias == "DAGSTER_HOME"
    example = (PROJECT_ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*((?:PAR|DAGSTER)_[A-Z_]+)=", example, flags=re.M))
    assert declared - documented == set(), "add them to .env.example"
    assert documented - declared == set(), "declared nowhere: remove them from .env.example"
    for name, spec in variables().items():
        if spec.metadata["secret"]:
            value = re.search(rf"^#?\s*{name}=(.*)$", example, flags=re.M).group(1)
            assert value.endswith("..."), f"{name}: a secret is never written in .env.example"


def test_env_example_holds_the_sources_settings_as_the_registry_writes_them():
    """The sources' part of .env.example is written from the registry (`python -m orchestration.env_example`):
    a source added to the registry and not written there fails here."""
    from orchestration.env_example import ENV_EXAMPLE, rewrite, sources_block

    assert rewrite() == ENV_EXAMPLE.read_text(encoding="utf-8"), "run `python -m orchestration.env_example`"
    toy = sources_block((*SOURCES, TOY_SOURCE))
    assert "# PAR_TOY_COUNTS_URL=" in toy and "# PAR_TOY_COUNTS_TOKEN=...secret..." in toy
    assert toy not in ENV_EXAMPLE.read_text(encoding="utf-8")


def test_settings_are_typed_and_name_the_variable(monkeypatch, tmp_path):
    from orchestration.settings import SettingsError, load_settings

    for name in [n for n in os.environ if n.startswith("PAR_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PAR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PAR_BUDGET_ALLOWED_HOSTS", "files.example.gov.vn, cdn.example.gov.vn:8443,")
    monkeypatch.setenv("PAR_SANDBOX_END_DATE", "2025-03-01")
    monkeypatch.setenv("PAR_CADRE_TOKEN", "")  # empty is unset
    settings = load_settings()
    assert settings.budget_allowed_hosts == ("files.example.gov.vn", "cdn.example.gov.vn:8443")
    assert settings.sandbox_end == dt.date(2025, 3, 1) and settings.cadre_token is None
    assert settings.landing_dir == tmp_path / "landing" and settings.warehouse_path == tmp_path / "warehouse.duckdb"
    assert isinstance(settings, CoreSettings) and dataclasses.replace(settings, cadre_url="x").cadre_url == "x"
    monkeypatch.setenv("PAR_SANDBOX_SCALE", "a lot")
    monkeypatch.setenv("PAR_PSEUDONYMISATION_KEY", "not-shown")
    with pytest.raises(SettingsError, match="PAR_SANDBOX_SCALE: Input should be a valid number"):
        load_settings()


def test_every_dbt_test_has_a_description_and_the_freshness_schedule_runs_in_vietnam_time():
    """The UI shows a check's description; dagster-dbt alone gives one only to tests with `meta.description`."""
    from dagster import DefaultScheduleStatus

    from orchestration.warehouse import warehouse_models

    dbt_checks = list(warehouse_models.check_specs)
    assert len(dbt_checks) > 100
    assert not [spec.key for spec in dbt_checks if not spec.description]
    not_null = next(spec for spec in dbt_checks if spec.name.startswith("not_null_"))
    assert not_null.description.startswith("dbt test not null on ")
    freshness = defs.resolve_schedule_def("freshness_schedule")
    assert freshness.default_status == DefaultScheduleStatus.RUNNING
    assert freshness.execution_timezone == "Asia/Ho_Chi_Minh" and "Asia/Ho_Chi_Minh" in freshness.description


def test_the_data_tests_are_left_out_of_the_dbt_steps_only_when_the_settings_say_so():
    """PAR_DBT_DATA_TESTS=0 (the Spark parity test): `test` joins the excluded resource types."""
    import dataclasses

    from orchestration.settings import load_settings
    from orchestration.warehouse import step_flags

    settings = load_settings()
    assert settings.dbt_data_tests
    assert step_flags(False, settings) == ["--no-write-json", "--exclude-resource-type", "unit_test"]
    assert step_flags(True, dataclasses.replace(settings, dbt_data_tests=False))[-3:] == ["unit_test", "seed", "test"]

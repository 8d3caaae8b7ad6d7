"""The source registry: every source system declared once, and everything about it derived from here.

One `Source` per source system. Its `name` is the landing folder (`<landing>/<name>/<dataset>/`), the
dbt source name (`source('<name>', ...)`), the asset key (`landing/<name>`) and the resource key
(`<name>_source`, unless `resource_key` says otherwise). From the entries come:

- the landing assets and their blocking GX gates (orchestration/definitions.py), built from the entry
  for an API source, the asset chosen by its landing kind (`landing="partitioned"`: pulled by updated
  day, `fetcher(since, until)`; `landing="snapshot"`: the whole system as it stood on the last
  partition's day, `fetcher(as_of)`; either optionally from an export file and with personal data
  pseudonymised, `Api`), or named by the entry when the source's landing is its own (`asset=` /
  `gate=`: the one-stop-shop, the PAR ranking files, the crawl, the reference files);
- the resources (`resource(settings)`), the freshness checks (`freshness`), the sandbox list and the
  production checks of the settings (`settings`, `production_error`), the settings' environment
  variables (orchestration/settings.py builds its fields from `settings`; `.env.example` is checked
  against them by tests/test_definitions.py);
- the dbt sources: each is a registry source (or the gate's audit records), which `check_dbt_sources`
  checks when the code location loads (orchestration/warehouse.py). Every source belongs to one
  `Family`, whose dbt models carry the family's tag (`dbt build -s tag:budget` builds one family by
  hand; the one-stop-shop's family is the untagged rest). One dbt step builds every family: a load
  its gate rejects leaves out the models reading it, whatever their family.

Adding a source: docs/adding_a_source.md. This module imports no Dagster object and no settings (the
settings module reads it): what an entry names in another module is given as "module:attribute" and
imported on use (`load`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any, Literal

from connectors import (
    admin_units,
    budget,
    business_registry,
    cadre,
    external_indices,
    one_stop_shop,
    population_registry,
    procedure_catalogue,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# The dbt source of the gate's own records (`<landing>/_audit/`): not a source system, in no family.
AUDIT_SOURCE = "audit"

LandingKind = Literal["partitioned", "snapshot", "reference_file"]
# The landing kinds whose asset is built from the entry (orchestration/ingestion.py `built_landing_asset`):
# "partitioned" pulls the records updated in the partitions' days (load `YYYYMMDD-YYYYMMDD`), "snapshot"
# lands the whole system as it stood at the end of the last partition's day (load `snapshot-YYYYMMDD`).
BUILT_LANDINGS: tuple[LandingKind, ...] = ("partitioned", "snapshot")


def load(reference: str) -> Any:
    """The object named "package.module:attribute" (imported now, not when the registry is read)."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class Setting:
    """One environment variable of a source; `Settings.<attribute>` holds its value (None when unset)."""

    variable: str  # PAR_CADRE_URL
    attribute: str  # cadre_url
    kind: type = str  # str, Path (expanded and resolved) or tuple (comma-separated)
    secret: bool = False  # never in repr, logs or metadata
    configures: bool = False  # set: the real source is used; none set: the sandbox stands in
    default: Any = None
    doc: str = ""  # its comment in .env.example (orchestration/env_example.py writes it)
    example: str = "...secret..."  # its example value there


@dataclass(frozen=True)
class Api:
    """A source read through its API by the generic resource (orchestration/sources.py `ApiSource`) and
    landed by the generic asset of its `landing` kind. Each reference is "module:attribute":

    - `client`: `Client(session[, page_size=])`; `pages(since, until, cursor)` for a partitioned source
      (the records updated in the partitions' days), `pages(as_of, cursor)` for a snapshot source (the
      whole system as it stood at the end of `as_of`, the last partition's day); pages are (records, cursor);
    - `flatten`: records -> {dataset: table}; with `personal`, `flatten(records, pseudonymise)` gets the
      source's pseudonymiser and the asset first checks the landing zone's key (`check_key`);
    - `sandbox`: `start(config[, units_dir=])` -> (server, sandbox), the same API on loopback, built from
      `sandbox_config` (a dataclass of seed/scale/defect_rate/end, "module:Class");
    - `export` (optional): `read_export(path, cursor=None)` -> pages of the file the system exports
      (setting `PAR_<X>_EXPORT`, attribute `<name>_export`: `_api(..., export=...)`); its cursor is a
      connectors/file_cursor.py cursor, so an unfinished pull resumes only in the very file it began on.
    """

    client: str
    flatten: str
    sandbox: str
    export: str | None = None
    personal: bool = False
    page_size: int | None = None  # the client's page size (default: the client's own)
    sandbox_config: str = "connectors.sandbox.one_stop_shop_data:SandboxConfig"
    sandbox_uri: tuple[str, ...] = ("seed", "scale", "end")  # the config's fields its `sandbox://` URI shows


@dataclass(frozen=True)
class Family:
    """A family of sources and the dbt models built from them (tagged `name`, unless `tagged` is false)."""

    name: str
    description: str
    tagged: bool = True  # its models carry the dbt tag `name`; the untagged rest is the default family's


@dataclass(frozen=True)
class Source:
    name: str
    datasets: tuple[str, ...]
    family: str
    landing: LandingKind
    resource: Callable[[Any], Any] | None = None  # settings -> the landing asset's resource (default: ApiSource)
    settings: tuple[Setting, ...] = ()
    # the landing asset and gate when the source's own ("module:attribute"); else built from the entry
    asset: str | None = None
    gate: str | None = None
    api: Api | None = None  # the API of a source read through ApiSource (partitioned or snapshot)
    validate: Callable[..., Any] | None = None  # (frames, load_id) -> the GX result, for the built gate
    description: str = ""  # of the built landing asset
    gate_description: str = ""  # of the built gate
    freshness: time | None = None  # yesterday's partition landed by this local time (None: no check)
    production_error: str | None = None  # PAR_ENV=production refuses the sandbox standing in for it
    resource_key: str = ""

    def __post_init__(self) -> None:
        """An entry that cannot be built is refused when the registry is read, naming the source."""
        if self.family not in {f.name for f in FAMILIES}:
            raise ValueError(f"source {self.name!r}: family {self.family!r} is not one of FAMILIES")
        if self.asset is None and (self.landing not in BUILT_LANDINGS or (self.api is None and self.resource is None)):
            raise ValueError(
                f"source {self.name!r}: only a {' or '.join(BUILT_LANDINGS)} source with an `api` (or a "
                "resource) gets the built landing asset; name its own with `asset=`"
            )
        if self.api and self.api.export and f"{self.name}_export" not in {s.attribute for s in self.settings}:
            raise ValueError(
                f"source {self.name!r}: its `api` reads an export file but no setting holds its path: "
                f"give PAR_{self.name.upper()}_EXPORT (`_api(..., export=(doc, example))`)"
            )
        if self.gate is None and self.validate is None:
            raise ValueError(f"source {self.name!r}: give its suite (`validate=`) or its own gate (`gate=`)")

    @property
    def key(self) -> str:
        return self.resource_key or f"{self.name}_source"

    def build_resource(self, settings) -> Any:
        return (
            self.resource(settings)
            if self.resource
            else load("orchestration.sources:ApiSource")(settings, self.name, self.api)
        )

    @property
    def configured_by(self) -> tuple[str, ...]:
        return tuple(s.attribute for s in self.settings if s.configures)


def _resource(reference: str, *args) -> Callable[[Any], Any]:
    """settings -> `reference`(settings, *args), imported on use."""
    return lambda settings: load(reference)(settings, *args)


def _validator(reference: str, *args) -> Callable[..., Any]:
    """(frames, load_id) -> `reference`(*args, frames, load_id), imported on use (GX loads in seconds)."""
    return lambda frames, load_id: load(reference)(*args, frames, load_id)


FOUR_AM = time(4, 0)

FAMILIES: tuple[Family, ...] = (
    Family("one_stop_shop", "the one-stop-shop's models, the seeds and the calendar", tagged=False),
    Family(
        "workforce",
        "the cadre system and the PAR ranking: staging and the workforce marts (latest accepted snapshot)",
    ),
    Family("budget", "the budget disclosures: staging and the budget marts (latest version of each document)"),
    Family(
        "registries",
        "the administrative-unit file and the population and business registries: the unit dimension, "
        "the business-environment and per-capita marts",
    ),
    # The program marts read the marts of every family. The external indices are read only there: a bad
    # ministry file stops the program marts reading it, nothing else.
    Family(
        "program",
        "the external indices and every family's marts: the 766 index, the external indices and "
        "the program target tracker",
    ),
)


def _api(source: str, prefix: str, doc: str, url: str, *, export: tuple[str, str] | None = None) -> tuple[Setting, ...]:
    """PAR_<PREFIX>_URL and _TOKEN of a source's API (and _EXPORT, a file the system exports: (doc, example))."""
    settings = (
        Setting(f"PAR_{prefix}_URL", f"{source}_url", configures=True, doc=doc, example=url),
        Setting(f"PAR_{prefix}_TOKEN", f"{source}_token", secret=True),
    )
    if export:
        settings += (
            Setting(
                f"PAR_{prefix}_EXPORT", f"{source}_export", kind=Path, configures=True, doc=export[0], example=export[1]
            ),
        )
    return settings


SOURCES: tuple[Source, ...] = (
    Source(
        one_stop_shop.SOURCE,
        one_stop_shop.DATASETS,
        "one_stop_shop",
        "partitioned",
        _resource("orchestration.sources:OneStopShopSource"),
        _api(
            one_stop_shop.SOURCE,
            "ONE_STOP_SHOP",
            "One-stop-shop system (một cửa điện tử): either its API...",
            "https://motcua.example.gov.vn",
            export=(
                "...or a vendor's NDJSON export file (one DVCQG sync payload per line).",
                "/srv/par/inbox/motcua-export.ndjson",
            ),
        ),
        asset="orchestration.ingestion:one_stop_shop_landing",
        gate="orchestration.quality_checks:gx_one_stop_shop",
        freshness=FOUR_AM,
        production_error="PAR_ENV=production but no one-stop-shop source is configured: set PAR_ONE_STOP_SHOP_URL "
        "(and PAR_ONE_STOP_SHOP_TOKEN) or PAR_ONE_STOP_SHOP_EXPORT. A production run never falls "
        "back to the sandbox.",
    ),
    Source(
        procedure_catalogue.SOURCE,
        procedure_catalogue.DATASETS,
        "one_stop_shop",
        "snapshot",
        settings=_api(
            procedure_catalogue.SOURCE,
            "PROCEDURE_CATALOGUE",
            "Catalogue of administrative procedures of the one-stop-shop system (danh mục thủ tục hành chính): "
            "its API; without it the embedded sandbox is used (never in production).",
            "https://motcua.example.gov.vn",
        ),
        api=Api(
            "connectors.procedure_catalogue:ProcedureCatalogueClient",
            "connectors.procedure_catalogue:flatten",
            "connectors.sandbox.procedure_catalogue_api:start_procedure_catalogue_server",
        ),
        validate=_validator("expectations.procedure_catalogue:validate_procedure_catalogue_batch"),
        description="The catalogue of administrative procedures (codes, statutory limits, full-online eligibility "
        "and offer, DVCQG integration) as it stood at the end of the last partition's day; staging reads every "
        "accepted snapshot (docs/procedure_catalogue_landing.md).",
        gate_description="Great Expectations on the newly landed catalogue snapshot. Failing rejects it (staging "
        "keeps the previous accepted snapshot) and stops the one-stop-shop's marts in this run.",
        freshness=FOUR_AM,
        production_error="PAR_ENV=production but PAR_PROCEDURE_CATALOGUE_URL is not set: a production run never "
        "falls back to the sandbox.",
    ),
    Source(
        cadre.SOURCE,
        cadre.DATASETS,
        "workforce",
        "snapshot",
        settings=_api(
            cadre.SOURCE,
            "CADRE",
            "Cadre management software (phần mềm quản lý cán bộ, công chức, viên chức): either its API...",
            "https://canbo.example.gov.vn",
            export=(
                "...or its XLSX export (sheets CanBo, DanhGia, BienChe, DonViSuNghiep; docs/cadre_landing.md).",
                "/srv/par/inbox/canbo-export.xlsx",
            ),
        ),
        api=Api(
            "connectors.cadre:CadreClient",
            "connectors.cadre:flatten",
            "connectors.sandbox.cadre_api:start_cadre_server",
            export="connectors.cadre:read_export",
            personal=True,
            page_size=2000,
            sandbox_config="connectors.sandbox.cadre_data:CadreConfig",
            sandbox_uri=("seed", "scale", "defect_rate", "end"),
        ),
        validate=_validator("expectations.cadre:validate_cadre_batch"),
        description="A snapshot of the cadre management system (persons, appraisals, staffing quotas, public "
        "service units) as it stood at the end of the last partition's day, pseudonymised; staging "
        "reads the latest accepted snapshot (docs/cadre_landing.md).",
        gate_description="Great Expectations, one suite per landed cadre dataset, on the newly landed snapshot. "
        "Failing rejects the snapshot (never read by the warehouse) and stops the workforce marts.",
        freshness=FOUR_AM,
        production_error="PAR_ENV=production but no cadre management source is configured: set PAR_CADRE_URL (and "
        "PAR_CADRE_TOKEN) or PAR_CADRE_EXPORT (the system's XLSX export).",
    ),
    Source(
        cadre.RANKING_SOURCE,
        (cadre.RANKING_DATASET,),
        "workforce",
        "snapshot",
        _resource("orchestration.sources:ParRankingSource"),
        (
            Setting(
                "PAR_PAR_RANKING_DIR",
                "par_ranking_dir",
                kind=Path,
                configures=True,
                doc="The folder of the yearly PAR ranking files (one XLSX per year, as the Department of Home "
                "Affairs sends them).",
                example="/srv/par/inbox/par_ranking",
            ),
        ),
        asset="orchestration.ingestion:par_ranking_landing",
        gate="orchestration.quality_checks:gx_par_ranking",
        freshness=FOUR_AM,
        production_error="PAR_ENV=production but PAR_PAR_RANKING_DIR (the folder of the yearly PAR "
        "ranking files) is not set.",
    ),
    Source(
        budget.SOURCE,
        budget.DATASETS,
        "budget",
        "snapshot",
        _resource("orchestration.sources:BudgetPortalSource"),
        (
            Setting(
                "PAR_BUDGET_PORTAL_URL",
                "budget_portal_url",
                configures=True,
                doc="Budget disclosure portal (công khai ngân sách): the listing at <url>/api/v1/disclosures and "
                "the files it links to (docs/budget_landing.md). Public: no token. Required in production.",
                example="https://stc.khanhhoa.example.gov.vn",
            ),
            Setting(
                "PAR_BUDGET_ALLOWED_HOSTS",
                "budget_allowed_hosts",
                kind=tuple,
                default=(),
                doc="A listed file is downloaded only from the portal's own host; other hosts its listing may "
                "link to (the province's own file server), comma-separated, `host` or `host:port`. "
                "Default: none.",
                example="files.khanhhoa.example.gov.vn",
            ),
        ),
        asset="orchestration.ingestion:budget_landing",
        gate="orchestration.quality_checks:gx_budget",
        freshness=FOUR_AM,
        resource_key="budget_source",
        production_error="PAR_ENV=production but no budget disclosure portal is configured: set "
        "PAR_BUDGET_PORTAL_URL. A production run never falls back to the sandbox.",
    ),
    # The reference files (administrative units, external indices) change when the province or a ministry
    # publishes, not daily: landed whole at every run, no freshness policy.
    Source(
        admin_units.SOURCE,
        admin_units.DATASETS,
        "one_stop_shop",
        "reference_file",
        _resource("orchestration.sources:AdminUnitsSource"),
        (
            Setting(
                "PAR_ADMIN_UNITS_DIR",
                "admin_units_dir",
                kind=Path,
                default=PROJECT_ROOT / "reference",
                doc="Administrative units: the folder holding admin_units.csv and admin_unit_successors.csv "
                "(default ./reference, whose commune lists are SYNTHETIC; docs/admin_units.md says how to "
                "replace them).",
                example="/srv/par/reference",
            ),
        ),
        asset="orchestration.ingestion:admin_units_landing",
        gate="orchestration.quality_checks:gx_admin_units",
    ),
    *(
        Source(
            registry.SOURCE,
            registry.DATASETS,
            "registries",
            "partitioned",
            settings=_api(
                registry.SOURCE,
                registry.SOURCE.upper(),
                f"{what_vi}; without it the embedded sandbox registry is used (never in production).",
                url,
            ),
            api=Api(
                f"connectors.{registry.SOURCE}:{client}",
                f"connectors.{registry.SOURCE}:flatten",
                f"connectors.sandbox.registries_api:start_{registry.SOURCE}_server",
            ),
            validate=_validator("expectations.registries:validate_registry_batch", registry.SOURCE),
            description=f"{what} updated in the partitions' days, as the registry sent them, in append-only "
            f"Parquet: {', '.join(registry.DATASETS)} (docs/registries_landing.md).",
            gate_description=f"Great Expectations on the newly landed {registry.SOURCE} load (every rule exact). "
            "Failing rejects the load (never read by the warehouse) and stops the registries' marts.",
            freshness=FOUR_AM,
            production_error=f"PAR_ENV=production but PAR_{registry.SOURCE.upper()}_URL is not set: a production "
            "run never falls back to the sandbox registries.",
        )
        for registry, client, what, what_vi, url in (
            (
                population_registry,
                "PopulationRegistryClient",
                "Residents per commune-level unit, month, sex and age band",
                "Population registry (residents per commune-level unit and month)",
                "https://dancu.example.gov.vn",
            ),
            (
                business_registry,
                "BusinessRegistryClient",
                "Enterprises and their status changes",
                "Business registry (enterprises and their status changes)",
                "https://dangkykinhdoanh.example.gov.vn",
            ),
        )
    ),
    Source(
        external_indices.SOURCE,
        external_indices.DATASETS,
        "program",
        "reference_file",
        _resource("orchestration.external_indices:ExternalIndicesSource"),
        (
            Setting(
                "PAR_EXTERNAL_INDICES_FILE",
                "external_indices_file",
                kind=Path,
                doc="External indices (PAR Index, PCI, PAPI, ICT Index, DTI, SIPAS): a ministry's CSV or XLSX "
                "file (layout: connectors/external_indices.py). Landed once per distinct file; without one, "
                "the published values in the seed external_indices_published are used (the sandbox writes "
                "a file).",
                example="/srv/par/inbox/chi-so-2025.xlsx",
            ),
        ),
        asset="orchestration.external_indices:external_indices_landing",
        gate="orchestration.external_indices:gx_external_indices",
    ),
)


def source(name: str, sources: tuple[Source, ...] = SOURCES) -> Source:
    for entry in sources:
        if entry.name == name:
            return entry
    raise KeyError(f"{name!r} is not a source of the registry (orchestration/registry.py)")


def family(name: str) -> Family:
    for entry in FAMILIES:
        if entry.name == name:
            return entry
    raise KeyError(f"{name!r} is not a family of the registry (orchestration/registry.py)")


def source_settings(sources: tuple[Source, ...] = SOURCES) -> tuple[Setting, ...]:
    return tuple(s for entry in sources for s in entry.settings)


class DbtSourceError(RuntimeError):
    """A dbt source that is not a registry source: no landing asset, no gate stands before it."""


def check_dbt_sources(manifest: Mapping[str, Any], sources: tuple[Source, ...] = SOURCES) -> None:
    """Every dbt source is a registry source (or the gate's audit records): its name is the landing folder
    and the asset key, so a gate's rejection of its load leaves out the models reading it."""
    names = {entry.name for entry in sources} | {AUDIT_SOURCE}
    problems = sorted(
        {
            f"dbt source {node['source_name']!r} is not a registry source (orchestration/registry.py): "
            "its name is the landing folder and the asset key"
            for node in manifest["sources"].values()
            if node["source_name"] not in names
        }
    )
    if problems:
        raise DbtSourceError("dbt sources without a registry entry:\n  " + "\n  ".join(problems))


__all__ = [
    "AUDIT_SOURCE",
    "BUILT_LANDINGS",
    "FAMILIES",
    "SOURCES",
    "Api",
    "DbtSourceError",
    "Family",
    "Setting",
    "Source",
    "check_dbt_sources",
    "family",
    "load",
    "source",
    "source_settings",
]

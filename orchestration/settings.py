"""Every setting of the platform, read from environment variables with the PAR_ prefix.

`.env.example` at the project root documents each one. Secrets (tokens, the pseudonymisation
key) are read here and handed to the objects that need them; they are never logged or put in
metadata.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
LOCAL_TIMEZONE = "Asia/Ho_Chi_Minh"
PROGRAM_START = "2022-01-01"


class SettingsError(RuntimeError):
    """A setting is missing or contradicts another; the message names the variable to set."""


def _path(name: str, default: Path | None) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _optional_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else None


@dataclass(frozen=True)
class Settings:
    environment: str  # "sandbox" (the embedded default) or "production"
    data_dir: Path
    landing_dir: Path
    warehouse_path: Path
    one_stop_shop_url: str | None
    one_stop_shop_token: str | None = field(repr=False)
    one_stop_shop_export: Path | None
    budget_portal_url: str | None
    pseudonymisation_key: str | None = field(repr=False)
    sandbox_scale: float
    sandbox_seed: int
    sandbox_defect_rate: float
    sandbox_end: date | None
    cadre_url: str | None = None
    cadre_token: str | None = field(default=None, repr=False)
    cadre_export: Path | None = None
    par_ranking_dir: Path | None = None
    http_attempts: int = 6
    http_backoff_seconds: float = 0.5
    http_timeout_seconds: float = 30.0
    http_deadline_seconds: float = 300.0
    http_max_response_bytes: int = 64 * 1024 * 1024
    admin_units_dir: Path = PROJECT_ROOT / "reference"
    population_registry_url: str | None = None
    population_registry_token: str | None = field(default=None, repr=False)
    business_registry_url: str | None = None
    business_registry_token: str | None = field(default=None, repr=False)
    external_indices_file: Path | None = None
    report_dir: Path | None = None

    @property
    def sandbox_sources(self) -> tuple[str, ...]:
        """The sources not configured, which the embedded sandbox stands in for (never in production)."""
        configured = {"one_stop_shop": self.one_stop_shop_url or self.one_stop_shop_export,
                      "cadre": self.cadre_url or self.cadre_export, "par_ranking": self.par_ranking_dir,
                      "budget_disclosures": self.budget_portal_url,
                      "population_registry": self.population_registry_url,
                      "business_registry": self.business_registry_url}
        return tuple(source for source, value in configured.items() if not value)

    def is_sandbox(self, source: str) -> bool:
        return source in self.sandbox_sources

    @property
    def reports_path(self) -> Path:
        """Where the periodic reports are written (PAR_REPORT_DIR, default <data>/reports)."""
        return self.report_dir or self.data_dir / "reports"
    # A source that stays unavailable after the HTTP retries: the landing step is retried this many
    # times, this long apart (a source down for maintenance at night comes back).
    source_retries: int = 2
    source_retry_wait_seconds: float = 600.0
    # Where dbt builds the warehouse: "duckdb" (the file warehouse_path) or "postgres" (PAR_PG_*).
    warehouse_target: str = "duckdb"
    # The analysts' read-only copy of the DuckDB warehouse and its dbt docs (published after each run).
    snapshot_dir: Path | None = None
    # POST a JSON alert here when a run fails (besides the log); unset = log only.
    alert_webhook_url: str | None = field(default=None, repr=False)
    # The PostgreSQL role that analysts log in with (or are granted): it may read the marts, nothing else.
    pg_analyst_role: str = "par_analyst"
    # Hosts besides the budget portal's own that its listing may link files on (`host` or `host:port`).
    budget_allowed_hosts: tuple[str, ...] = ()
    # A second run on the same data folder (and a pull of a source another process is pulling) waits this
    # long for the first, then stops with a message naming it; 0 = refuse at once.
    run_wait_seconds: float = 0.0
    # A run waits this long for the warehouse slot held by another live run, then stops naming that run.
    warehouse_slot_wait_seconds: float = 1800.0

    @property
    def snapshot_path(self) -> Path:
        """The analysts' copy of the warehouse (default <data dir>/snapshot/warehouse.duckdb)."""
        return (self.snapshot_dir or self.data_dir / "snapshot") / "warehouse.duckdb"

    @property
    def uses_sandbox(self) -> bool:
        """The one-stop-shop (the source every mart reads) is the embedded sandbox."""
        return self.is_sandbox("one_stop_shop")

    def validate(self) -> None:
        if self.warehouse_target not in ("duckdb", "postgres"):
            raise SettingsError(f"PAR_WAREHOUSE_TARGET must be 'duckdb' or 'postgres', not {self.warehouse_target!r} "
                                "(the dbt target `spark` is run with dbt itself: docs/scaling.md)")
        if self.warehouse_target == "postgres" and not os.environ.get("PAR_PG_HOST"):
            raise SettingsError("PAR_WAREHOUSE_TARGET=postgres needs PAR_PG_HOST (and PAR_PG_PORT, PAR_PG_USER, "
                                "PAR_PG_PASSWORD, PAR_PG_DATABASE): see .env.example.")
        if self.environment not in ("sandbox", "production"):
            raise SettingsError(f"PAR_ENV must be 'sandbox' or 'production', not {self.environment!r}")
        if self.environment == "production":
            if self.uses_sandbox:
                raise SettingsError(
                    "PAR_ENV=production but no one-stop-shop source is configured: set PAR_ONE_STOP_SHOP_URL "
                    "(and PAR_ONE_STOP_SHOP_TOKEN) or PAR_ONE_STOP_SHOP_EXPORT. A production run never falls "
                    "back to the sandbox.")
            if not self.pseudonymisation_key:
                raise SettingsError("PAR_ENV=production needs PAR_PSEUDONYMISATION_KEY (keep it outside the data directory).")
            if self.is_sandbox("cadre"):
                raise SettingsError(
                    "PAR_ENV=production but no cadre management source is configured: set PAR_CADRE_URL (and "
                    "PAR_CADRE_TOKEN) or PAR_CADRE_EXPORT (the system's XLSX export).")
            if self.is_sandbox("par_ranking"):
                raise SettingsError("PAR_ENV=production but PAR_PAR_RANKING_DIR (the folder of the yearly PAR "
                                    "ranking files) is not set.")
            if self.is_sandbox("budget_disclosures"):
                raise SettingsError(
                    "PAR_ENV=production but no budget disclosure portal is configured: set PAR_BUDGET_PORTAL_URL. "
                    "A production run never falls back to the sandbox.")
            for variable, source in (("PAR_POPULATION_REGISTRY_URL", "population_registry"),
                                     ("PAR_BUSINESS_REGISTRY_URL", "business_registry")):
                if self.is_sandbox(source):
                    raise SettingsError(f"PAR_ENV=production but {variable} is not set: a production run never "
                                        "falls back to the sandbox registries.")

    def export_for_dbt(self) -> None:
        """dbt reads the landing zone and writes the warehouse through these variables."""
        os.environ["PAR_LANDING_DIR"] = str(self.landing_dir)
        os.environ["PAR_WAREHOUSE_PATH"] = str(self.warehouse_path)
        os.environ["PAR_WAREHOUSE_TARGET"] = self.warehouse_target
        os.environ.setdefault("DO_NOT_TRACK", "1")


def load_settings() -> Settings:
    data_dir = _path("PAR_DATA_DIR", PROJECT_ROOT / "data")
    export = os.environ.get("PAR_ONE_STOP_SHOP_EXPORT")
    cadre_export = os.environ.get("PAR_CADRE_EXPORT")
    ranking_dir = os.environ.get("PAR_PAR_RANKING_DIR")
    end = os.environ.get("PAR_SANDBOX_END_DATE")
    settings = Settings(
        environment=os.environ.get("PAR_ENV", "sandbox"),
        data_dir=data_dir,
        landing_dir=_path("PAR_LANDING_DIR", data_dir / "landing"),
        warehouse_path=_path("PAR_WAREHOUSE_PATH", data_dir / "warehouse.duckdb"),
        one_stop_shop_url=os.environ.get("PAR_ONE_STOP_SHOP_URL") or None,
        one_stop_shop_token=os.environ.get("PAR_ONE_STOP_SHOP_TOKEN") or None,
        one_stop_shop_export=Path(export).expanduser().resolve() if export else None,
        budget_portal_url=os.environ.get("PAR_BUDGET_PORTAL_URL") or None,
        pseudonymisation_key=os.environ.get("PAR_PSEUDONYMISATION_KEY") or None,
        sandbox_scale=float(os.environ.get("PAR_SANDBOX_SCALE", "1.0")),
        sandbox_seed=int(os.environ.get("PAR_SANDBOX_SEED", "20220101")),
        sandbox_defect_rate=float(os.environ.get("PAR_SANDBOX_DEFECT_RATE", "0.004")),
        sandbox_end=date.fromisoformat(end) if end else None,
        cadre_url=os.environ.get("PAR_CADRE_URL") or None,
        cadre_token=os.environ.get("PAR_CADRE_TOKEN") or None,
        cadre_export=Path(cadre_export).expanduser().resolve() if cadre_export else None,
        par_ranking_dir=Path(ranking_dir).expanduser().resolve() if ranking_dir else None,
        http_attempts=int(os.environ.get("PAR_HTTP_ATTEMPTS", "6")),
        http_backoff_seconds=float(os.environ.get("PAR_HTTP_BACKOFF_SECONDS", "0.5")),
        http_timeout_seconds=float(os.environ.get("PAR_HTTP_TIMEOUT_SECONDS", "30")),
        http_deadline_seconds=float(os.environ.get("PAR_HTTP_DEADLINE_SECONDS", "300")),
        http_max_response_bytes=int(os.environ.get("PAR_HTTP_MAX_RESPONSE_BYTES", str(64 * 1024 * 1024))),
        admin_units_dir=_path("PAR_ADMIN_UNITS_DIR", PROJECT_ROOT / "reference"),
        population_registry_url=os.environ.get("PAR_POPULATION_REGISTRY_URL") or None,
        population_registry_token=os.environ.get("PAR_POPULATION_REGISTRY_TOKEN") or None,
        business_registry_url=os.environ.get("PAR_BUSINESS_REGISTRY_URL") or None,
        business_registry_token=os.environ.get("PAR_BUSINESS_REGISTRY_TOKEN") or None,
        external_indices_file=_optional_path("PAR_EXTERNAL_INDICES_FILE"),
        report_dir=_optional_path("PAR_REPORT_DIR"),
        source_retries=int(os.environ.get("PAR_SOURCE_RETRIES", "2")),
        source_retry_wait_seconds=float(os.environ.get("PAR_SOURCE_RETRY_WAIT_SECONDS", "600")),
        warehouse_target=os.environ.get("PAR_WAREHOUSE_TARGET", "duckdb"),
        snapshot_dir=_path("PAR_SNAPSHOT_DIR", None),
        alert_webhook_url=os.environ.get("PAR_ALERT_WEBHOOK_URL") or None,
        pg_analyst_role=os.environ.get("PAR_PG_ANALYST_ROLE", "par_analyst"),
        budget_allowed_hosts=tuple(h.strip() for h in os.environ.get("PAR_BUDGET_ALLOWED_HOSTS", "").split(",")
                                   if h.strip()),
        run_wait_seconds=float(os.environ.get("PAR_RUN_WAIT_SECONDS", "0")),
        warehouse_slot_wait_seconds=float(os.environ.get("PAR_WAREHOUSE_SLOT_WAIT_SECONDS", "1800")),
    )
    settings.validate()
    return settings

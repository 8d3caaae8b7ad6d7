"""Every setting of the platform, read from environment variables with the PAR_ prefix.

`.env.example` at the project root documents each one (tests/test_definitions.py checks it against
the variables declared here). The platform's own settings are the fields of `CoreSettings`, each
naming its variable (`field(metadata={"env": ...})`); a source's settings (its URL, token, export
file or folder) are declared with its entry in the source registry (orchestration/registry.py) and
become fields of `Settings` too. pydantic-settings reads and types them all (`load_settings`): a
value of the wrong type is a SettingsError naming the variable.

Secrets (tokens, the pseudonymisation key) are read here and handed to the objects that need them;
they are never logged or put in metadata (their fields are out of the repr, and an invalid secret's
value is never repeated in an error).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, ClassVar, get_args, get_origin, get_type_hints

from pydantic import Field, ValidationError, create_model, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from orchestration.registry import SOURCES, Setting, Source, source_settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
LOCAL_TIMEZONE = "Asia/Ho_Chi_Minh"
PROGRAM_START = "2022-01-01"


# DuckDB's own default is 80% of the RAM and every core: the whole machine, on a shared server.
DUCKDB_MEMORY_LIMIT = "25%"
# What DuckDB's memory_limit accepts: a share of the RAM or a size (1000- or 1024-based units).
DUCKDB_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*(%|[KMGT]i?B)\s*$", re.IGNORECASE)


def default_duckdb_threads() -> int:
    """Half the cores this process may use, at least 2."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 2
    return max(2, cores // 2)


class SettingsError(RuntimeError):
    """A setting is missing or contradicts another; the message names the variable to set."""


def env(variable: str, secret: bool = False, **kwargs) -> Any:
    """A dataclass field read from the environment variable `variable`."""
    return field(metadata={"env": variable, "secret": secret}, repr=not secret, **kwargs)


@dataclass(frozen=True, kw_only=True)
class CoreSettings:
    """The platform's own settings (a source's are declared with its registry entry)."""

    environment: str = env("PAR_ENV", default="sandbox")  # "sandbox" (the embedded default) or "production"
    data_dir: Path = env("PAR_DATA_DIR", default=PROJECT_ROOT / "data")
    landing_dir: Path = env("PAR_LANDING_DIR", default=None)  # default <data dir>/landing
    warehouse_path: Path = env("PAR_WAREHOUSE_PATH", default=None)  # default <data dir>/warehouse.duckdb
    pseudonymisation_key: str | None = env("PAR_PSEUDONYMISATION_KEY", secret=True, default=None)
    sandbox_scale: float = env("PAR_SANDBOX_SCALE", default=1.0)
    sandbox_seed: int = env("PAR_SANDBOX_SEED", default=20220101)
    sandbox_defect_rate: float = env("PAR_SANDBOX_DEFECT_RATE", default=0.004)
    sandbox_end: date | None = env("PAR_SANDBOX_END_DATE", default=None)
    http_attempts: int = env("PAR_HTTP_ATTEMPTS", default=6)
    http_backoff_seconds: float = env("PAR_HTTP_BACKOFF_SECONDS", default=0.5)
    http_timeout_seconds: float = env("PAR_HTTP_TIMEOUT_SECONDS", default=30.0)
    http_deadline_seconds: float = env("PAR_HTTP_DEADLINE_SECONDS", default=300.0)
    http_max_response_bytes: int = env("PAR_HTTP_MAX_RESPONSE_BYTES", default=64 * 1024 * 1024)
    report_dir: Path | None = env("PAR_REPORT_DIR", default=None)
    # The report's A4 PDF beside its HTML, printed by Chromium (skipped, saying so, where none is installed).
    report_pdf: bool = env("PAR_REPORT_PDF", default=True)
    # A CSV file of cadre person codes and names (person_code,full_name), kept outside the warehouse: when
    # set, the report gets a restricted annex naming the officials flagged by T02 (readable by its owner
    # only); never set, the report counts them per agency and title and names no one.
    reidentification_lookup: Path | None = env("PAR_REIDENTIFICATION_LOOKUP", default=None)
    # A source that stays unavailable after the HTTP retries: the landing step is retried this many
    # times, this long apart (a source down for maintenance at night comes back).
    source_retries: int = env("PAR_SOURCE_RETRIES", default=2)
    source_retry_wait_seconds: float = env("PAR_SOURCE_RETRY_WAIT_SECONDS", default=600.0)
    # Where dbt builds the warehouse: "duckdb" (the file warehouse_path), "postgres" (PAR_PG_*) or "spark"
    # (the tables under spark_dir; the profile's PAR_SPARK_* say where Spark runs: docs/scaling.md).
    warehouse_target: str = env("PAR_WAREHOUSE_TARGET", default="duckdb")
    # dbt's data tests in every dbt step (default). Off, the steps build the models only: for a run whose
    # outputs are checked otherwise (the Spark parity test compares every mart with DuckDB's, where they
    # ran), each data test costing a Spark job; never off in production.
    dbt_data_tests: bool = env("PAR_DBT_DATA_TESTS", default=True)
    # The spark target's tables (warehouse/<schema>.db/<table>/, Parquet) and catalog; default <data dir>/spark.
    spark_dir: Path = env("PAR_SPARK_DIR", default=None)
    # The analysts' read-only copy of the DuckDB warehouse and its dbt docs (published after each run).
    snapshot_dir: Path | None = env("PAR_SNAPSHOT_DIR", default=None)
    # POST a JSON alert here when a run fails (besides the log); unset = log only.
    alert_webhook_url: str | None = env("PAR_ALERT_WEBHOOK_URL", secret=True, default=None)
    # The PostgreSQL role that analysts log in with (or are granted): it may read the marts, nothing else.
    pg_analyst_role: str = env("PAR_PG_ANALYST_ROLE", default="par_analyst")
    # A second run on the same data folder (and a pull of a source another process is pulling) waits this
    # long for the first, then stops with a message naming it; 0 = refuse at once.
    run_wait_seconds: float = env("PAR_RUN_WAIT_SECONDS", default=0.0)
    # A run waits this long for the warehouse slot held by another live run, then stops naming that run.
    warehouse_slot_wait_seconds: float = env("PAR_WAREHOUSE_SLOT_WAIT_SECONDS", default=1800.0)
    # DuckDB's memory and threads, for dbt's session and every DuckDB connection of the pipeline's own
    # (orchestration/duckdb_session.py). Above the limit DuckDB spills to disk (beside the warehouse
    # file); the defaults leave room on a shared server: a quarter of the RAM, half the cores (at least 2).
    duckdb_memory_limit: str = env("PAR_DUCKDB_MEMORY_LIMIT", default=DUCKDB_MEMORY_LIMIT)
    duckdb_threads: int = env("PAR_DUCKDB_THREADS", default=None)  # default: half the cores, at least 2

    def __post_init__(self) -> None:
        if self.duckdb_threads is None:
            object.__setattr__(self, "duckdb_threads", default_duckdb_threads())
        if self.landing_dir is None:
            object.__setattr__(self, "landing_dir", self.data_dir / "landing")
        if self.warehouse_path is None:
            object.__setattr__(self, "warehouse_path", self.data_dir / "warehouse.duckdb")
        if self.spark_dir is None:
            object.__setattr__(self, "spark_dir", self.data_dir / "spark")

    # the registry's sources whose settings this class holds (settings_class)
    SOURCES: ClassVar[tuple[Source, ...]] = ()

    @property
    def sandbox_sources(self) -> tuple[str, ...]:
        """The sources not configured, which the embedded sandbox stands in for (never in production): every
        registry source with a setting that configures it (`Setting.configures`) and none of them set."""
        return tuple(
            entry.name
            for entry in self.SOURCES
            if entry.configured_by and not any(getattr(self, a, None) for a in entry.configured_by)
        )

    def is_sandbox(self, source: str) -> bool:
        return source in self.sandbox_sources

    @property
    def reports_path(self) -> Path:
        """Where the periodic reports are written (PAR_REPORT_DIR, default <data>/reports)."""
        return self.report_dir or self.data_dir / "reports"

    @property
    def snapshot_path(self) -> Path:
        """The analysts' copy of the warehouse (default <data dir>/snapshot/warehouse.duckdb)."""
        return (self.snapshot_dir or self.data_dir / "snapshot") / "warehouse.duckdb"

    @property
    def warehouse_location(self) -> Path:
        """Where the steps after dbt read the warehouse (reporting/warehouse.py): the DuckDB file, or the
        folder of the Spark tables' files (`<spark dir>/warehouse`); unused on PostgreSQL."""
        return self.spark_dir / "warehouse" if self.warehouse_target == "spark" else self.warehouse_path

    @property
    def uses_sandbox(self) -> bool:
        """The one-stop-shop (the source every mart reads) is the embedded sandbox."""
        return self.is_sandbox("one_stop_shop")

    def validate(self) -> None:
        if self.warehouse_target not in ("duckdb", "postgres", "spark"):
            raise SettingsError(
                f"PAR_WAREHOUSE_TARGET must be 'duckdb', 'postgres' or 'spark', not {self.warehouse_target!r}"
            )
        if self.warehouse_target == "spark" and not importlib.util.find_spec("dbt.adapters.spark"):
            raise SettingsError(
                "PAR_WAREHOUSE_TARGET=spark needs dbt-spark and pyspark (and Java 17): "
                "`make setup EXTRA_GROUPS=spark` installs them (docs/scaling.md)."
            )
        if self.warehouse_target == "postgres" and not PostgresSettings().host:
            raise SettingsError(
                "PAR_WAREHOUSE_TARGET=postgres needs PAR_PG_HOST (and PAR_PG_PORT, PAR_PG_USER, "
                "PAR_PG_PASSWORD, PAR_PG_DATABASE): see .env.example."
            )
        if not DUCKDB_MEMORY.match(self.duckdb_memory_limit):
            raise SettingsError(
                f"PAR_DUCKDB_MEMORY_LIMIT must be a share of the RAM or a size (25%, 8GiB, 6GB), "
                f"not {self.duckdb_memory_limit!r}"
            )
        if self.duckdb_threads < 1:
            raise SettingsError(f"PAR_DUCKDB_THREADS must be 1 or more, not {self.duckdb_threads}")
        if self.environment not in ("sandbox", "production"):
            raise SettingsError(f"PAR_ENV must be 'sandbox' or 'production', not {self.environment!r}")
        if self.environment == "production":
            # The one-stop-shop (every mart reads it) is named first, then the key, then every other source.
            first, *others = [entry for entry in self.SOURCES if entry.production_error]
            self._refuse_sandbox(first)
            if not self.pseudonymisation_key:
                raise SettingsError(
                    "PAR_ENV=production needs PAR_PSEUDONYMISATION_KEY (keep it outside the data directory)."
                )
            for entry in others:
                self._refuse_sandbox(entry)

    def _refuse_sandbox(self, entry) -> None:
        if self.is_sandbox(entry.name):
            raise SettingsError(entry.production_error)

    def export_for_dbt(self) -> None:
        """dbt reads the landing zone and writes the warehouse through these variables."""
        os.environ["PAR_LANDING_DIR"] = str(self.landing_dir)
        os.environ["PAR_WAREHOUSE_PATH"] = str(self.warehouse_path)
        os.environ["PAR_WAREHOUSE_TARGET"] = self.warehouse_target
        os.environ["PAR_DUCKDB_MEMORY_LIMIT"] = self.duckdb_memory_limit
        os.environ["PAR_DUCKDB_THREADS"] = str(self.duckdb_threads)
        os.environ["PAR_SPARK_DIR"] = str(self.spark_dir)
        os.environ.setdefault("DO_NOT_TRACK", "1")


def _source_field(setting: Setting) -> tuple[str, Any, Any]:
    kind = tuple[str, ...] if setting.kind is tuple else setting.kind
    annotation = kind if setting.default is not None else kind | None
    return (
        setting.attribute,
        annotation,
        field(
            default=setting.default,
            repr=not setting.secret,
            metadata={"env": setting.variable, "secret": setting.secret},
        ),
    )


def settings_class(sources: tuple[Source, ...] = SOURCES) -> type[CoreSettings]:
    """The core settings and those of every source in `sources`, one frozen dataclass (tests and tools
    derive variants with dataclasses.replace)."""
    cls = dataclasses.make_dataclass(
        "Settings",
        [_source_field(s) for s in source_settings(sources)],
        bases=(CoreSettings,),
        frozen=True,
        kw_only=True,
    )
    cls.SOURCES = sources
    cls.__module__ = __name__
    cls.__doc__ = (
        "Every setting: the platform's own (CoreSettings) and each registry source's (orchestration/registry.py)."
    )
    return cls


Settings = settings_class()


def variables(cls: type[CoreSettings] = Settings) -> dict[str, dataclasses.Field]:
    """Every environment variable of the settings `cls`, with its field."""
    return {f.metadata["env"]: f for f in dataclasses.fields(cls) if "env" in f.metadata}


class _FromEnvironment(BaseSettings):
    """The base of the model that reads `Settings` from the environment (an empty variable is unset)."""

    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any, info) -> Any:
        """A list setting is written `a,b,c` (spaces around the commas ignored)."""
        if isinstance(value, str) and _is_tuple(cls.model_fields[info.field_name].annotation):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _resolved_path(cls, value: Any) -> Any:
        return value.expanduser().resolve() if isinstance(value, Path) else value


def _is_tuple(annotation: Any) -> bool:
    return get_origin(annotation) is tuple or any(get_origin(a) is tuple for a in get_args(annotation))


def _environment_model() -> type[BaseSettings]:
    """The pydantic-settings model of every field of `Settings` read from a variable (None when unset)."""
    hints = get_type_hints(Settings)
    fields = {}
    for spec in variables().values():
        annotation = hints[spec.name] | None
        if _is_tuple(annotation):
            annotation = Annotated[annotation, NoDecode]  # comma-separated, not JSON
        fields[spec.name] = (annotation, Field(default=None, validation_alias=spec.metadata["env"]))
    return create_model("SettingsFromEnvironment", __base__=_FromEnvironment, **fields)


SettingsFromEnvironment = _environment_model()


def _invalid(error: ValidationError) -> SettingsError:
    secret = {f.metadata["env"] for f in dataclasses.fields(Settings) if f.metadata.get("secret")}
    lines = []
    for problem in error.errors():
        variable = str(problem["loc"][0]) if problem["loc"] else "?"
        shown = "" if variable in secret else f" (got {problem.get('input')!r})"
        lines.append(f"{variable}: {problem['msg']}{shown}")
    return SettingsError("invalid settings (see .env.example): " + "; ".join(lines))


def load_settings() -> Settings:
    """The settings of this process's environment, checked (`Settings.validate`)."""
    try:
        values = SettingsFromEnvironment().model_dump(exclude_none=True)
    except ValidationError as exc:
        raise _invalid(exc) from None
    settings = Settings(**values)
    settings.validate()
    return settings


class PostgresSettings(BaseSettings):
    """The PostgreSQL server of the `postgres` dbt target (dbt's profiles.yml reads the same PAR_PG_*)."""

    model_config = SettingsConfigDict(env_prefix="PAR_PG_", env_ignore_empty=True, extra="ignore")
    host: str | None = None
    port: int = 5432
    user: str | None = None
    password: str = Field(default="", repr=False)
    database: str | None = None


class ProcessSettings(BaseSettings):
    """Variables of the tools this platform runs (read by them too, so read where they are used)."""

    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore")
    dagster_home: Path | None = Field(default=None, validation_alias="DAGSTER_HOME")

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


def _path(name: str, default: Path) -> Path:
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
    pseudonymisation_key: str | None = field(repr=False)
    sandbox_scale: float
    sandbox_seed: int
    sandbox_defect_rate: float
    sandbox_end: date | None
    http_attempts: int = 6
    http_backoff_seconds: float = 0.5
    http_timeout_seconds: float = 30.0
    external_indices_file: Path | None = None
    report_dir: Path | None = None

    @property
    def reports_path(self) -> Path:
        """Where the periodic reports are written (PAR_REPORT_DIR, default <data>/reports)."""
        return self.report_dir or self.data_dir / "reports"

    @property
    def uses_sandbox(self) -> bool:
        return not (self.one_stop_shop_url or self.one_stop_shop_export)

    def validate(self) -> None:
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

    def export_for_dbt(self) -> None:
        """dbt reads the landing zone and writes the warehouse through these variables."""
        os.environ["PAR_LANDING_DIR"] = str(self.landing_dir)
        os.environ["PAR_WAREHOUSE_PATH"] = str(self.warehouse_path)
        os.environ.setdefault("DO_NOT_TRACK", "1")


def load_settings() -> Settings:
    data_dir = _path("PAR_DATA_DIR", PROJECT_ROOT / "data")
    export = os.environ.get("PAR_ONE_STOP_SHOP_EXPORT")
    end = os.environ.get("PAR_SANDBOX_END_DATE")
    settings = Settings(
        environment=os.environ.get("PAR_ENV", "sandbox"),
        data_dir=data_dir,
        landing_dir=_path("PAR_LANDING_DIR", data_dir / "landing"),
        warehouse_path=_path("PAR_WAREHOUSE_PATH", data_dir / "warehouse.duckdb"),
        one_stop_shop_url=os.environ.get("PAR_ONE_STOP_SHOP_URL") or None,
        one_stop_shop_token=os.environ.get("PAR_ONE_STOP_SHOP_TOKEN") or None,
        one_stop_shop_export=Path(export).expanduser().resolve() if export else None,
        pseudonymisation_key=os.environ.get("PAR_PSEUDONYMISATION_KEY") or None,
        sandbox_scale=float(os.environ.get("PAR_SANDBOX_SCALE", "1.0")),
        sandbox_seed=int(os.environ.get("PAR_SANDBOX_SEED", "20220101")),
        sandbox_defect_rate=float(os.environ.get("PAR_SANDBOX_DEFECT_RATE", "0.004")),
        sandbox_end=date.fromisoformat(end) if end else None,
        http_attempts=int(os.environ.get("PAR_HTTP_ATTEMPTS", "6")),
        http_backoff_seconds=float(os.environ.get("PAR_HTTP_BACKOFF_SECONDS", "0.5")),
        http_timeout_seconds=float(os.environ.get("PAR_HTTP_TIMEOUT_SECONDS", "30")),
        external_indices_file=_optional_path("PAR_EXTERNAL_INDICES_FILE"),
        report_dir=_optional_path("PAR_REPORT_DIR"),
    )
    settings.validate()
    return settings

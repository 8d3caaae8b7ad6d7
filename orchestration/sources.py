"""Where each source's records come from: the real system (API or export file) or the embedded sandbox.

The choice is made once, from settings, and recorded: every landed batch carries the URI it came
from (`_source`), and a sandbox batch says `sandbox://` so it can never pass for real data.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from connectors import admin_units, budget, cadre, file_cursor, one_stop_shop
from connectors.http_session import RetryPolicy, SourceSession, redact_url
from connectors.ingest import PageSource
from connectors.pseudonymise import SANDBOX_KEY, Pseudonymiser
from connectors.records import RecordError
from connectors.sandbox.one_stop_shop_data import SandboxConfig
from orchestration import registry
from orchestration.registry import Api
from orchestration.settings import LOCAL_TIMEZONE, Settings, SettingsError

log = logging.getLogger(__name__)

_sandbox_servers: dict[tuple[str, object], object] = {}
_sandbox_lock = threading.Lock()


def _shared_sandbox(source: str, config, start: Callable):
    """One sandbox per process, source and configuration, started on first use (loopback only)."""
    with _sandbox_lock:
        if (source, config) not in _sandbox_servers:
            log.warning(
                "%s: no real source configured: using the embedded SANDBOX (synthetic data, %s)", source, config
            )
            _sandbox_servers[(source, config)] = start(config)
        return _sandbox_servers[(source, config)]


def sandbox_server(config: SandboxConfig):
    """The sandbox one-stop-shop's server for `config`."""
    from connectors.sandbox.one_stop_shop_api import start_one_stop_shop_server

    return _shared_sandbox(one_stop_shop.SOURCE, config, start_one_stop_shop_server)[0]


def refuse_sandbox_in_production(settings: Settings, source: str) -> None:
    """A production run never falls back to the sandbox, even with settings built by hand."""
    if settings.environment == "production" and settings.is_sandbox(source):
        raise SettingsError(
            f"PAR_ENV=production but the {source.replace('_', '-')} source is not configured: "
            "a production run never falls back to the sandbox (see .env.example)."
        )


def pseudonymiser_for(settings: Settings, source: str) -> Pseudonymiser:
    """The configured key for every source (so a person's key is the same in all of them); the public
    sandbox key only when no key is configured and the source is the sandbox."""
    key = settings.pseudonymisation_key
    sandbox = settings.is_sandbox(source)
    if key and not (key == SANDBOX_KEY and not sandbox):
        return Pseudonymiser(key)
    if sandbox:
        return Pseudonymiser(SANDBOX_KEY)
    if key:
        raise SettingsError("PAR_PSEUDONYMISATION_KEY is the sandbox's public key: a real source needs a secret one.")
    raise SettingsError(
        f"a real {source.replace('_', '-')} source needs PAR_PSEUDONYMISATION_KEY: personal data is "
        "hashed before it lands, and the sandbox key is public."
    )


def _retry(s: Settings) -> RetryPolicy:
    return RetryPolicy(
        attempts=s.http_attempts,
        backoff_seconds=s.http_backoff_seconds,
        timeout_seconds=s.http_timeout_seconds,
        deadline_seconds=s.http_deadline_seconds,
        max_body_bytes=s.http_max_response_bytes,
    )


def _sandbox_kwargs(s: Settings) -> dict:
    kwargs = {"seed": s.sandbox_seed, "scale": s.sandbox_scale, "defect_rate": s.sandbox_defect_rate}
    if s.sandbox_end:
        kwargs["end"] = s.sandbox_end
    return kwargs


@dataclass
class OneStopShopSource:
    settings: Settings
    page_size: int = 1000

    def pseudonymiser(self) -> Pseudonymiser:
        return pseudonymiser_for(self.settings, one_stop_shop.SOURCE)

    def sandbox_config(self) -> SandboxConfig:
        return SandboxConfig(**_sandbox_kwargs(self.settings))

    def describe(self) -> str:
        s = self.settings
        if s.one_stop_shop_export:
            return f"file://{s.one_stop_shop_export}"
        if s.one_stop_shop_url:
            return redact_url(s.one_stop_shop_url)
        c = self.sandbox_config()
        return f"sandbox://one_stop_shop?seed={c.seed}&scale={c.scale}&defect_rate={c.defect_rate}&end={c.end}"

    def fetcher(self, since: datetime, until: datetime) -> PageSource:
        """Pages of payloads updated in [since, until), resumable from a cursor."""
        s = self.settings
        if s.one_stop_shop_export:
            path = s.one_stop_shop_export
            keep = one_stop_shop.in_window(since, until)  # a version it cannot read is landed, for the gate

            def from_export(cursor: str | None):
                found = 0
                for records, position in one_stop_shop.read_export(path, cursor=cursor):
                    found += len(records)
                    yield [r for r in records if keep(r)], position
                if not found and cursor is None and s.environment == "production":
                    raise RecordError(
                        f"{path} holds no record: PAR_ENV=production refuses an empty export (a "
                        "failed export, not a quiet day); the vendor must send it again"
                    )

            return from_export
        retry = _retry(s)
        if s.one_stop_shop_url:
            session = SourceSession(one_stop_shop.SOURCE, s.one_stop_shop_url, s.one_stop_shop_token, retry)
        else:
            from connectors.sandbox.server import SANDBOX_TOKEN

            session = SourceSession(
                one_stop_shop.SOURCE, sandbox_server(self.sandbox_config()).url, SANDBOX_TOKEN, retry
            )
        client = one_stop_shop.OneStopShopClient(session, page_size=self.page_size)
        return lambda cursor: client.pages(since, until, cursor)

    def why_not_resume(self, cursor: str | None) -> str | None:
        """Why an unfinished pull cannot resume at `cursor` (an export file replaced since), or None."""
        path = self.settings.one_stop_shop_export
        return file_cursor.why_not_resume(path, cursor) if path else None

    def flattener(self):
        pseudonymise = self.pseudonymiser()
        return lambda records: one_stop_shop.flatten(records, pseudonymise)

    def pages_read_ahead(self) -> int:
        """Pages fetched ahead while one is landed (`land_pull`): an API's requests overlap the flattening;
        reading an export file is Python work like the flattening, and gains nothing from a thread."""
        return 0 if self.settings.one_stop_shop_export else 1


@dataclass
class ParRankingSource:
    """The folder of yearly PAR ranking files; in the sandbox, the files the sandbox cadre system writes
    into `<data dir>/sandbox/par_ranking` (the Department of Home Affairs' decisions, one per year)."""

    settings: Settings

    def directory(self) -> Path:
        s = self.settings
        if s.par_ranking_dir:
            return s.par_ranking_dir
        refuse_sandbox_in_production(s, cadre.RANKING_SOURCE)
        from connectors.sandbox.cadre_api import write_ranking_files

        folder = s.data_dir / "sandbox" / cadre.RANKING_SOURCE
        _, api = CadreSource(s).sandbox()
        written = set(write_ranking_files(api.sandbox, folder))
        for stale in set(folder.glob("*.xlsx")) - written:  # a year the sandbox's clock no longer reaches
            stale.unlink()
        return folder

    def describe(self) -> str:
        s = self.settings
        if s.par_ranking_dir:
            return f"file://{s.par_ranking_dir}"
        c = CadreSource(s).sandbox_config()
        return f"sandbox://par_ranking?seed={c.seed}&end={c.end}"

    def fetcher(self) -> PageSource:
        folder = self.directory()
        return lambda cursor: cadre.read_ranking_files(folder)

    def flattener(self):
        return cadre.flatten_rankings


def budget_portal_server(clock: date, seed: int):
    """The sandbox budget portal publishing what was published by `clock`."""
    from connectors.sandbox.budget_portal import start_budget_portal

    return _shared_sandbox(budget.SOURCE, (clock, seed), lambda key: start_budget_portal(*key))[0]


@dataclass
class BudgetPortalSource:
    settings: Settings

    @property
    def uses_sandbox(self) -> bool:
        return self.settings.is_sandbox(budget.SOURCE)

    def sandbox_clock(self) -> date:
        return self.settings.sandbox_end or datetime.now(ZoneInfo(LOCAL_TIMEZONE)).date()

    def describe(self) -> str:
        if self.settings.budget_portal_url:
            return redact_url(self.settings.budget_portal_url)
        return f"sandbox://budget_disclosures?seed={self.settings.sandbox_seed}&clock={self.sandbox_clock()}"

    def client(self) -> budget.BudgetPortalClient:
        s = self.settings
        refuse_sandbox_in_production(s, budget.SOURCE)
        retry = _retry(s)
        url = s.budget_portal_url or budget_portal_server(self.sandbox_clock(), s.sandbox_seed).url
        return budget.BudgetPortalClient(SourceSession(budget.SOURCE, url, None, retry), s.budget_allowed_hosts)


@dataclass
class ApiSource:
    """A source read from its API (PAR_<SOURCE>_URL / _TOKEN), its export file (PAR_<SOURCE>_EXPORT, when its
    `Api` names a reader) or, with neither, its embedded sandbox: the registries, the cadre system, and any
    source whose registry entry gives an `Api` (its client, flattener, sandbox, export reader and whether it
    carries personal data, orchestration/registry.py). `fetcher(since, until)` for a partitioned source,
    `fetcher(as_of)` for a snapshot: the window is handed to the client's `pages` as it is."""

    settings: Settings
    source: str
    api: Api | None = None  # default: the registry entry's

    def __post_init__(self) -> None:
        if self.api is None:
            self.api = registry.source(self.source).api

    @property
    def url(self) -> str | None:
        return getattr(self.settings, f"{self.source}_url", None)

    @property
    def export(self) -> Path | None:
        """The export file to read (PAR_<SOURCE>_EXPORT), if the source has one and it is set."""
        return getattr(self.settings, f"{self.source}_export", None) if self.api.export else None

    def sandbox_config(self):
        return registry.load(self.api.sandbox_config)(**_sandbox_kwargs(self.settings))

    def describe(self) -> str:
        if self.export:
            return f"file://{self.export}"
        if self.url:
            return redact_url(self.url)
        c = self.sandbox_config()
        return f"sandbox://{self.source}?" + "&".join(f"{f}={getattr(c, f)}" for f in self.api.sandbox_uri)

    def sandbox(self):
        """(server, sandbox) of the source's embedded sandbox, one per process and configuration."""
        start = registry.load(self.api.sandbox)
        config = self.sandbox_config()
        if "units_dir" not in inspect.signature(start).parameters:  # a sandbox drawn without the unit file
            return _shared_sandbox(self.source, config, start)
        units_dir = self.settings.admin_units_dir
        return _shared_sandbox(self.source, (config, units_dir), lambda key: start(key[0], units_dir=key[1]))

    def fetcher(self, *window) -> PageSource:
        """Pages of the source for `window` ((since, until), or (as_of,) for a snapshot), resumable from a
        cursor; an export file is read whole whatever the window (it stands at its own date)."""
        from connectors.sandbox.server import SANDBOX_TOKEN

        if self.export:
            path, read_export = self.export, registry.load(self.api.export)
            return lambda cursor: read_export(path, cursor=cursor)
        if self.url:
            session = SourceSession(
                self.source, self.url, getattr(self.settings, f"{self.source}_token", None), _retry(self.settings)
            )
        else:
            refuse_sandbox_in_production(self.settings, self.source)
            server, _ = self.sandbox()
            session = SourceSession(self.source, server.url, SANDBOX_TOKEN, _retry(self.settings))
        page_size = {"page_size": self.api.page_size} if self.api.page_size else {}
        client = registry.load(self.api.client)(session, **page_size)
        return lambda cursor: client.pages(*window, cursor)

    def why_not_resume(self, cursor: str | None) -> str | None:
        """Why an unfinished pull cannot resume at `cursor` (an export file replaced since), or None."""
        return file_cursor.why_not_resume(self.export, cursor) if self.export else None

    def pseudonymiser(self) -> Pseudonymiser:
        return pseudonymiser_for(self.settings, self.source)

    def flattener(self):
        flatten = registry.load(self.api.flatten)
        if not self.api.personal:
            return flatten
        pseudonymise = self.pseudonymiser()
        return lambda records: flatten(records, pseudonymise)


@dataclass
class CadreSource(ApiSource):
    """The cadre management system (its API, its XLSX export, or the sandbox's API): the generic resource
    of its registry entry, under the name callers know. A snapshot source: every pull lands the whole
    system as it stood on a day (docs/cadre_landing.md)."""

    source: str = cadre.SOURCE


RegistrySource = ApiSource  # the name the registries' resources had


@dataclass
class AdminUnitsSource:
    """The administrative-unit reference file (PAR_ADMIN_UNITS_DIR)."""

    settings: Settings

    @property
    def folder(self):
        return self.settings.admin_units_dir

    def describe(self) -> str:
        return admin_units.describe(self.folder)

    def fetcher(self) -> PageSource:
        return lambda cursor: admin_units.pages(self.folder)

    def flattener(self):
        return admin_units.flatten


__all__ = [
    "AdminUnitsSource",
    "ApiSource",
    "BudgetPortalSource",
    "CadreSource",
    "OneStopShopSource",
    "ParRankingSource",
    "RegistrySource",
    "pseudonymiser_for",
    "sandbox_server",
]

"""Where each source's records come from: the real system (API or export file) or the embedded sandbox.

The choice is made once, from settings, and recorded: every landed batch carries the URI it came
from (`_source`), and a sandbox batch says `sandbox://` so it can never pass for real data.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from connectors import admin_units, business_registry, one_stop_shop, population_registry
from connectors.http_session import RetryPolicy, SourceSession, redact_url
from connectors.ingest import PageSource
from connectors.pseudonymise import SANDBOX_KEY, Pseudonymiser
from connectors.sandbox.one_stop_shop_data import SandboxConfig
from orchestration.settings import Settings, SettingsError

log = logging.getLogger(__name__)

_sandbox_servers: dict[SandboxConfig, object] = {}
_sandbox_lock = threading.Lock()


def sandbox_server(config: SandboxConfig):
    """One sandbox server per process and configuration, started on first use (loopback only)."""
    from connectors.sandbox.one_stop_shop_api import start_one_stop_shop_server

    with _sandbox_lock:
        if config not in _sandbox_servers:
            log.warning("one_stop_shop: no PAR_ONE_STOP_SHOP_URL or export set: using the embedded SANDBOX "
                        "(synthetic data, seed %s, scale %s)", config.seed, config.scale)
            _sandbox_servers[config], _ = start_one_stop_shop_server(config)
        return _sandbox_servers[config]


@dataclass
class OneStopShopSource:
    settings: Settings
    page_size: int = 1000

    def pseudonymiser(self) -> Pseudonymiser:
        key = self.settings.pseudonymisation_key
        if key and not (key == SANDBOX_KEY and not self.settings.uses_sandbox):
            return Pseudonymiser(key)
        if self.settings.uses_sandbox:
            return Pseudonymiser(SANDBOX_KEY)
        if key:
            raise SettingsError("PAR_PSEUDONYMISATION_KEY is the sandbox's public key: a real source needs a secret one.")
        raise SettingsError("a real one-stop-shop source needs PAR_PSEUDONYMISATION_KEY: personal data is "
                            "hashed before it lands, and the sandbox key is public.")

    def sandbox_config(self) -> SandboxConfig:
        s = self.settings
        kwargs = {"seed": s.sandbox_seed, "scale": s.sandbox_scale, "defect_rate": s.sandbox_defect_rate}
        if s.sandbox_end:
            kwargs["end"] = s.sandbox_end
        return SandboxConfig(**kwargs)

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
            lo, hi = one_stop_shop.format_time(since), one_stop_shop.format_time(until - timedelta(seconds=1))

            def from_export(cursor: str | None):
                for records, position in one_stop_shop.read_export(path, skip_lines=int(cursor or 0)):
                    # A record without its version cannot be placed in a window: land it, and the
                    # gate's key checks reject the load loudly instead of it vanishing here.
                    yield [r for r in records if not r.get("NgayCapNhat") or lo <= str(r["NgayCapNhat"]) <= hi], position
            return from_export
        retry = _retry(s)
        if s.one_stop_shop_url:
            session = SourceSession(one_stop_shop.SOURCE, s.one_stop_shop_url, s.one_stop_shop_token, retry)
        else:
            from connectors.sandbox.server import SANDBOX_TOKEN
            session = SourceSession(one_stop_shop.SOURCE, sandbox_server(self.sandbox_config()).url, SANDBOX_TOKEN, retry)
        client = one_stop_shop.OneStopShopClient(session, page_size=self.page_size)
        return lambda cursor: client.pages(since, until, cursor)

    def flattener(self):
        pseudonymise = self.pseudonymiser()
        return lambda records: one_stop_shop.flatten(records, pseudonymise)


def _retry(settings: Settings) -> RetryPolicy:
    return RetryPolicy(attempts=settings.http_attempts, backoff_seconds=settings.http_backoff_seconds,
                       timeout_seconds=settings.http_timeout_seconds)


@dataclass(frozen=True)
class RegistryKind:
    """What differs between the registries: their client, their flattener, their sandbox."""
    source: str
    client: type
    flatten: object
    start_sandbox: str  # function name in connectors.sandbox.registries_api


REGISTRIES = {
    population_registry.SOURCE: RegistryKind(population_registry.SOURCE, population_registry.PopulationRegistryClient,
                                             population_registry.flatten, "start_population_registry_server"),
    business_registry.SOURCE: RegistryKind(business_registry.SOURCE, business_registry.BusinessRegistryClient,
                                           business_registry.flatten, "start_business_registry_server"),
}
_registry_servers: dict[tuple, object] = {}


@dataclass
class RegistrySource:
    """A registry's API (PAR_<SOURCE>_URL / _TOKEN) or, without one, its embedded sandbox."""
    settings: Settings
    source: str

    @property
    def kind(self) -> RegistryKind:
        return REGISTRIES[self.source]

    @property
    def url(self) -> str | None:
        return getattr(self.settings, f"{self.source}_url")

    def sandbox_config(self) -> SandboxConfig:
        return OneStopShopSource(self.settings).sandbox_config()

    def describe(self) -> str:
        if self.url:
            return redact_url(self.url)
        c = self.sandbox_config()
        return f"sandbox://{self.source}?seed={c.seed}&scale={c.scale}&end={c.end}"

    def _sandbox_url(self) -> str:
        from connectors.sandbox import registries_api

        key = (self.source, self.sandbox_config(), self.settings.admin_units_dir)
        with _sandbox_lock:
            if key not in _registry_servers:
                log.warning("%s: no PAR_%s_URL set: using the embedded SANDBOX (synthetic data)", self.source,
                            self.source.upper())
                start = getattr(registries_api, self.kind.start_sandbox)
                _registry_servers[key], _ = start(self.sandbox_config(), units_dir=self.settings.admin_units_dir)
            return _registry_servers[key].url

    def fetcher(self, since: datetime, until: datetime) -> PageSource:
        from connectors.sandbox.server import SANDBOX_TOKEN

        if self.url:
            session = SourceSession(self.source, self.url, getattr(self.settings, f"{self.source}_token"),
                                    _retry(self.settings))
        else:
            session = SourceSession(self.source, self._sandbox_url(), SANDBOX_TOKEN, _retry(self.settings))
        client = self.kind.client(session)
        return lambda cursor: client.pages(since, until, cursor)

    def flattener(self):
        return self.kind.flatten


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


__all__ = ["AdminUnitsSource", "OneStopShopSource", "RegistrySource", "sandbox_server"]

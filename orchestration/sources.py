"""Where each source's records come from: the real system (API or export file) or the embedded sandbox.

The choice is made once, from settings, and recorded: every landed batch carries the URI it came
from (`_source`), and a sandbox batch says `sandbox://` so it can never pass for real data.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from connectors import budget, one_stop_shop
from connectors.http_session import RetryPolicy, SourceSession, redact_url
from connectors.ingest import PageSource
from connectors.pseudonymise import SANDBOX_KEY, Pseudonymiser
from connectors.sandbox.one_stop_shop_data import SandboxConfig
from orchestration.settings import LOCAL_TIMEZONE, Settings, SettingsError

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
        retry = RetryPolicy(attempts=s.http_attempts, backoff_seconds=s.http_backoff_seconds,
                            timeout_seconds=s.http_timeout_seconds)
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


_budget_portals: dict[tuple, object] = {}


def budget_portal_server(clock: date, seed: int):
    """One sandbox budget portal per process, clock and seed, started on first use (loopback only)."""
    from connectors.sandbox.budget_portal import start_budget_portal

    with _sandbox_lock:
        if (clock, seed) not in _budget_portals:
            log.warning("budget_disclosures: no PAR_BUDGET_PORTAL_URL set: using the embedded SANDBOX portal "
                        "(synthetic disclosures published by %s)", clock)
            _budget_portals[(clock, seed)], _ = start_budget_portal(clock, seed)
        return _budget_portals[(clock, seed)]


@dataclass
class BudgetPortalSource:
    settings: Settings

    @property
    def uses_sandbox(self) -> bool:
        return not self.settings.budget_portal_url

    def sandbox_clock(self) -> date:
        return self.settings.sandbox_end or datetime.now(ZoneInfo(LOCAL_TIMEZONE)).date()

    def describe(self) -> str:
        if self.settings.budget_portal_url:
            return redact_url(self.settings.budget_portal_url)
        return f"sandbox://budget_disclosures?seed={self.settings.sandbox_seed}&clock={self.sandbox_clock()}"

    def client(self) -> budget.BudgetPortalClient:
        s = self.settings
        if s.environment == "production" and self.uses_sandbox:
            raise SettingsError("PAR_ENV=production needs PAR_BUDGET_PORTAL_URL: a production run never crawls the sandbox.")
        retry = RetryPolicy(attempts=s.http_attempts, backoff_seconds=s.http_backoff_seconds,
                            timeout_seconds=s.http_timeout_seconds)
        url = s.budget_portal_url or budget_portal_server(self.sandbox_clock(), s.sandbox_seed).url
        return budget.BudgetPortalClient(SourceSession(budget.SOURCE, url, None, retry))


__all__ = ["BudgetPortalSource", "OneStopShopSource", "budget_portal_server", "sandbox_server"]

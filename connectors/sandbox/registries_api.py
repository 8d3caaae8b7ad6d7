"""The sandbox population and business registries' APIs, each on its own loopback SandboxServer."""

from __future__ import annotations

from pathlib import Path

from connectors.business_registry import ENTERPRISES_PATH
from connectors.population_registry import RESIDENTS_PATH
from connectors.sandbox import reference
from connectors.sandbox.business_registry_data import BusinessRegistrySandbox
from connectors.sandbox.one_stop_shop_data import SandboxConfig
from connectors.sandbox.population_registry_data import PopulationRegistrySandbox
from connectors.sandbox.server import SANDBOX_TOKEN, SandboxServer
from connectors.sandbox.versioned_api import VersionedListing


def population_routes(sandbox: PopulationRegistrySandbox) -> dict:
    return {RESIDENTS_PATH: VersionedListing(sandbox.cells, sandbox.config.clock).list}


def business_routes(sandbox: BusinessRegistrySandbox) -> dict:
    return {ENTERPRISES_PATH: VersionedListing(sandbox.enterprises, sandbox.config.clock).list}


def start_population_registry_server(
    config: SandboxConfig | None = None,
    token: str = SANDBOX_TOKEN,
    port: int = 0,
    units_dir: Path = reference.REFERENCE_DIR,
):
    sandbox = PopulationRegistrySandbox(config, units_dir)
    return SandboxServer(population_routes(sandbox), token=token, port=port).start(), sandbox


def start_business_registry_server(
    config: SandboxConfig | None = None,
    token: str = SANDBOX_TOKEN,
    port: int = 0,
    units_dir: Path = reference.REFERENCE_DIR,
):
    sandbox = BusinessRegistrySandbox(config, units_dir)
    return SandboxServer(business_routes(sandbox), token=token, port=port).start(), sandbox

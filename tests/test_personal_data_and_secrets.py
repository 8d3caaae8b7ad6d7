"""No raw personal identifier and no secret anywhere: landing zone, warehouse, run history, logs.

One run of the whole pipeline against the sandbox served as if it were the real system (its own
URL, a bearer token and a pseudonymisation key that are not the sandbox's), with the Dagster run
history kept in the data directory like `make run` does. Then every landed Parquet file, every
table of every schema of the warehouse, every event of the run and everything printed or logged
is searched for the generator's raw applicant ID numbers and names, officials' names, the token
and the key.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import os
import re
import sys
import tempfile
import unicodedata
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, serialize_value

from connectors.http_session import SourceResponseError, SourceSession
from connectors.ingest import land_pull
from connectors.landing import LandingZone
from connectors.one_stop_shop import SOURCE, OneStopShopClient, flatten
from connectors.pseudonymise import KEY_STATE, SANDBOX_KEY, Pseudonymiser
from connectors.sandbox.cadre_api import start_cadre_server, write_ranking_files
from connectors.sandbox.cadre_data import CadreConfig, CadreSandbox
from connectors.sandbox.one_stop_shop_api import start_one_stop_shop_server
from connectors.sandbox.one_stop_shop_data import OneStopShopSandbox, SandboxConfig
from connectors.sandbox.procedure_catalogue_api import start_procedure_catalogue_server
from connectors.sandbox.registries_api import start_business_registry_server, start_population_registry_server
from orchestration.cli import run_pipeline
from orchestration.settings import SettingsError, load_settings
from orchestration.sources import OneStopShopSource, budget_portal_server

TOKEN = "s3cr3t-token-XYZ"
KEY = "pseudo-KEY-9f8e7d6c5b4a-not-the-sandbox-one"
START, END = date(2022, 1, 1), date(2022, 2, 28)
CONFIG = SandboxConfig(seed=7, scale=0.3, end=END, defect_rate=0.004)
# The cadre system at the same seed and scale, with a clock late enough to hold appraisals and rankings.
CADRE_CONFIG = CadreConfig(seed=7, scale=0.3, end=date(2024, 3, 31), defect_rate=0.004)


def settings_for(data_dir: Path, **overrides):
    values = dict(
        data_dir=data_dir,
        landing_dir=data_dir / "landing",
        warehouse_path=data_dir / "warehouse.duckdb",
        one_stop_shop_url=None,
        one_stop_shop_token=None,
        one_stop_shop_export=None,
        pseudonymisation_key=None,
        sandbox_seed=CONFIG.seed,
        sandbox_scale=CONFIG.scale,
        sandbox_end=CONFIG.end,
        sandbox_defect_rate=CONFIG.defect_rate,
    )
    return dataclasses.replace(load_settings(), **{**values, **overrides})


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a record whose args do not format: keep what it has
            text = f"{record.msg!r} {record.args!r}"
        self.lines.append(f"{record.name} {record.levelname} {text} {record.exc_text or ''}")


@contextlib.contextmanager
def everything_printed_or_logged():
    """Python logging at DEBUG (urllib3 logs every URL), sys.stdout/stderr, and fds 1 and 2 (subprocesses)."""
    handler, out = _Records(), io.StringIO()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    raw = tempfile.TemporaryFile()
    sys.stdout.flush(), sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    os.dup2(raw.fileno(), 1), os.dup2(raw.fileno(), 2)
    captured: list[str] = []
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            yield captured
    finally:
        os.dup2(saved[0], 1), os.dup2(saved[1], 2)
        os.close(saved[0]), os.close(saved[1])
        root.removeHandler(handler)
        root.setLevel(old_level)
        raw.seek(0)
        captured += [out.getvalue(), raw.read().decode("utf-8", "replace"), *handler.lines]
        raw.close()


def run_and_record(settings, start=START, end=END):
    """Run the pipeline with its history in <data_dir>/dagster_home; return the result, every
    event log entry (serialised as the run storage keeps it) and what was printed or logged."""
    home = settings.data_dir / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    with everything_printed_or_logged() as printed:
        instance = DagsterInstance.local_temp(str(home), overrides={"telemetry": {"enabled": False}})
        result = run_pipeline(start, end, settings, instance=instance)
    with DagsterInstance.local_temp(str(home), overrides={"telemetry": {"enabled": False}}) as instance:
        entries = instance.all_logs(result.run_id)
        events = [str(e) for e in entries] + [serialize_value(e) for e in entries]
        events += [str(e) for e in result.all_events]
        run = instance.get_run_by_id(result.run_id)
        events.append(serialize_value(run))
    assert len(entries) > 20, "the run's event log should have been read back"
    return result, events, printed


# -- what the sandbox generated: the raw values that must never appear ----------------------------


def raw_people(config: SandboxConfig) -> tuple[set[str], set[str]]:
    truth = OneStopShopSandbox(config)
    ids = {d.applicant_id for d in truth.dossiers}
    names = {d.applicant_name for d in truth.dossiers}
    for profile in truth.profiles:
        names |= {o.name for o in profile.clerks + profile.specialists + profile.leaders}
    cadre = CadreSandbox(CADRE_CONFIG)  # every person of the cadre system: names and citizen ID numbers
    return ids | {e.id_number for e in cadre.employments}, names | {e.name for e in cadre.employments}


def raw_accounts() -> set[str]:
    """The officials' one-stop-shop accounts, as both sandboxes send them (steps and cadre persons)."""
    cadre = CadreSandbox(CADRE_CONFIG)
    return {a for e in cadre.employments for a in e.accounts}


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold())


class PersonalDataScanner:
    """Finds raw ID numbers (the generator's, and any 9- or 12-digit value) and full names in text."""

    def __init__(self, ids: set[str], names: set[str], accounts: set[str] = frozenset()):
        self.ids = ids
        self.raw_names = names
        self.accounts = {a.casefold() for a in accounts}
        # what the same values look like once pseudonymised with the run's key: proof that a scan
        # looked where the raw values would have been
        p = Pseudonymiser(KEY)
        self.hashes = {p(v) for v in ids | names}
        self.names = {tuple(_tokens(n)) for n in names}
        self.sizes = sorted({len(n) for n in self.names})
        assert min(self.sizes) >= 3, "every generated name has at least three words"

    def problems(self, value: str) -> list[str]:
        found = []
        if re.fullmatch(r"\d{9}|\d{12}", value.strip()):
            found.append("a 9- or 12-digit value (an ID number?)")
        found += [f"raw ID {run}" for run in re.findall(r"(?<!\d)\d{9,12}(?!\d)", value) if run in self.ids]
        found += [f"raw account {word!r}" for word in re.findall(r"[\w.]+", value.casefold()) if word in self.accounts]
        words = _tokens(value)
        for size in self.sizes:
            found += [
                f"name {' '.join(words[i : i + size])!r}"
                for i in range(len(words) - size + 1)
                if tuple(words[i : i + size]) in self.names
            ]
        return found


def distinct_values(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, set[str]]:
    """Every distinct value of every column of a relation, as text."""
    columns = [c[0] for c in con.execute(f"describe select * from {relation}").fetchall()]
    out = {}
    for column in columns:
        rows = con.execute(f'select distinct cast("{column}" as varchar) from {relation}').fetchall()
        out[column] = {r[0] for r in rows if r[0] is not None}
    return out


def warehouse_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("""select table_schema, table_name from information_schema.tables
                          where table_catalog = current_database()
                            and table_schema not in ('information_schema', 'pg_catalog')
                          order by 1, 2""").fetchall()
    return [f'"{schema}"."{name}"' for schema, name in rows]


def text_of_files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- the run --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_like_run(tmp_path_factory):
    server, _ = start_one_stop_shop_server(CONFIG, token=TOKEN)
    cadre_server, cadre_api = start_cadre_server(CADRE_CONFIG, token=TOKEN)
    population, _ = start_population_registry_server(CONFIG, token=TOKEN)
    business, _ = start_business_registry_server(CONFIG, token=TOKEN)
    catalogue, _ = start_procedure_catalogue_server(CONFIG, token=TOKEN)
    try:
        data_dir = tmp_path_factory.mktemp("data")
        inbox = tmp_path_factory.mktemp("inbox")
        assert write_ranking_files(cadre_api.sandbox, inbox)
        settings = settings_for(
            data_dir,
            environment="production",
            one_stop_shop_url=server.url,
            one_stop_shop_token=TOKEN,
            pseudonymisation_key=KEY,
            cadre_url=cadre_server.url,
            cadre_token=TOKEN,
            par_ranking_dir=inbox,
            budget_portal_url=budget_portal_server(CONFIG.end, CONFIG.seed).url,
            population_registry_url=population.url,
            population_registry_token=TOKEN,
            business_registry_url=business.url,
            business_registry_token=TOKEN,
            procedure_catalogue_url=catalogue.url,
            procedure_catalogue_token=TOKEN,
        )
        settings.validate()
        result, events, printed = run_and_record(settings)
        from orchestration.alerts import failure_reasons

        assert result.success, (
            f"the pipeline failed against the sandbox served as a real source: {failure_reasons(result.all_events)}"
        )
        yield settings, server, events, printed
    finally:
        for running in (server, cadre_server, population, business, catalogue):
            running.stop()


@pytest.fixture(scope="module")
def raw(real_like_run):
    ids, names = raw_people(CONFIG)
    assert len(ids) > 1000 and len(names) > 1000
    accounts = raw_accounts()
    assert len(accounts) > 300
    return PersonalDataScanner(ids, names, accounts)


def test_the_scanner_finds_what_it_looks_for(raw):
    some_id, some_name = sorted(raw.ids)[0], " ".join(sorted(raw.names)[0])
    assert raw.problems(some_id) and raw.problems(f'{{"x": "{some_id}"}}')
    assert raw.problems(f"Hồ sơ của {unicodedata.normalize('NFD', some_name.upper())}, đã trả")
    assert raw.problems("123456789") and raw.problems("000000000000")
    assert not raw.problems(Pseudonymiser(KEY)(some_name)) and not raw.problems("20220110081500")
    assert any(i.startswith("42") and len(i) == 10 for i in raw.ids), (
        "enterprise IDs are 10 digits: the regex alone misses them"
    )
    some_account = sorted(raw.accounts)[0]
    assert raw.problems(some_account.upper()) and raw.problems(f"{some_account}; other")
    assert not raw.problems(Pseudonymiser(KEY)(some_account))


def test_no_landed_file_holds_a_raw_personal_identifier(real_like_run, raw):
    settings = real_like_run[0]
    files = sorted(settings.landing_dir.rglob("*.parquet"))
    datasets = {p.relative_to(settings.landing_dir).parts[1] for p in files if p.parts[-4] == SOURCE}
    assert {"dossiers", "process_steps", "fees", "documents"} <= datasets
    con = duckdb.connect()
    problems, seen = [], set()
    for path in files:
        for column, values in distinct_values(con, f"read_parquet('{path}')").items():
            seen |= values
            problems += [
                f"{path.relative_to(settings.landing_dir)} {column}: {p}" for v in values for p in raw.problems(v)
            ]
    assert not problems, problems[:20]
    assert len(seen & raw.hashes) > 0.9 * len(raw.hashes), "the scan saw the personal fields, pseudonymised"
    # the personal fields are there, as keyed hashes of the raw values
    first = con.execute(
        f"select ChuHoSo, SoGiayToChuHoSo from read_parquet('{settings.landing_dir}/{SOURCE}/dossiers/*/*.parquet') "
        "where ChuHoSo is not null limit 1"
    ).fetchone()
    assert all(re.fullmatch(r"[0-9a-f]{32}", v) for v in first)


def test_no_warehouse_table_holds_a_raw_personal_identifier(real_like_run, raw):
    settings = real_like_run[0]
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    relations = warehouse_relations(con)
    schemas = {r.split(".")[0].strip('"') for r in relations}
    assert {"staging", "intermediate", "marts", "reference", "audit"} <= schemas
    problems, seen = [], set()
    for relation in relations:
        for column, values in distinct_values(con, relation).items():
            seen |= values
            problems += [f"{relation}.{column}: {p}" for v in values for p in raw.problems(v)]
    assert not problems, problems[:20]
    assert len(seen & raw.hashes) > 0.5 * len(raw.hashes), "the scan saw the personal fields, pseudonymised"
    officials = con.execute("select distinct official_key from marts.mart_official_performance").fetchall()
    assert officials and all(re.fullmatch(r"[0-9a-f]{32}", k) for (k,) in officials)


def test_no_event_or_log_line_holds_a_raw_personal_identifier(real_like_run, raw):
    _, _, events, printed = real_like_run
    problems = [p for text in events + printed for line in text.splitlines() for p in raw.problems(line)]
    assert not problems, problems[:20]


# -- the key: required outside the sandbox, never beside the data -----------------------------------


def test_production_without_a_key_is_refused(monkeypatch, tmp_path):
    for name in [n for n in os.environ if n.startswith("PAR_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PAR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PAR_ENV", "production")
    monkeypatch.setenv("PAR_ONE_STOP_SHOP_URL", "https://motcua.example.gov.vn")
    monkeypatch.setenv("PAR_ONE_STOP_SHOP_TOKEN", TOKEN)
    with pytest.raises(SettingsError, match="PAR_PSEUDONYMISATION_KEY") as caught:
        load_settings()
    assert TOKEN not in str(caught.value)
    monkeypatch.delenv("PAR_ONE_STOP_SHOP_URL")
    monkeypatch.setenv("PAR_ONE_STOP_SHOP_EXPORT", str(tmp_path / "export.ndjson"))
    with pytest.raises(SettingsError, match="PAR_PSEUDONYMISATION_KEY"):
        load_settings()
    monkeypatch.setenv("PAR_PSEUDONYMISATION_KEY", KEY)
    with pytest.raises(SettingsError, match="PAR_PROCEDURE_CATALOGUE_URL"):
        load_settings()
    monkeypatch.setenv("PAR_PROCEDURE_CATALOGUE_URL", "https://dichvucong.example.gov.vn")
    with pytest.raises(SettingsError, match="PAR_CADRE_URL"):
        load_settings()
    monkeypatch.setenv("PAR_CADRE_EXPORT", str(tmp_path / "canbo.xlsx"))
    with pytest.raises(SettingsError, match="PAR_PAR_RANKING_DIR"):
        load_settings()
    monkeypatch.setenv("PAR_PAR_RANKING_DIR", str(tmp_path / "ranking"))
    with pytest.raises(SettingsError, match="PAR_BUDGET_PORTAL_URL"):
        load_settings()
    monkeypatch.setenv("PAR_BUDGET_PORTAL_URL", "https://stc.example.gov.vn")
    with pytest.raises(SettingsError, match="PAR_POPULATION_REGISTRY_URL is not set"):
        load_settings()  # production never falls back to the sandbox registries either
    monkeypatch.setenv("PAR_POPULATION_REGISTRY_URL", "https://dancu.example.gov.vn")
    monkeypatch.setenv("PAR_BUSINESS_REGISTRY_URL", "https://dkkd.example.gov.vn")
    assert load_settings().pseudonymisation_key == KEY


def test_a_real_source_without_a_key_cannot_pseudonymise(tmp_path):
    for source in (
        dict(one_stop_shop_url="https://motcua.example.gov.vn", one_stop_shop_token=TOKEN),
        dict(one_stop_shop_export=tmp_path / "export.ndjson"),
    ):
        settings = settings_for(tmp_path, **source)  # PAR_ENV=sandbox: only the source is real
        with pytest.raises(SettingsError, match="PAR_PSEUDONYMISATION_KEY"):
            OneStopShopSource(settings).pseudonymiser()
        with pytest.raises(SettingsError, match="PAR_PSEUDONYMISATION_KEY"):
            OneStopShopSource(settings).flattener()
    # the embedded sandbox alone may use the public sandbox key
    assert OneStopShopSource(settings_for(tmp_path)).pseudonymiser()("An") == Pseudonymiser(SANDBOX_KEY)("An")


def test_a_real_source_refuses_the_public_sandbox_key(tmp_path):
    settings = settings_for(
        tmp_path, one_stop_shop_url="https://motcua.example.gov.vn", pseudonymisation_key=SANDBOX_KEY
    )
    with pytest.raises(SettingsError):
        OneStopShopSource(settings).pseudonymiser()


def test_the_pseudonymiser_never_shows_its_key():
    p = Pseudonymiser(KEY)
    assert KEY not in repr(p) and KEY not in str(p) and KEY not in f"{p!r} {[p]} { ({'p': p}) }"


def test_settings_do_not_show_their_secrets(tmp_path):
    settings = settings_for(
        tmp_path, one_stop_shop_url="https://motcua.example.gov.vn", one_stop_shop_token=TOKEN, pseudonymisation_key=KEY
    )
    for text in (repr(settings), str(settings), repr(OneStopShopSource(settings))):
        assert TOKEN not in text and KEY not in text


def test_the_key_is_used_but_never_written_beside_the_data(real_like_run):
    settings, _, events, printed = real_like_run
    landed = (
        duckdb.connect()
        .execute(
            f"select ChuHoSo from read_parquet('{settings.landing_dir}/{SOURCE}/dossiers/*/*.parquet') "
            "where ChuHoSo is not null limit 1"
        )
        .fetchone()[0]
    )
    _, names = raw_people(CONFIG)
    assert landed in {Pseudonymiser(KEY)(n) for n in names}, "the configured key, not the sandbox's, was used"
    # the landing zone remembers which key it was built with, by a fingerprint that is not the key
    recorded = LandingZone(settings.landing_dir).read_state(*KEY_STATE)
    assert recorded["key_fingerprint"] == Pseudonymiser(KEY).fingerprint()
    files = text_of_files(settings.data_dir)
    assert any(p.suffix == ".duckdb" for p in files) and any("dagster_home" in p.parts for p in files)
    for secret in (KEY, TOKEN):
        assert not [p for p, content in files.items() if secret.encode() in content], secret
        assert not [t for t in events + printed if secret in t], secret


# -- the token --------------------------------------------------------------------------------------


def test_the_token_reached_the_source_and_no_record_of_the_run(real_like_run):
    settings, server, events, printed = real_like_run
    assert server.token == TOKEN and server.faults.requests_seen > 1
    con = duckdb.connect()
    sources = {
        r[0]
        for r in con.execute(
            f"select distinct _source from read_parquet('{settings.landing_dir}/{SOURCE}/*/*/*.parquet', union_by_name = true)"
        ).fetchall()
    }
    assert sources == {server.url}
    assert any(server.url in t for t in events), "the run's events name the source"
    assert any("/api/v1/dossiers" in t for t in printed), "urllib3's debug lines were captured"
    for text in events + printed:
        assert TOKEN not in text and KEY not in text
        assert "Bearer" not in text


def test_a_wrong_token_fails_the_run_naming_the_source_not_the_token(tmp_path):
    wrong = "wr0ng-t0ken-ABC"
    server, _ = start_one_stop_shop_server(SandboxConfig(seed=7, scale=0.05, end=date(2022, 1, 31)), token=TOKEN)
    cadre_server, _ = start_cadre_server(CadreConfig(seed=7, scale=0.05, end=date(2022, 1, 31)), token=TOKEN)
    try:
        settings = settings_for(
            tmp_path,
            environment="production",
            one_stop_shop_url=server.url,
            one_stop_shop_token=wrong,
            pseudonymisation_key=KEY,
            cadre_url=cadre_server.url,
            cadre_token=wrong,
            par_ranking_dir=tmp_path / "no-ranking-yet",
            budget_portal_url=budget_portal_server(date(2022, 1, 31), 7).url,
        )
        result, events, printed = run_and_record(settings, date(2022, 1, 3), date(2022, 1, 3))
    finally:
        server.stop()
        cadre_server.stop()
    assert not result.success
    failures = {e.step_key: e.event_specific_data.error.to_string() for e in result.all_events if e.is_step_failure}
    assert {"landing__one_stop_shop", "landing__cadre"} <= set(failures)
    for source, url in (("one_stop_shop", server.url), ("cadre", cadre_server.url)):
        message = failures[f"landing__{source}"]
        assert source in message and "HTTP 401" in message and url in message
    message = " ".join(failures.values())
    for secret in (wrong, TOKEN, KEY):
        assert secret not in message
        assert not [t for t in events + printed if secret in t], secret
        assert not [p for p, content in text_of_files(tmp_path).items() if secret.encode() in content], secret
    for source in ("one_stop_shop", "cadre"):
        assert not list((settings.landing_dir / source).rglob("*.parquet")), (
            "nothing is landed from a source that refused us"
        )


# -- credentials in a URL ------------------------------------------------------------------------------


def test_credentials_in_a_url_are_not_landed_nor_in_errors(tmp_path):
    password = "url-pa55word"
    server, _ = start_one_stop_shop_server(SandboxConfig(seed=7, scale=0.05, end=date(2022, 1, 31)), token=TOKEN)
    try:
        host = server.url.removeprefix("http://")
        with_credentials = f"http://par-user:{password}@{host}"
        # basic auth in the URL replaces the bearer token: the source refuses it, naming itself only
        session = SourceSession(SOURCE, with_credentials, TOKEN)
        with pytest.raises(SourceResponseError, match="HTTP 401") as caught:
            next(OneStopShopClient(session).pages(datetime(2022, 1, 3), datetime(2022, 1, 4)))
        assert password not in str(caught.value) and TOKEN not in str(caught.value)
        assert "***@" in str(caught.value) and host in str(caught.value)
        # a batch from such a source records where it came from without the credentials
        good = OneStopShopClient(SourceSession(SOURCE, server.url, TOKEN), page_size=200)
        landing = LandingZone(tmp_path)
        summary = land_pull(
            landing,
            SOURCE,
            "w",
            f"{with_credentials}/?api_key=abc&token={TOKEN}&x=1",
            lambda cursor: good.pages(datetime(2022, 1, 3), datetime(2022, 1, 5), cursor),
            lambda b: flatten(b, Pseudonymiser(KEY)),
        )
    finally:
        server.stop()
    sources = set(landing.read_load(SOURCE, "dossiers", summary.load_id).column("_source").to_pylist())
    assert sources == {f"http://***@{host}/?api_key=***&token=***&x=1"}
    for p, content in text_of_files(tmp_path).items():
        assert password.encode() not in content and TOKEN.encode() not in content, p


def test_the_source_description_hides_credentials_in_the_url(tmp_path):
    settings = settings_for(
        tmp_path,
        one_stop_shop_url="https://par:url-pa55word@motcua.example.gov.vn/?token=t0k",
        pseudonymisation_key=KEY,
    )
    described = OneStopShopSource(settings).describe()
    assert "url-pa55word" not in described and "t0k" not in described


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://motcua.example.gov.vn", "https://motcua.example.gov.vn"),
        ("https://par:pw@motcua.example.gov.vn:8443/api", "https://***@motcua.example.gov.vn:8443/api"),
        ("https://TOKEN123@motcua.example.gov.vn", "https://***@motcua.example.gov.vn"),
        (
            "https://h/x?page=2&api_key=abc&Access_Token=def&sig=1&password=p&x=",
            "https://h/x?page=2&api_key=***&Access_Token=***&sig=***&password=***&x=",
        ),
        ("file:///srv/inbox/motcua@2025.ndjson", "file:///srv/inbox/motcua@2025.ndjson"),
        (
            "sandbox://one_stop_shop?seed=7&scale=0.3&defect_rate=0.004&end=2022-02-28",
            "sandbox://one_stop_shop?seed=7&scale=0.3&defect_rate=0.004&end=2022-02-28",
        ),
        ("/srv/inbox/export.ndjson", "/srv/inbox/export.ndjson"),
    ],
)
def test_urls_are_shown_without_credentials(url, shown):
    from connectors.http_session import redact_url

    assert redact_url(url) == shown


def test_a_source_that_echoes_the_token_does_not_get_it_into_the_error():
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Echo(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = json.dumps({"error": f"token rejected: {self.headers.get('Authorization')}"}).encode()
            self.send_response(403)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        session = SourceSession(SOURCE, f"http://127.0.0.1:{httpd.server_address[1]}", TOKEN)
        with pytest.raises(SourceResponseError, match=r"HTTP 403: .*token rejected: Bearer \*\*\*") as caught:
            session.get_json("/api/v1/dossiers", {})
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert TOKEN not in str(caught.value)

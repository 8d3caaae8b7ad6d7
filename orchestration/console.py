"""What `make run` shows at the terminal: one line per step (a source's landing and its GX gate together, the
dbt step, the report, the snapshot) with its outcome and duration, and a live line while a step runs (pages and
records of a pull, models and tests of a dbt build). Everything else, dbt's own output, Dagster's log and the
libraries' warnings, goes to the run's log file (`<data dir>/logs/run-<time>.log`), named at the end.

The steps are followed in the run's own event log (`DagsterInstance.get_records_for_run`, polled from a thread
while the run executes in the main one); a pull's progress comes from the landing code's progress records
(connectors/ingest.py `PROGRESS_LOGGER`).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from connectors.ingest import PROGRESS_LOGGER

POLL_SECONDS = 0.5
# Libraries whose INFO lines say nothing about the run: the event log's schema checks at every connection
# (alembic), GX's "Created temporary directory ... for ephemeral docs site" at every validation.
QUIET_LOGGERS = ("alembic", "great_expectations")
GATE_SUFFIX = "_gx_suites"
NOT_EXECUTED = "Not executing."


def log_file_path(data_dir: Path, now: datetime) -> Path:
    return data_dir / "logs" / f"run-{now:%Y%m%d-%H%M%S}.log"


def format_duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 60 else f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


@dataclass
class StepView:
    """What the display knows of one step of the run."""

    key: str
    started: float | None = None
    ended: float | None = None
    outcome: str | None = None  # "ok", "failed", "skipped"
    details: list[str] = field(default_factory=list)
    models: int = 0
    tests: int = 0
    tests_failed: int = 0
    not_built: int = 0  # tables the dbt step left out (a rejected load upstream), and why (each rejection once)
    not_built_reasons: dict[str, None] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return (self.ended or time.time()) - (self.started or self.ended or time.time())


def counted(count: int, noun: str) -> str:
    """`1 test`, `2 tests`, `1,000 records`: a count with its noun in the number it takes (nouns with a plain -s)."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def step_label(key: str) -> str:
    """`landing__one_stop_shop` -> `one_stop_shop`; `warehouse_models` -> `dbt warehouse`."""
    if key.startswith("landing__"):
        return key.removeprefix("landing__").removesuffix(GATE_SUFFIX)
    if key.endswith("_models"):
        return "dbt " + key.removesuffix("_models")
    return key.replace("__", " ").replace("_", " ")


class RunDisplay:
    """Follows a run's steps and draws them (rich); `lines()` is what was printed, for the tests."""

    def __init__(self, console, instance, run_id: str):
        self.console = console
        self.instance = instance
        self.run_id = run_id
        self.steps: dict[str, StepView] = {}
        self.printed: list[str] = []
        self.progress: dict[str, str] = {}  # source -> "12 pages, 4,800 records"
        self._cursor: str | None = None
        self._stop = threading.Event()

    # -- events ---------------------------------------------------------------------------------------
    def poll(self) -> None:
        while True:
            connection = self.instance.get_records_for_run(self.run_id, cursor=self._cursor, limit=1000)
            for record in connection.records:
                self.on_event(record.event_log_entry)
            self._cursor = connection.cursor
            if not connection.has_more:
                return

    def on_event(self, entry) -> None:
        event = entry.dagster_event
        if event is None:
            # Dagster's words for a step it does not run because one it depends on failed (a rejected gate)
            if entry.step_key and NOT_EXECUTED in (entry.user_message or ""):
                step = self.steps.setdefault(entry.step_key, StepView(entry.step_key))
                step.started = step.ended = entry.timestamp
                step.outcome = "skipped"
                upstream = entry.user_message.split("failed:", 1)[-1].split("]")[0].strip(" ['")
                step.details = [
                    f"not built: {step_label(upstream)} {'gate ' if upstream.endswith(GATE_SUFFIX) else ''}failed"
                ]
                self.step_done(step)
            return
        if event.step_key is None:
            return
        step = self.steps.setdefault(event.step_key, StepView(event.step_key))
        kind = event.event_type_value
        if kind == "STEP_START":
            step.started = entry.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            step.ended = entry.timestamp
            if step.outcome != "rejected":  # said by the check
                step.outcome = {"STEP_SUCCESS": "ok", "STEP_FAILURE": "failed", "STEP_SKIPPED": "skipped"}[kind]
            if step.outcome == "ok" and step.not_built:  # the dbt step left out what reads a rejected load
                step.outcome = "partial" if step.models else "skipped"
            self.step_done(step)
        elif kind == "ASSET_MATERIALIZATION":
            step.models += 1
            metadata = event.event_specific_data.materialization.metadata
            for name in ("dossier_versions", "records", "rankings"):
                if name in metadata:
                    step.details = [f"{counted(metadata[name].value, 'record')} landed"]
        elif kind == "ASSET_OBSERVATION":
            skipped = event.event_specific_data.asset_observation.metadata.get("skipped")
            if skipped is not None:  # a table the dbt step left out (orchestration/warehouse.py)
                step.not_built += 1
                for reason in str(skipped.value).removeprefix("not built in this run: ").split("; "):
                    step.not_built_reasons[reason] = None
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            step.tests += 1
            if event.step_key.endswith(GATE_SUFFIX):
                verdict = evaluation.metadata.get("verdict")
                step.details = [f"gate: {verdict.value if verdict else 'failed'}"]
                if not evaluation.passed:
                    step.outcome = "rejected"
            elif not evaluation.passed:
                step.tests_failed += 1

    def step_done(self, step: StepView, alone: bool = False) -> None:
        landing = step.key.startswith("landing__") and not step.key.endswith(GATE_SUFFIX)
        if landing and step.outcome == "ok" and not alone:
            return  # drawn with its gate's line
        landing = self.steps.get(step.key.removesuffix(GATE_SUFFIX)) if step.key.endswith(GATE_SUFFIX) else None
        outcome = "REJECTED" if step.outcome == "rejected" else step.outcome.upper() if step.outcome != "ok" else "ok"
        details = [*(landing.details if landing else []), *step.details]
        if step.key.endswith("_models") and step.outcome != "skipped":
            details.append(f"{counted(step.models, 'table')}, {counted(step.tests, 'test')}")
            if step.tests_failed:
                details.append(f"{counted(step.tests_failed, 'test')} warned")
        if step.not_built:
            why = "; ".join(step.not_built_reasons)
            details.append(why if step.outcome == "skipped" else f"{counted(step.not_built, 'table')} not built: {why}")
        seconds = step.seconds + (landing.seconds if landing else 0)
        mark = {"ok": "✓", "REJECTED": "✗", "FAILED": "✗", "SKIPPED": "–", "PARTIAL": "–"}.get(outcome, "·")
        duration = "" if step.outcome == "skipped" else format_duration(seconds)
        line = f"{mark} {step_label(step.key):<34} {outcome:<8} {duration:>11}   {', '.join(details)}"
        self.printed.append(line.rstrip())
        style = {"ok": "green", "SKIPPED": "yellow", "PARTIAL": "yellow"}.get(outcome, "bold red")
        self.console.print(f"[{style}]{mark}[/{style}] " + line[2:].rstrip(), soft_wrap=True)

    # -- the live line --------------------------------------------------------------------------------
    def live_text(self) -> str:
        running = [s for s in self.steps.values() if s.started and not s.ended]
        if not running:
            return "starting ..."
        step = running[-1]
        text = f"{step_label(step.key)}: {format_duration(step.seconds)}"
        source = step_label(step.key)
        if step.key.startswith("landing__") and source in self.progress:
            text += f", {self.progress[source]}"
        elif step.key.endswith("_models"):
            text += f", {counted(step.models, 'table')} and {counted(step.tests, 'test')} done"
        return text

    def on_progress(self, record: logging.LogRecord) -> None:
        progress = getattr(record, "progress", None)
        if progress:
            self.progress[progress["source"]] = (
                f"{counted(progress['pages'], 'page')}, {counted(progress['records'], 'record')}"
            )

    @contextmanager
    def following(self) -> Iterator[RunDisplay]:
        """Draw the live line and poll the run's events until the block ends."""
        from rich.live import Live
        from rich.spinner import Spinner

        handler = _CallbackHandler(self.on_progress)
        progress_logger = logging.getLogger(PROGRESS_LOGGER)
        progress_logger.addHandler(handler)
        progress_logger.setLevel(logging.DEBUG)
        progress_logger.propagate = False  # a line per page: the terminal's, not the log file's
        spinner = Spinner("dots", text="starting ...")

        def follow():
            while not self._stop.wait(POLL_SECONDS):
                self.safe_poll()
                spinner.update(text=self.live_text())

        thread = threading.Thread(target=follow, name="run-display", daemon=True)
        try:
            with Live(spinner, console=self.console, transient=True, refresh_per_second=4):
                thread.start()
                yield self
                self._stop.set()
                thread.join()
            self.safe_poll()  # the last steps' events
            for step in list(self.steps.values()):  # a landing without a gate in the run: its own line
                landing = step.key.startswith("landing__") and not step.key.endswith(GATE_SUFFIX)
                if landing and step.outcome == "ok" and step.key + GATE_SUFFIX not in self.steps:
                    self.step_done(step, alone=True)
        finally:
            self._stop.set()
            progress_logger.removeHandler(handler)
            progress_logger.setLevel(logging.NOTSET)
            progress_logger.propagate = True

    def safe_poll(self) -> None:
        try:
            self.poll()
        except Exception:  # the display never stops the run; the log file has the run's own record
            logging.getLogger(__name__).debug("reading the run's events failed", exc_info=True)


class _CallbackHandler(logging.Handler):
    def __init__(self, callback):
        super().__init__(logging.DEBUG)
        self.callback = callback

    def emit(self, record: logging.LogRecord) -> None:
        self.callback(record)


class _WorthKeeping(logging.Filter):
    """Not twice what Dagster's run log already has (its Python loggers' lines in a step), nor the INFO lines of
    QUIET_LOGGERS (whatever level the libraries set on their own loggers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("dagster.builtin"):
            return False
        quiet = any(record.name == name or record.name.startswith(name + ".") for name in QUIET_LOGGERS)
        return not quiet or record.levelno >= logging.WARNING


@contextmanager
def logs_to_file(path: Path) -> Iterator[Path]:
    """Everything printed or logged in the block, by dbt, Dagster, GX and the warnings module, written to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        stream = stack.enter_context(open(path, "a", encoding="utf-8", buffering=1))
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(_WorthKeeping())
        root = logging.getLogger()
        saved = (root.level, list(root.handlers))
        for old in saved[1]:
            root.removeHandler(old)
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        logging.captureWarnings(True)
        stack.enter_context(redirect_stdout(stream))
        stack.enter_context(redirect_stderr(stream))
        try:
            yield path
        finally:
            logging.captureWarnings(False)
            root.removeHandler(handler)
            for old in saved[1]:
                root.addHandler(old)
            root.setLevel(saved[0])


def terminal_console():
    """The terminal as it is now (sys.stdout), whatever sys.stdout is redirected to later."""
    from rich.console import Console

    return Console(file=sys.stdout, highlight=False)

"""Dagster internals (dagster 1.13): its SQLite event log, with its connections kept open instead of opened
for every event.

Dagster's own `SqliteEventLogStorage` opens a new engine and connection for each event it stores and
closes it afterwards, reflects the asset-key table's columns at every asset event, and rewrites the
asset's row each time. With SQLite in WAL mode, closing the last connection to a database checkpoints
and syncs it to disk, so each event costs a few disk syncs. A run over the whole history materialises
every daily-partitioned landing asset once per day (seven sources, ~1,800 days): about 25,000 events.
Measured (docs/operations.md, "Dagster's storage"): Dagster's own storage took 20 times as long as this
one to record a range of daily partitions, and a first `make run` ten times as long. This storage keeps
one pooled engine per database file, commits with `synchronous=NORMAL` (in WAL mode: a sync at
checkpoints rather than at every commit; a crash of the machine can lose the last events, never corrupt
the file), asks for tables and columns once, and within a batch of events writes each asset's row
once. The event log is not the system of record: the landing zone and its audit are.

No supported API does this: Dagster's SQLite storage has no settings beyond its folder, and a partition
range is recorded as one event per partition. The supported way to a fast event log is PostgreSQL
(dagster-postgres, the `postgres` dependency group: docs/operations.md), which needs a server.

It overrides `_connect`, `_store_asset_event`, `_has_asset_key_col_on_connection`, `has_table` and
`store_event_batch`, and uses `_initdb`, `_db_lock`, `_initialized_dbs`, `_get_asset_entry_values` and
`_has_asset_key_index_cols_on_connection`: tests/test_framework_internals.py checks they are still there
with the same parameters, and tests/test_event_log.py that a run is recorded as Dagster's own storage
records it.

dagster.yaml selects it (`event_log_storage`). An instance folder's copy names the folder of its
event log (`base_dir`, what Dagster's default storage uses), since a storage is not told which instance
it belongs to: orchestration/instance_config.py writes that copy. The files and their layout are Dagster's
own, so the webserver and `dagster` commands read them as usual, and a folder switched back to Dagster's
default storage (delete `event_log_storage` from its dagster.yaml) keeps its history.
"""

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import StringSource
from dagster._core.storage.event_log.schema import AssetKeyTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import event
from sqlalchemy import exc as db_exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

# Dagster stores the materialisations of a partition range in batches of this many events (one
# transaction each, `store_event_batch`) when the environment variable DAGSTER_EVENT_BATCH_SIZE is set (read
# by Dagster at each event, undocumented). Set here, unless the environment does, in every process that loads
# an instance with this storage (the run, the webserver, a step's process): nothing else needs it.
EVENT_BATCH_SIZE = 1000
os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", str(EVENT_BATCH_SIZE))
# Engines kept open at once: the cross-run index plus the latest runs' files (a webserver reads many runs).
MAX_OPEN_ENGINES = 8


def _commit_without_sync(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` whose per-file engines stay open between events (see the module)."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._batch_connections: dict[str, Connection] | None = None
        self._batch_asset_rows: dict[str, dict] | None = None  # asset key -> its row's values, during a batch
        self._tables_present: set[str] = set()
        self._asset_key_columns_present: set[str] = set()
        super().__init__(base_dir, inst_data)
        self._db_lock = threading.RLock()  # held for a whole batch, whose events take it again

    @classmethod
    def config_type(cls):
        return {"base_dir": StringSource}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> "PooledSqliteEventLogStorage":
        return cls(config_value["base_dir"], inst_data=inst_data)

    def has_table(self, table_name: str) -> bool:
        """Whether the cross-run index has a table, asked once per table (Dagster asks at every event;
        tables are only added, by `dagster instance migrate`, which starts a new process)."""
        if table_name not in self._tables_present:
            with self._connect(INDEX_SHARD_NAME) as conn:
                if conn.dialect.has_table(conn, table_name):
                    self._tables_present.add(table_name)
                else:
                    return False
        return True

    def _has_asset_key_col_on_connection(self, conn: Connection, column_name: str) -> bool:
        """Whether the asset-key table has a column, asked once per column (Dagster reflects the table's
        columns at every asset event; like tables, columns are only added by `dagster instance migrate`)."""
        if column_name not in self._asset_key_columns_present:
            if not super()._has_asset_key_col_on_connection(conn, column_name):
                return False
            self._asset_key_columns_present.add(column_name)
        return True

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = create_engine(
            self.conn_string_for_shard(shard),
            poolclass=QueuePool,
            pool_size=1,
            max_overflow=4,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        event.listen(engine, "connect", _commit_without_sync)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > MAX_OPEN_ENGINES:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            if self._batch_connections is not None:
                conn = self._batch_connections.get(shard)
                if conn is None:
                    conn = self._batch_connections[shard] = self._engine(shard).connect()
                    conn.begin()
                yield conn
                return
            with self._engine(shard).connect() as conn, conn.begin():
                yield conn

    def store_event_batch(self, events) -> None:
        """The events of a batch (a partition range's materialisations) in one transaction per file."""
        with self._db_lock:
            self._batch_connections = {}
            self._batch_asset_rows = {}
            try:
                for event_entry in events:
                    self.store_event(event_entry)
                if self._batch_asset_rows:
                    with self._connect(INDEX_SHARD_NAME) as conn:
                        for asset_key, values in self._batch_asset_rows.items():
                            self._upsert_asset_row(conn, asset_key, values)
                for conn in self._batch_connections.values():
                    conn.commit()
            finally:
                connections, self._batch_connections = self._batch_connections, None
                self._batch_asset_rows = None
                for conn in connections.values():
                    conn.close()  # rolls back what was not committed

    def _store_asset_event(self, conn: Connection, event_entry, event_id: int) -> None:
        """Dagster updates an asset's row of the asset-key table (latest materialisation, run, time) at every
        event of that asset: in a batch (a partition range: ~1,800 events per asset) the columns each event
        sets are merged in order and the row written once, at the end, with the same final values."""
        if self._batch_asset_rows is None:
            super()._store_asset_event(conn, event_entry, event_id)
            return
        asset_key = event_entry.dagster_event.asset_key if event_entry.dagster_event else None
        if asset_key is None:
            return
        values = self._get_asset_entry_values(event_entry, event_id, self._has_asset_key_index_cols_on_connection(conn))
        if values:
            self._batch_asset_rows.setdefault(asset_key.to_string(), {}).update(values)

    @staticmethod
    def _upsert_asset_row(conn: Connection, asset_key: str, values: dict) -> None:
        # as SqlEventLogStorage._store_asset_event writes one event's values
        try:
            conn.execute(AssetKeyTable.insert().values(asset_key=asset_key, **values))
        except db_exc.IntegrityError:
            conn.execute(AssetKeyTable.update().values(**values).where(AssetKeyTable.c.asset_key == asset_key))

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

"""Many threads writing at once, cleanup racing writers, the locks that order them (SQLite's write lock,
PostgreSQL's advisory locks), and the connection settings that make it work on each backend."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from imagegen.history import HistoryStore
from imagegen.history.db import lock_files, writer

from .helpers import artifact, postgresql_only, record, sqlite_only, waiting_on_advisory_lock

THREADS, PER_THREAD = 8, 10


def _run_all(target, count):
    with ThreadPoolExecutor(max_workers=count) as pool:
        return [future.result() for future in [pool.submit(target, index) for index in range(count)]]


def test_concurrent_writers_lose_nothing(store: HistoryStore):
    barrier = threading.Barrier(THREADS)

    def writer(thread: int) -> tuple[int, list[int]]:
        run_id = store.create_run(f"thread {thread}", [], [])
        barrier.wait()
        ids = []
        for i in range(PER_THREAD):
            seed = thread * 1000 + i
            ids.append(store.add_generation(run_id, record(i, seed=seed), artifact("png", seed=seed)))
        return run_id, ids

    results = _run_all(writer, THREADS)  # any "database is locked" would surface here

    assert store.count_runs() == THREADS
    all_ids = [gen_id for _, ids in results for gen_id in ids]
    assert len(set(all_ids)) == THREADS * PER_THREAD
    for thread, (run_id, _) in enumerate(results):
        run = store.get_run(run_id)
        assert [g.position for g in run.generations] == list(range(PER_THREAD))
        for i, generation in enumerate(run.generations):
            expected = artifact("png", seed=thread * 1000 + i)
            assert generation.seed == thread * 1000 + i
            assert store.image_bytes(generation.image) == expected.value
            assert (store.data_dir / generation.image.thumbnail_key).is_file()
    report = store.check()
    assert report.ok, report


def test_cleanup_racing_writers_never_removes_a_file_a_row_needs(store: HistoryStore):
    """Writers keep adding the same images while other threads delete runs and clean orphans."""
    stop = threading.Event()
    seeds = [7001, 7002, 7003]

    def writer(thread: int) -> None:
        for i in range(12):
            run_id = store.create_run(f"w{thread}-{i}", [], [])
            seed = seeds[(thread + i) % len(seeds)]
            store.add_generation(run_id, record(0, seed=seed), artifact("png", seed=seed))

    def janitor(thread: int) -> None:
        while not stop.is_set():
            if thread == 0:  # delete finished runs (one generation each), keeping the newest finished one
                finished = [summary for summary in store.list_runs(limit=6) if summary.generation_count]
                for summary in finished[1:]:
                    store.delete_run(summary.id)
            else:
                store.check(clean=True)

    with ThreadPoolExecutor(max_workers=6) as pool:
        janitors = [pool.submit(janitor, index) for index in range(2)]
        writers = [pool.submit(writer, index) for index in range(4)]
        try:
            for future in writers:
                future.result()
        finally:
            stop.set()
        for future in janitors:
            future.result()

    report = store.check()
    assert report.missing_files == [], report
    for summary in store.list_runs(limit=100):
        for generation in store.get_run(summary.id).generations:
            assert store.image_path(generation.image).is_file()


def test_adding_a_generation_waits_for_the_files_lock(store: HistoryStore, backend):
    """While file cleanup holds the lock (SQLite: the write lock; PostgreSQL: an advisory lock), a writer
    waits for it instead of committing a row whose file the cleanup might be removing."""
    run_id = store.create_run("fox", [], [])
    done = threading.Event()
    errors = []

    def add():
        try:
            store.add_generation(run_id, record(0), artifact(seed=81))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            done.set()

    with writer(store.engine).begin() as holder:
        lock_files(holder)
        thread = threading.Thread(target=add)
        thread.start()
        if backend == "postgresql":  # see it wait on the advisory lock itself
            deadline = time.monotonic() + 10
            while not waiting_on_advisory_lock(store.engine):
                assert time.monotonic() < deadline, "add_generation never waited for the files lock"
                time.sleep(0.02)
        assert not done.wait(0.5), "add_generation did not wait for the files lock"
        assert store.get_run(run_id).generations == []
    thread.join(timeout=30)
    assert done.is_set() and errors == []
    assert [g.image.sha256 for g in store.get_run(run_id).generations] == [artifact(seed=81).sha256]


@postgresql_only
def test_postgres_connections_dropped_by_the_server_are_replaced(store: HistoryStore, postgres_server):
    """pool_pre_ping: after the server ends every session (a restart, a failover, an idle timeout), the
    store's next calls reconnect instead of failing on a dead pooled connection."""
    run_id = store.create_run("fox", [], [])
    connections = [store.engine.connect() for _ in range(3)]  # fill the pool with several connections
    for connection in connections:
        connection.close()
    ended = postgres_server.execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
        (store.engine.url.database,))
    assert ended[0][0] >= 3
    for _ in range(4):
        assert store.get_run(run_id).prompt == "fox"
    assert store.count_runs() == 1 and store.create_run("owl", [], []) > run_id


@sqlite_only("PRAGMAs are SQLite's; PostgreSQL needs none (see the pre-ping test above)")
def test_sqlite_pragmas_are_set_on_every_connection(store: HistoryStore):
    connections = [store.engine.connect() for _ in range(3)]  # several pooled connections, not just one
    try:
        for connection in connections:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        for connection in connections:
            connection.close()

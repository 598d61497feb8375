"""Run per-chunk work locally or on Dask (dask.distributed), results in submission order.

``scheduler``: ``None`` or ``"local"`` runs in this process, a few chunks at once on threads;
``"threads"`` a local Dask cluster of threads; ``"processes"`` a local Dask cluster of worker
processes; ``"tcp://host:port"`` an existing Dask scheduler (start one with ``dask scheduler``
and workers with ``dask worker tcp://host:port``). At most ``window`` chunks are in flight, so
memory stays bounded whatever the portfolio size; results come back in order, so output files
are identical to a local run.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from climrisk.errors import InputError

__all__ = ["SCHEDULERS", "check_scheduler", "default_workers", "map_ordered"]

T = TypeVar("T")
SCHEDULERS = ("local", "threads", "processes")


def check_scheduler(scheduler: str | None) -> None:
    """Raise an input error for an unknown scheduler name."""
    if scheduler is None or scheduler in SCHEDULERS or scheduler.startswith("tcp://"):
        return
    raise InputError(
        "command line",
        f"unknown scheduler '{scheduler}'; use local, threads, processes or tcp://host:port",
        column="scheduler",
    )


def _client(scheduler: str) -> Any:
    from dask.distributed import Client, LocalCluster

    workers = max(1, min(os.cpu_count() or 1, 4))
    if scheduler == "threads":
        cluster = LocalCluster(
            n_workers=1, threads_per_worker=workers, processes=False, dashboard_address=None
        )
    elif scheduler == "processes":
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    else:
        try:
            return Client(scheduler, timeout="10s")
        except OSError as exc:
            raise InputError(
                "command line",
                f"cannot reach Dask scheduler {scheduler}: {exc}",
                column="scheduler",
            ) from None
    return Client(cluster)


def _local(
    func: Callable[[Any], T], items: Iterable[Any], workers: int
) -> Iterator[T]:
    """In this process: one item at a time, or ``workers`` at once on threads.

    Threads suit the chunk work: the compiled kernels, numpy and Arrow release the GIL. One
    item more than ``workers`` is in flight, so a thread that finishes starts the next item at
    once, even while the consumer is still busy with an earlier result; memory stays that of
    ``workers + 1`` chunks.
    """
    if workers <= 1:
        for item in items:
            yield func(item)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="climrisk-chunk") as pool:
        pending: deque[Future[T]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(func, item))
                if len(pending) > workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def default_workers() -> int:
    """Chunks computed at once by the local scheduler: the CPU count, at most 4."""
    return max(1, min(os.cpu_count() or 1, 4))


def map_ordered(
    func: Callable[[Any], T],
    items: Iterable[Any],
    scheduler: str | None = None,
    window: int = 4,
    workers: int | None = None,
) -> Iterator[T]:
    """Yield ``func(item)`` for each item, in order, computed where ``scheduler`` says.

    ``workers`` is the number of threads of the local scheduler (default
    :func:`default_workers`); Dask clusters bring their own.
    """
    check_scheduler(scheduler)
    if scheduler in (None, "local"):
        yield from _local(func, items, workers or default_workers())
        return
    client = _client(scheduler)
    owns_cluster = not scheduler.startswith("tcp://")
    try:
        pending: deque[Any] = deque()
        for item in items:
            pending.append(client.submit(func, item, pure=False))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if owns_cluster and cluster is not None:
            cluster.close()

"""Assessment jobs in the background: one worker process per job, state in the job store.

A dispatcher thread takes jobs in order and starts each in its own process (``spawn``), at most
``workers`` at a time; the process runs :func:`climrisk.run.run_assessment` into the job's own
folder and writes its progress to SQLite. A process that dies is noticed by its watcher thread
and the job is marked failed with a reason. Never in the request thread.
"""

from __future__ import annotations

import concurrent.futures
import functools
import gc
import logging
import multiprocessing
import queue
import threading
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from climrisk.config import RunConfig
from climrisk.errors import ClimriskError, InputError
from climrisk.web.safety import scrub_paths
from climrisk.web.store import JobStore

__all__ = [
    "RESULT_FILES",
    "STAGE_PERCENT",
    "JobRunner",
    "JobTask",
    "execute_job",
    "job_dir",
]

_LOG = logging.getLogger("climrisk.web")

# Stage names of climrisk.run.run_assessment (and of this module) -> percentage shown.
STAGE_PERCENT: dict[str, int] = {
    "queued": 0,
    "starting": 2,
    "open hazard catalogue": 5,
    "transition pathways": 12,
    "sample hazards": 20,
    "vulnerability, damage and scores": 40,
    "aggregate and write rows": 60,
    "physical matrix": 70,
    "report": 75,
    "map and workbook": 92,
    "done": 100,
}

# The only files a client can download from a job: name -> place inside the job folder.
RESULT_FILES: dict[str, str] = {
    "report.pdf": "results/report.pdf",
    "asset_results.csv": "results/asset_results.csv",
    "asset_results.parquet": "results/asset_results.parquet",
    "physical_matrix.csv": "results/physical_matrix.csv",
    "transition_matrix.csv": "results/transition_matrix.csv",
    "transition_assets.parquet": "results/transition_assets.parquet",
    "manifest.json": "results/manifest.json",
    "results.xlsx": "results.xlsx",
    "map.png": "map.png",
}


def job_dir(data_dir: Path, job_id: str) -> Path:
    """The folder of one job inside the data folder."""
    return Path(data_dir) / "jobs" / job_id


@dataclass(frozen=True)
class JobTask:
    """Everything a worker needs to run one job (sent to the worker process)."""

    data_dir: str
    job_id: str
    portfolio: str
    filename: str
    config: RunConfig
    notes: tuple[str, ...] = field(default_factory=tuple)
    run_file_name: str | None = None


def _configure_worker_logging() -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")


def _max_scores(folder: Path, asset_ids: pd.Index) -> np.ndarray:
    results = pd.read_parquet(folder / "asset_results.parquet", columns=["asset_id", "score"])
    best = results.groupby("asset_id", observed=True, sort=False)["score"].max()
    best.index = best.index.astype(str)
    return best.reindex(asset_ids.astype(str)).to_numpy(dtype=float)


def execute_job(task: JobTask) -> None:
    """Run one job to the end, recording progress, outputs or a readable failure reason.

    Runs in the worker (process or thread); never raises.
    """
    from climrisk.run import run_assessment
    from climrisk.web.artifacts import key_numbers, write_map_png, write_workbook

    _configure_worker_logging()
    store = JobStore(Path(task.data_dir))
    folder = job_dir(Path(task.data_dir), task.job_id)
    portfolio = Path(task.portfolio)
    names = [(str(portfolio), task.filename), (str(folder), "results")]
    if task.config.source is not None:
        names.append((str(task.config.source), task.run_file_name or "run file"))
    names += [(str(Path(task.data_dir)), "<data>"), (portfolio.name, task.filename)]

    stages: list[str] = []
    notes = list(task.notes)

    def progress(stage: str) -> None:
        stages.append(stage)
        store.set_progress(task.job_id, stage, STAGE_PERCENT.get(stage, 5))

    try:
        folder.mkdir(parents=True, exist_ok=True)
        progress("starting")
        try:
            result, results_dir, written = run_assessment(
                portfolio, task.config, out=folder / "results", progress=progress
            )
        except Exception:
            if not (task.config.pdf and stages[-1] == "report"):
                raise
            # The tables are sound; only the report failed: deliver the tables and say so.
            _LOG.exception("job %s: the PDF report could not be rendered", task.job_id)
            notes.append("the PDF report could not be rendered (the server log has the "
                         "detail); the result tables are complete")
            result, results_dir, written = run_assessment(
                portfolio, replace(task.config, pdf=False), out=folder / "results",
                progress=progress,
            )
        progress("map and workbook")
        summary = key_numbers(result)
        summary["warnings"] = [scrub_paths(w, names) for w in summary.get("warnings", [])]
        extra = []
        try:
            assets = result.portfolio.assets
            write_map_png(
                assets["longitude"].to_numpy(dtype=float),
                assets["latitude"].to_numpy(dtype=float),
                _max_scores(results_dir, assets.index),
                folder / "map.png",
            )
            extra.append("map.png")
        except Exception:
            _LOG.exception("job %s: the map could not be drawn", task.job_id)
        try:
            write_workbook(results_dir, folder / "results.xlsx", summary)
            extra.append("results.xlsx")
        except Exception:
            _LOG.exception("job %s: the Excel workbook could not be written", task.job_id)
        store.finish(task.job_id, [*written, *extra], summary, message="; ".join(notes) or None)
    except InputError as exc:
        shown = {old: new for old, new in names}
        lines = [
            scrub_paths(str(replace(issue, path=shown.get(issue.path, issue.path))), names)
            for issue in exc.issues[:5]
        ]
        more = len(exc.issues) - len(lines)
        reason = "; ".join(lines) + (f"; and {more} more problems" if more > 0 else "")
        store.fail(task.job_id, reason)
    except ClimriskError as exc:
        store.fail(task.job_id, scrub_paths(f"error: {exc}", names))
    except BaseException as exc:
        _LOG.exception("job %s failed", task.job_id)
        try:
            (folder / "error.log").write_text(traceback.format_exc(), encoding="utf-8")
        except OSError:
            pass
        store.fail(
            task.job_id,
            f"internal error while running the assessment ({type(exc).__name__}); the server "
            f"log has the detail (job {task.job_id})",
        )
        if not isinstance(exc, Exception):
            raise


def _process_main(task: JobTask) -> None:
    execute_job(task)


@functools.cache
def _thread_worker() -> concurrent.futures.ThreadPoolExecutor:
    """One thread of this process for every job in thread mode (tests).

    The netCDF/HDF5 library is not thread-safe: all jobs of the process read hazard files from
    the same thread, one after the other.
    """
    return concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="climrisk-job")


def _run_in_thread(task: JobTask) -> None:
    execute_job(task)
    gc.collect()  # close the job's hazard files in the thread that opened them


class JobRunner:
    """Runs jobs in the background, at most ``workers`` at once, in submission order.

    Parameters
    ----------
    store
        The job store (state is written there by the workers).
    mode
        ``"process"``: a fresh worker process per job (spawned); ``"thread"``: a worker thread.
    workers
        Jobs run at the same time.
    """

    def __init__(self, store: JobStore, mode: str = "process", workers: int = 1) -> None:
        self.store = store
        self.mode = mode
        self._queue: queue.Queue[JobTask | None] = queue.Queue()
        self._slots = threading.Semaphore(workers)
        self._running: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._context = multiprocessing.get_context("spawn")
        self._dispatcher = threading.Thread(
            target=self._dispatch, name="climrisk-job-dispatcher", daemon=True
        )
        self._dispatcher.start()

    def submit(self, task: JobTask) -> None:
        """Queue a job (already recorded as ``queued`` in the store)."""
        if self._stopping.is_set():
            self.store.fail(task.job_id, "the server is stopping; run the job again",
                            only_unfinished=True)
            return
        self._queue.put(task)

    def _dispatch(self) -> None:
        while True:
            task = self._queue.get()
            if task is None:
                return
            self._slots.acquire()
            if self._stopping.is_set():
                self._slots.release()
                self.store.fail(task.job_id, "the server stopped before this job started; run "
                                "it again", only_unfinished=True)
                continue
            threading.Thread(target=self._watch, args=(task,), daemon=True,
                             name=f"climrisk-job-{task.job_id[:8]}").start()

    def _watch(self, task: JobTask) -> None:
        try:
            if self.mode == "thread":
                _thread_worker().submit(_run_in_thread, task).result()
            else:
                process = self._context.Process(
                    target=_process_main, args=(task,), name=f"climrisk-job-{task.job_id[:8]}"
                )
                with self._lock:
                    if self._stopping.is_set():
                        return
                    self.store.set_progress(task.job_id, "starting", STAGE_PERCENT["starting"])
                    process.start()
                    self._running[task.job_id] = process
                process.join()
                if process.exitcode != 0:
                    reason = (
                        "the server stopped while this job was running; run it again"
                        if self._stopping.is_set()
                        else f"the worker process stopped unexpectedly (exit code "
                        f"{process.exitcode})"
                    )
                    self.store.fail(task.job_id, reason, only_unfinished=True)
        except Exception:
            _LOG.exception("job %s: the worker could not be run", task.job_id)
        finally:
            with self._lock:
                self._running.pop(task.job_id, None)
            job = self.store.get_job(task.job_id)
            if job is not None and not job.final:
                reason = ("the server stopped while this job was running; run it again"
                          if self._stopping.is_set() else
                          "the job stopped without a result (the server log has the detail)")
                self.store.fail(task.job_id, reason, only_unfinished=True)
            self._slots.release()

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop: end running worker processes and mark unfinished jobs failed with a reason."""
        self._stopping.set()
        pending: list[JobTask] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                pending.append(item)
        self._queue.put(None)
        for task in pending:
            self.store.fail(task.job_id, "the server stopped before this job started; run it "
                            "again", only_unfinished=True)
        with self._lock:
            processes = dict(self._running)
        for job_id, process in processes.items():
            process.terminate()
            process.join(timeout)
            self.store.fail(job_id, "the server stopped while this job was running; run it "
                            "again", only_unfinished=True)

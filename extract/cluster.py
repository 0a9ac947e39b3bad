"""Running batches on a Dask cluster (``vnextract extract ... --scheduler tcp://host:8786``).

:class:`DaskExecutor` connects a ``distributed.Client`` to the scheduler
and registers :class:`ExtractorPlugin`: every worker, including one that
joins later, builds one Extractor when the plugin is set up on it and keeps
it in its own copy of the plugin (``worker.plugins[PLUGIN_NAME]``). Tasks
are :func:`run_on_worker` calls carrying a batch of plain records; they
return counts and Parquet bytes, never spaCy objects. A worker process
runs one batch at a time (the plugin holds a lock: the pipeline is not
shared between threads), so start workers with ``--nthreads 1`` and as
many processes as cores (``--nworkers``); see docs/cluster.md.

The client submits a bounded number of batches (:func:`extract.workers.in_order`
with ``window`` = 4 per worker thread): the archive is read only a little
ahead of the cluster, and results are written in the client's results
folder as they arrive.
"""

from __future__ import annotations

import threading
from typing import Any, Collection

from distributed import CancelledError, Client, get_worker, wait
from distributed.diagnostics.plugin import WorkerPlugin
from distributed.scheduler import KilledWorker

from .workers import ExtractorFactory, RunError, Task, build_extractor, default_extractor

PLUGIN_NAME = "vnextract-extractor"


class ExtractorPlugin(WorkerPlugin):
    """Builds the Extractor once per worker process and runs tasks with it."""

    name = PLUGIN_NAME

    def __init__(self, factory: ExtractorFactory = default_extractor):
        self.factory = factory
        self.extractor = None
        self._lock: threading.Lock | None = None

    def __repr__(self) -> str:
        return f"ExtractorPlugin(loaded={self.extractor is not None})"

    def setup(self, worker: Any) -> None:
        self._lock = threading.Lock()
        self.extractor = build_extractor(self.factory)  # a RunError fails the registration, with its reason

    def run(self, task: Task, items: list) -> Any:
        if self.extractor is None or self._lock is None:
            raise RunError("this Dask worker has no extractor (the plugin was not set up)")
        with self._lock:
            return task(self.extractor, items)


def run_on_worker(task: Task, items: list) -> Any:
    """What a Dask task runs: ``task`` with the Extractor of this worker's plugin."""
    plugin = get_worker().plugins.get(PLUGIN_NAME)
    if plugin is None:
        raise RunError(f"this Dask worker has no {PLUGIN_NAME} plugin")
    return plugin.run(task, items)


class DaskExecutor:
    """Runs tasks on the workers of the Dask scheduler at ``address``."""

    def __init__(self, address: str, factory: ExtractorFactory = default_extractor, timeout: str | None = None):
        """``timeout``: for connecting (default: Dask's ``distributed.comm.timeouts.connect``, 30 s)."""
        self.address = address
        try:
            options = {"timeout": timeout} if timeout else {}
            self.client = Client(address, set_as_default=False, **options)
        except (OSError, TimeoutError, ValueError) as error:
            raise RunError(f"cannot reach the Dask scheduler at {address}: {error}") from error
        try:
            self.client.register_plugin(ExtractorPlugin(factory), name=PLUGIN_NAME)
        except Exception as error:  # noqa: BLE001 - reported with its cause
            self.client.close()
            if isinstance(error, RunError):
                raise RunError(f"on the Dask workers: {error}") from error
            hint = ("; install vnextract on every worker (pip install ., see docs/cluster.md)"
                    if "No module named" in str(error) else "")
            raise RunError(f"cannot set up the extractor on the Dask workers: "
                           f"{type(error).__name__}: {error}{hint}") from error
        threads = sum(self.client.nthreads().values())
        self.window = 4 * max(threads, 1)

    def __repr__(self) -> str:
        return f"DaskExecutor({self.address!r}, window={self.window})"

    def submit(self, task: Task, items: list):
        return self.client.submit(run_on_worker, task, items, pure=False)

    def wait_any(self, futures: Collection) -> Collection:
        with self.client.as_current():
            return wait(list(futures), return_when="FIRST_COMPLETED").done

    def result(self, future) -> Any:
        try:
            return future.result()
        except KilledWorker as error:
            raise RunError(f"a batch killed the Dask workers that ran it ({error})") from error
        except CancelledError as error:
            raise RunError(f"the Dask cluster dropped a batch ({error}); is the scheduler still up?") from error

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "DaskExecutor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

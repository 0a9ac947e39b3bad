"""Where work runs: in this process, in a pool of local processes, or on a Dask cluster.

An executor takes a task (``task(extractor, items) -> result``, a
module-level function of :mod:`extract.batch`) and a list of items, and
runs it where an Extractor is loaded:

- :class:`InlineExecutor` in this process (``--workers 1``);
- :class:`ProcessExecutor` in a pool of local processes. The pool's
  initializer builds one Extractor per worker process and keeps it in a
  :class:`WorkerPipeline` attached to that process's own
  ``multiprocessing.current_process()`` object, not in a module global;
- ``extract.cluster.DaskExecutor`` on a Dask cluster (a WorkerPlugin).

:func:`in_order` keeps at most ``executor.window`` jobs between the oldest
unfinished one and the newest submitted (backpressure: the input is read
only that far ahead), hands each result to ``on_result`` as soon as it
arrives, and yields the outcomes in input order.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Generic, Iterable, Iterator, Protocol, TypeVar

from .batch import ExtractorLike
from .readers import DEFAULT_MAX_CHARS

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
ExtractorFactory = Callable[[], ExtractorLike]
Task = Callable[[ExtractorLike, list], Any]


class RunError(RuntimeError):
    """The run cannot go on: the extractor cannot be built, or a worker died (exit code 1)."""


def default_extractor(max_chars: int = DEFAULT_MAX_CHARS) -> ExtractorLike:
    """The real pipeline (imported here so that ``--help`` stays fast)."""
    from .pipeline import Extractor

    return Extractor(max_chars=max_chars)


def build_extractor(factory: ExtractorFactory) -> ExtractorLike:
    try:
        return factory()
    except Exception as error:  # noqa: BLE001 - reported with its cause
        raise RunError(f"cannot build the extractor: {type(error).__name__}: {error}") from error


class Executor(Protocol):
    window: int
    """Jobs that may be between the oldest unfinished one and the newest submitted."""

    def submit(self, task: Task, items: list) -> Future: ...

    def wait_any(self, futures: Collection[Future]) -> Collection[Future]: ...

    def result(self, future: Future) -> Any: ...

    def close(self) -> None: ...


class _ExecutorContext:
    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release by default."""


class InlineExecutor(_ExecutorContext):
    """Runs tasks here, one at a time; the Extractor is built at the first task."""

    window = 1

    def __init__(self, factory: ExtractorFactory = default_extractor):
        self.factory = factory
        self._extractor: ExtractorLike | None = None

    def __repr__(self) -> str:
        return f"InlineExecutor(loaded={self._extractor is not None})"

    def submit(self, task: Task, items: list) -> Future:
        if self._extractor is None:
            self._extractor = build_extractor(self.factory)
        future: Future = Future()
        future.set_result(task(self._extractor, items))
        return future

    def wait_any(self, futures: Collection[Future]) -> Collection[Future]:
        return futures

    def result(self, future: Future) -> Any:
        return future.result()


@dataclass
class WorkerPipeline:
    """The Extractor of one worker process (or why it could not be built)."""

    extractor: ExtractorLike | None = None
    error: RunError | None = field(default=None)

    ATTRIBUTE = "vnextract_pipeline"

    @classmethod
    def install(cls, factory: ExtractorFactory) -> None:
        """Pool initializer: build the Extractor and attach it to this worker's process object.

        The worker also exits when its parent does: a parent killed with
        ``kill -9`` cannot shut the pool down, and its workers would
        otherwise wait for work forever.
        """
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled once, by the parent
        parent = multiprocessing.parent_process()
        if parent is not None:
            threading.Thread(target=_exit_with, args=(parent.sentinel,), name="vnextract-orphan-guard",
                             daemon=True).start()
        try:
            pipeline = cls(extractor=build_extractor(factory))
        except RunError as error:  # raised by the first task, so the parent learns the reason
            pipeline = cls(error=error)
        setattr(multiprocessing.current_process(), cls.ATTRIBUTE, pipeline)

    @classmethod
    def current(cls) -> "WorkerPipeline":
        pipeline = getattr(multiprocessing.current_process(), cls.ATTRIBUTE, None)
        if pipeline is None:
            raise RunError("this process has no extractor (not started by ProcessExecutor)")
        return pipeline

    def run(self, task: Task, items: list) -> Any:
        if self.extractor is None:
            raise self.error or RunError("the worker process has no extractor")
        return task(self.extractor, items)


def _exit_with(parent_sentinel: int) -> None:
    multiprocessing.connection.wait([parent_sentinel])
    os._exit(1)


def run_in_worker(task: Task, items: list) -> Any:
    """What a pool worker runs: ``task`` with the Extractor its initializer built."""
    return WorkerPipeline.current().run(task, items)


class ProcessExecutor(_ExecutorContext):
    """Runs tasks in ``workers`` local processes, each with its own Extractor built once."""

    def __init__(self, workers: int, factory: ExtractorFactory = default_extractor):
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self.window = 4 * workers
        self.pool = ProcessPoolExecutor(workers, initializer=WorkerPipeline.install, initargs=(factory,))

    def __repr__(self) -> str:
        return f"ProcessExecutor(workers={self.workers})"

    def submit(self, task: Task, items: list) -> Future:
        try:
            return self.pool.submit(run_in_worker, task, items)
        except BrokenProcessPool as error:
            raise _died(error) from error

    def wait_any(self, futures: Collection[Future]) -> Collection[Future]:
        return wait(futures, return_when=FIRST_COMPLETED).done

    def result(self, future: Future) -> Any:
        try:
            return future.result()
        except BrokenProcessPool as error:
            raise _died(error) from error

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _died(error: BaseException) -> RunError:
    return RunError(f"a worker process died ({error}); was it killed or out of memory?")


@dataclass(frozen=True)
class Job(Generic[K, V]):
    """One unit for :func:`in_order`: items to run, or (``items`` None) an outcome already known."""

    key: K
    items: list | None = field(default=None, repr=False)
    outcome: V | None = None


def in_order(executor: Executor, task: Task, jobs: Iterable[Job[K, V]],
             on_result: Callable[[K, Any], V]) -> Iterator[tuple[K, V]]:
    """(key, outcome) per job in input order; ``on_result(key, result)`` runs as each job finishes.

    Jobs with ``items`` run on ``executor``; the others pass through with
    their ``outcome``. At most ``executor.window`` jobs are pending, so the
    input is read only that far ahead of the oldest unfinished job.
    """
    pending: deque[list] = deque()  # [key, outcome, finished]
    running: dict[Future, list] = {}
    source = iter(jobs)
    exhausted = False
    while True:
        while not exhausted and len(pending) < max(1, executor.window):
            job = next(source, None)
            if job is None:
                exhausted = True
            elif job.items is None:
                pending.append([job.key, job.outcome, True])
            else:
                entry = [job.key, None, False]
                running[executor.submit(task, job.items)] = entry
                pending.append(entry)
        while pending and pending[0][2]:
            key, outcome, _ = pending.popleft()
            yield key, outcome
        if not pending:
            if exhausted:
                return
            continue
        for future in list(executor.wait_any(running)):
            entry = running.pop(future)
            entry[1] = on_result(entry[0], executor.result(future))
            entry[2] = True

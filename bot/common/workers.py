"""Heavy computing (smart groups, charts) in a worker process, never on the event loop.

A thread would keep the loop free but not the interpreter: pure-Python work in a thread holds
the GIL, and every member's update then waits its turn for it (a /match took 300 ms instead
of 10 while a chart was drawn). A separate process shares nothing with the bot.

The worker is ``python -m bot.common.workers``, not a ``multiprocessing`` child: those import
the embedding program's main module again (``spawn`` and ``forkserver`` alike), so a script
without an ``if __name__ == "__main__":`` guard ran itself again in the worker, and code piped
to ``python -`` had no file to import: the organiser's /stats failed either way. Jobs and their
results travel as pickles over the worker's standard input and output, one job at a time. It is
started on first use, kept for the next job, and started again if it died.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any, TypeVar, cast

T = TypeVar("T")

_HEADER = struct.Struct(">Q")
NICENESS = 10  # the worker's priority below the bot's
# Jobs are handed to the worker from this one thread, in the order they came.
_feeder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="worker-feeder")
_worker: _Worker | None = None
_closed = threading.Event()


class WorkerDied(RuntimeError):
    """The worker process ended during a job (killed, out of memory)."""


async def in_worker(work: Callable[..., T], *args: object) -> T:
    """``work(*args)`` in the worker process (``work`` and its arguments must pickle: a
    module-level function, a partial of one, and plain values)."""
    return await asyncio.get_running_loop().run_in_executor(_feeder, _job, work, args)


def give_back_memory() -> None:
    """In the worker: memory a job has freed goes back to the system. glibc keeps what many
    small arrays were freed from (the daily plan's pages of a million members: 350 MB) for the
    process to reuse, and the worker lives on between jobs; large arrays are given back anyway."""
    if sys.platform == "linux":
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # glibc's (not in musl)
        if trim is not None:
            trim(0)


def stop() -> None:
    """At the process's stop: the worker ends now, a job in progress with it."""
    global _worker
    _closed.set()
    worker, _worker = _worker, None
    if worker is not None:
        worker.end()


def _job(work: Callable[..., T], args: tuple[object, ...]) -> T:
    global _worker
    for attempt in (1, 2):  # a worker that died is started again, once
        if _closed.is_set():
            raise RuntimeError("the worker process was stopped")
        if _worker is None:
            _worker = _Worker()
        try:
            return cast(T, _worker.run(work, args))
        except WorkerDied:
            _worker.end()
            _worker = None
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


class _Worker:
    def __init__(self) -> None:
        # The bot's own import path, whichever way it was started (a checkout, a notebook).
        path = os.pathsep.join(entry or os.getcwd() for entry in sys.path)
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )

    def run(self, work: Callable[..., Any], args: tuple[object, ...]) -> Any:
        jobs, replies = self._process.stdin, self._process.stdout
        assert jobs is not None and replies is not None
        try:
            _write(jobs, (work, args))
            reply = _read(replies)
        except (BrokenPipeError, ConnectionResetError):
            reply = None
        if reply is None:
            raise WorkerDied("the worker process ended during a job")
        done, value = reply
        if done:
            return value
        raise value

    def end(self) -> None:
        self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                pipe.close()


def _write(pipe: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(_HEADER.pack(len(data)) + data)
    pipe.flush()


def _read(pipe: IO[bytes]) -> Any:
    """The next message, or None at the end of the stream."""
    header = pipe.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = pipe.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def _serve() -> None:
    """The worker's side: run each job read from standard input, answer on standard output,
    until the bot closes the pipe (or goes away)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the bot, which then ends us
    # A core short, the bot and its database go first: members' updates wait on them, and the
    # worker's long jobs (the daily plan takes minutes at a million members) barely notice.
    os.nice(NICENESS)
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    # What the work prints goes to standard error, never into the replies.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    jobs = sys.stdin.buffer
    while (job := _read(jobs)) is not None:
        work, args = job
        try:
            reply: tuple[bool, object] = (True, work(*args))
        except Exception as error:  # noqa: BLE001 - raised again in the bot
            reply = (False, error)
        try:
            _write(replies, reply)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            _write(replies, (False, RuntimeError(f"the result could not be sent back: {error}")))


if __name__ == "__main__":
    _serve()

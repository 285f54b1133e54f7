"""Members' pictures are read (decoded, searched for codes) in one thread of their own.

Off the event loop: Pillow and zxing-cpp let go of the interpreter while they work (the loop's
longest gap was 8 ms while three 2,560 px photos were read). And one picture at a time: reading
a large photo takes a few hundred milliseconds of a core, so members adding or relaying photos
together — or one member scripting uploads of 10 MB photos the screen refuses, which nothing
counts — take at most one of the bot's cores, never all of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="picture-reader")


async def read_picture(read: Callable[[bytes], T], content: bytes) -> T:
    """``read(content)`` in the pictures' thread, after the pictures before it."""
    return await asyncio.get_running_loop().run_in_executor(_reader, read, content)

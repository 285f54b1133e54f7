"""The drawing and grouping worker starts whoever embeds the bot: a script without an
``if __name__ == "__main__":`` guard, or code piped to ``python -``, gets its /stats chart
(the worker used to import the caller's main module again and fail)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.common.workers import in_worker

ROOT = Path(__file__).resolve().parent.parent

# Drives the sandbox at module level, as a quick script or a notebook cell does.
UNGUARDED = """
import asyncio

from bot.tools.sandbox import Sandbox
from tests.helpers import PUDONG, seed_union

print("script body ran")


async def main():
    async with Sandbox() as sb:
        boss = sb.user("老张")
        await seed_union(sb, [], organisers={PUDONG: [boss.id]})
        await boss.send("/stats")
        chart = boss.bot_messages()[-1]
        png = chart.kind == "photo" and sb.api.files[chart.file_id][1].startswith(b"\\x89PNG")
        print("chart drawn" if png else "no chart: " + boss.last_text())


asyncio.run(main())
"""


def run_python(tmp_path: Path, args: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HUIHUI_")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(ROOT)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.mark.parametrize("how", ["script without a main guard", "piped to python -"])
def test_stats_draws_its_chart_however_the_bot_is_embedded(tmp_path: Path, how: str) -> None:
    if how == "piped to python -":
        result = run_python(tmp_path, ["-"], stdin=UNGUARDED)
    else:
        (tmp_path / "try_stats.py").write_text(UNGUARDED, encoding="utf-8")
        result = run_python(tmp_path, ["try_stats.py"])
    assert result.returncode == 0, result.stderr
    # Once: the worker did not run the caller's code again.
    assert result.stdout.splitlines() == ["script body ran", "chart drawn"], result.stderr
    assert "Traceback" not in result.stderr


async def test_a_worker_that_died_is_started_again_and_errors_come_back_as_raised() -> None:
    first = await in_worker(os.getpid)
    assert first != os.getpid()
    os.kill(first, signal.SIGKILL)
    again = await in_worker(os.getpid)
    assert again not in (first, os.getpid())
    with pytest.raises(ValueError, match="invalid literal"):
        await in_worker(int, "十二")
    assert await in_worker(int, "12") == 12

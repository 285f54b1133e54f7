"""One member floods the bot; does anybody else wait?

Members ask /help one after another with a realistic Bot API round trip, first alone (the
baseline, in the same run), then while one member sends ``--flood`` updates at once. The figure
is the p95 of the others' reply time, flood against baseline. Target: within 2×.

    python benchmarks/flood.py [--flood 20000] [--members 20] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402  (benchmarks/report.py)

from bot.tools.sandbox import Sandbox, SimulatedUser  # noqa: E402

TARGET_RATIO = 2.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def replies(members: list[SimulatedUser], rounds: int) -> list[float]:
    """Each member asks /help ``rounds`` times; the time to each answer (ms)."""

    async def one(member: SimulatedUser) -> list[float]:
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            await member.send("/help")
            timings.append((time.perf_counter() - started) * 1000)
        return timings

    found = await asyncio.gather(*(one(member) for member in members))
    return [t for timings in found for t in timings]


async def run(flood: int, members: int, rounds: int, latency: float) -> dict[str, Any]:
    async with Sandbox(api_latency=latency) as sb:
        others = [sb.user(f"会员{i}") for i in range(members)]
        baseline = await replies(others, rounds)
        flooder = sb.user("刷屏的人")
        started = time.perf_counter()
        sent = [asyncio.create_task(flooder.send(f"第{i}条")) for i in range(flood)]
        await asyncio.sleep(0)
        during = await replies(others, rounds)
        await asyncio.gather(*sent)
        flood_seconds = time.perf_counter() - started
        answered = len(flooder.texts())
        lanes = sb.app.update_processor.active_lanes
    base_p95, flood_p95 = percentile(baseline, 0.95), percentile(during, 0.95)
    return {
        "flood_updates": flood,
        "other_members": members,
        "api_latency_s": latency,
        "baseline_p95_ms": round(base_p95, 1),
        "during_flood_p95_ms": round(flood_p95, 1),
        "ratio": round(flood_p95 / base_p95, 2),
        "flooder_answered": answered,
        "flood_handled_in_s": round(flood_seconds, 1),
        "lanes_left": lanes,
        "targets_met": flood_p95 <= TARGET_RATIO * base_p95 and lanes == 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.flood, args.members, args.rounds, args.latency))
    emit(result, args.json)
    return 0 if result["targets_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

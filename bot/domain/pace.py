"""How fast someone may do something: a burst, then one every so often (a token bucket).

Nothing is stored but the moments of what was done: a new action conforms when, for every
one of the latest actions, the actions since it (the new one included) fit in the burst plus
what the time since has earned back. That is exactly a bucket of ``burst`` tokens that refills
one token every ``every``, checked against the recent past.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Pace:
    burst: int
    every: timedelta

    @property
    def remembered(self) -> int:
        """How many of the latest actions ``allows`` needs to see."""
        return 3 * self.burst


def allows(pace: Pace, latest: Sequence[datetime], now: datetime) -> bool:
    """Whether one more action now keeps to the pace; ``latest``: the moments of the latest
    actions, newest first."""
    for since_then, moment in enumerate(latest, start=2):
        if since_then > pace.burst + (now - moment) / pace.every:
            return False
    return True

"""``huihui`` with the roster importer writing a whole file in one transaction, as it did before
issue 15 (a chunk of 2,000 rows at a time, all in the one transaction): the baseline of
benchmarks/import_beside_bot.py.

    python benchmarks/one_transaction_import.py roster import FILE --unit UNIT
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bot.services.roster_import as roster_import  # noqa: E402
from bot.cli import main  # noqa: E402

chunked = roster_import.import_roster


class _OneSession:
    """A sessionmaker whose every session and transaction is the one given."""

    def __init__(self, session: Any) -> None:
        self._session = session

    def __call__(self) -> contextlib.nullcontext[Any]:
        return contextlib.nullcontext(self._session)

    begin = __call__


async def in_one_transaction(db: Any, *args: Any, **kwargs: Any) -> Any:
    async with db.begin() as session:
        return await chunked(_OneSession(session), *args, **kwargs)


if __name__ == "__main__":
    roster_import.import_roster = in_one_transaction  # type: ignore[assignment]
    sys.exit(main(sys.argv[1:]))

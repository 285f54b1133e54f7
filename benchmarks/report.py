"""How every benchmark prints its result: one JSON object with --json, else aligned lines."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def emit(result: Mapping[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:>{width}}: {value}")

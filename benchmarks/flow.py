"""Exact bipartite b-matching by min-cost flow (successive shortest paths with Bellman–Ford).

Small graphs only (a speed-dating wave: tens of people, hundreds of pairs): it is the benchmark's
yardstick — the ceiling and the exact policy the bot's greedy plan is compared with — not
something the bot runs.
"""

from __future__ import annotations

from collections.abc import Mapping

Pair = tuple[int, int]


def b_matching(
    weights: Mapping[Pair, float],
    capacity: int,
    *,
    first_bonus: float = 0.0,
    cardinality: bool = False,
) -> list[Pair]:
    """Pairs (left, right) of greatest total weight, each person in at most ``capacity`` pairs.

    Only pairs of positive weight are worth taking. ``first_bonus`` is added for each person's
    first pair (so that everyone who can be paired is, when it costs little); with
    ``cardinality`` the number of pairs comes first and weight only breaks ties."""
    left = sorted({a for a, _ in weights})
    right = sorted({b for _, b in weights})
    index = {("L", a): n + 2 for n, a in enumerate(left)}
    index.update({("R", b): n + 2 + len(left) for n, b in enumerate(right)})
    source, sink = 0, 1
    size = 2 + len(left) + len(right)
    # Arc lists: to, capacity, cost, reverse index.
    graph: list[list[list[float]]] = [[] for _ in range(size)]

    def arc(u: int, v: int, cap: int, cost: float) -> None:
        graph[u].append([v, cap, cost, len(graph[v])])
        graph[v].append([u, 0, -cost, len(graph[u]) - 1])

    scale = max((abs(w) for w in weights.values()), default=1.0) or 1.0
    for side, people, into in (("L", left, True), ("R", right, False)):
        for person in people:
            node = index[(side, person)]
            for unit in range(capacity):
                bonus = first_bonus if unit == 0 else 0.0
                if into:
                    arc(source, node, 1, -bonus)
                else:
                    arc(node, sink, 1, -bonus)
    pair_arcs: dict[Pair, tuple[int, int]] = {}
    for (a, b), w in weights.items():
        u, v = index[("L", a)], index[("R", b)]
        cost = -(w / scale) - (len(weights) + 1.0 if cardinality else 0.0)
        pair_arcs[(a, b)] = (u, len(graph[u]))
        arc(u, v, 1, cost)
    while True:
        dist = [float("inf")] * size
        back: list[tuple[int, int] | None] = [None] * size
        dist[source] = 0.0
        for _ in range(size):
            changed = False
            for u in range(size):
                if dist[u] == float("inf"):
                    continue
                for n, (v, cap, cost, _r) in enumerate(graph[u]):
                    if cap > 0 and dist[u] + cost < dist[int(v)] - 1e-12:
                        dist[int(v)] = dist[u] + cost
                        back[int(v)] = (u, n)
                        changed = True
            if not changed:
                break
        if dist[sink] >= -1e-12:
            break
        node = sink
        while node != source:
            step = back[node]
            assert step is not None
            u, n = step
            forward = graph[u][n]
            forward[1] -= 1
            graph[int(forward[0])][int(forward[3])][1] += 1
            node = u
    return sorted(pair for pair, (u, n) in pair_arcs.items() if graph[u][n][1] == 0)

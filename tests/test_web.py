"""The bot's web server as an operator uses it: is it alive, does it serve, what do the gauges
say, against a running bot (the sandbox stands in for Telegram)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app.health import Readiness, Role
from bot.app.serve import WebServer
from bot.common.metrics import REGISTRY
from bot.services.monitoring import Monitoring
from bot.tools.sandbox import Sandbox
from bot.web import create_web_app
from bot.web.metrics import DatabaseGauges
from tests.helpers import PUDONG, seed_union, sign_up
from tests.test_matching_bot import WOMAN
from tests.test_scheduler import schedule_notice


@pytest.fixture
async def web(sandbox: Sandbox) -> AsyncIterator[tuple[Readiness, httpx.AsyncClient]]:
    readiness = Readiness()
    server = WebServer(create_web_app(readiness), "127.0.0.1", 0)
    await server.start()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        yield readiness, client
    await server.stop()


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, tuple], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


async def test_alive_at_once_ready_once_serving_and_standby_says_so(
    sandbox: Sandbox, web: tuple[Readiness, httpx.AsyncClient], caplog: pytest.LogCaptureFixture
) -> None:
    readiness, client = web
    alive = await client.get("/healthz")
    assert (alive.status_code, alive.json()) == (200, {"status": "alive"})
    starting = await client.get("/readyz")
    assert (starting.status_code, starting.json()["role"]) == (503, "starting")
    assert (await scrape(client))[("huihui_leader", ())] == 0

    readiness.serving(sandbox.app, sandbox.engine)
    with caplog.at_level(logging.INFO):
        ready = await client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"role": "leader"})
    # Probed every few seconds: a ready answer adds nothing to the log (alembic's "Context
    # impl" lines came twice a probe). Only this test's client and the request line pytest's
    # capture turns on are left (a real process has no handler for uvicorn.access), and the
    # bot's own scheduler, whose wake-up job may run during the probe (seen under load).
    assert [
        r.name
        for r in caplog.records
        if r.name not in ("httpx", "uvicorn.access") and not r.name.startswith("apscheduler")
    ] == []
    assert (await scrape(client))[("huihui_leader", ())] == 1

    readiness.role = Role.STANDBY
    standby = await client.get("/readyz")
    assert (standby.status_code, standby.json()) == (503, {"role": "standby"})
    assert (await scrape(client))[("huihui_leader", ())] == 0
    # A standby that lost the database could not take over: it said only "standby".
    readiness.held_up("PostgreSQL cannot be reached (ConnectionRefusedError)")
    cut_off = (await client.get("/readyz")).json()
    assert cut_off == {
        "role": "standby",
        "reasons": ["PostgreSQL cannot be reached (ConnectionRefusedError)"],
    }
    readiness.role = Role.STANDBY  # the database is back: waiting as before
    assert (await client.get("/readyz")).json() == {"role": "standby"}
    assert (await client.get("/healthz")).status_code == 200


async def test_a_database_that_cannot_be_reached_is_not_ready(
    sandbox: Sandbox, web: tuple[Readiness, httpx.AsyncClient]
) -> None:
    readiness, client = web
    nowhere = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    readiness.serving(sandbox.app, nowhere)
    refused = await client.get("/readyz")
    await nowhere.dispose()
    assert refused.status_code == 503
    assert refused.json()["role"] == "leader"
    assert refused.json()["reasons"][0].startswith("the database cannot be reached")


async def test_metrics_count_updates_errors_and_backlog_without_ids(
    sandbox: Sandbox, web: tuple[Readiness, httpx.AsyncClient]
) -> None:
    _readiness, client = web
    before = await scrape(client)
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3])
    await seed_union(sandbox, [WOMAN])
    await sign_up(xiaoyu, WOMAN)
    await xiaoyu.send("/feedback")
    await xiaoyu.send("希望多办些周末活动 🙏")
    blocked = sandbox.user("屏蔽了会会的人")
    sandbox.api.inject_error(blocked.chat_id, "blocked")
    await blocked.send("/help")

    # The sender stopped while a notice became due three minutes ago: the backlog an
    # operator is alerted to.
    sandbox.app.delivery.scheduler.stop()
    now = sandbox.clock.now()
    await schedule_notice(sandbox, xiaoyu.id, "迟到的通知", now - timedelta(minutes=3))
    settings = sandbox.settings
    await DatabaseGauges(Monitoring(sandbox.app.services.db, sandbox.clock, settings.tz)).refresh()

    after = await scrape(client)

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("huihui_updates_total", kind="message") >= 3
    assert grew("huihui_updates_total", kind="callback_query") >= 1  # the sign-up's buttons
    assert grew("huihui_update_duration_seconds_count", handler="feedback") == 2
    assert grew("huihui_update_duration_seconds_count", handler="onboarding") >= 1
    assert grew("huihui_telegram_errors_total", error="Forbidden") >= 1
    assert after[("huihui_members_verified", ())] == 1
    assert after[("huihui_inbox_open_threads", ())] == 1
    assert after[("huihui_outbox_pending", ())] == 1
    assert after[("huihui_outbox_oldest_age_seconds", ())] >= 180
    assert after[("huihui_tasks_overdue", ())] >= 1
    assert after[("huihui_updates_in_flight", ())] == 0
    text = (await client.get("/metrics")).text
    # As whole words: a float such as 1.5353136100002303 may hold an id's digits by chance.
    for private in (str(xiaoyu.id), str(blocked.id), *WOMAN):
        assert not re.search(rf"(?<![\w.]){re.escape(private)}(?![\w.])", text), private
    assert PUDONG not in text
    # What the alerts read is there before it first happens: 0, not "no data".
    for series in (
        'huihui_broadcast_messages_total{result="failed"}',
        'huihui_broadcast_messages_total{result="uncertain"}',
        'huihui_telegram_errors_total{error="RetryAfter"}',
        'huihui_telegram_errors_total{error="Conflict"}',  # the token polled twice
    ):
        assert series in text


def test_the_dashboard_and_alerts_chart_only_metrics_the_bot_exports() -> None:
    suffixes = ("", "_total", "_bucket", "_count", "_sum")
    exported = {family.name + suffix for family in REGISTRY.collect() for suffix in suffixes}
    deploy = Path(__file__).resolve().parent.parent / "deploy"
    dashboard = json.loads((deploy / "grafana-dashboard.json").read_text(encoding="utf-8"))
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    charted = set(re.findall(r"\b(?:huihui|process)_[a-z_]+", " ".join(queries)))
    assert "huihui_outbox_oldest_age_seconds" in charted and len(charted) >= 15
    assert charted <= exported, charted - exported
    for rules in deploy.glob("*.yml"):
        named = set(re.findall(r"\bhuihui_[a-z_]+", rules.read_text(encoding="utf-8")))
        assert named <= exported, (rules.name, named - exported)


def test_the_dashboard_names_its_data_source_the_way_grafana_imports_it() -> None:
    path = Path(__file__).resolve().parent.parent / "deploy" / "grafana-dashboard.json"
    text = path.read_text(encoding="utf-8")
    dashboard = json.loads(text)
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    inputs = {i["name"] for i in dashboard.get("__inputs", [])}
    # Grafana's import requires a value for every declared input, used or not, and replaces
    # ${NAME} only for those; a provisioned file gets no replacement at all. So every panel
    # and query goes through a data source variable (what Grafana's own export leaves
    # as it is), and an input is declared only if something refers to it.
    sources = [
        holder["datasource"]
        for panel in dashboard["panels"]
        for holder in (panel, *panel["targets"])
    ]
    assert len(sources) >= 30
    for source in sources:
        assert source["type"] == "prometheus", source
        name = re.fullmatch(r"\$\{(\w+)\}", source["uid"])
        assert name and name[1] in variables, source
        assert variables[name[1]]["type"] == "datasource"
        assert variables[name[1]]["query"] == "prometheus"
    referred = set(re.findall(r"\$\{?(?!__)(\w+)", text))
    assert referred <= variables.keys() | inputs, referred - variables.keys() - inputs
    assert inputs <= referred, inputs - referred

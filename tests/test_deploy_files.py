"""What an operator copies from the repository: the settings documented where they look for
them, a Prometheus configuration that does not page for a process nobody started, and
metrics named by Prometheus' rules with no ids in their labels."""

from __future__ import annotations

import re
from pathlib import Path

from prometheus_client import generate_latest
from prometheus_client.metrics import MetricWrapperBase

from bot.common import metrics
from bot.common.config import Settings
from bot.common.metrics import REGISTRY

ROOT = Path(__file__).resolve().parent.parent


def documented(path: Path) -> set[str]:
    """The variables a Markdown file's tables name in their first column."""
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    return {name for row in rows for name in re.findall(r"`(HUIHUI_[A-Z_]+)`", row.split("|")[1])}


def test_every_setting_the_bot_reads_is_in_the_deployment_guide_and_the_readme() -> None:
    read = {f"HUIHUI_{name.upper()}" for name in Settings.model_fields}
    assert read - documented(ROOT / "docs" / "deploy.md") == set()
    assert read - documented(ROOT / "README.md") == set()


def compose_services() -> dict[str, bool]:
    """compose.yaml's services, and whether each starts only with a profile."""
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    services = text.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    blocks = re.split(r"\n(?=  [a-z_-]+:\n)", "\n" + services)
    return {
        block.split(":", 1)[0].strip(): "\n    profiles:" in block
        for block in blocks
        if block.strip()
    }


def test_prometheus_scrapes_the_bot_and_its_standby_only_when_they_run() -> None:
    services = compose_services()
    assert {"postgres", "bot", "standby", "prometheus"} <= services.keys()
    assert services["standby"] and not services["bot"]
    scrape = (ROOT / "deploy" / "prometheus.yml").read_text(encoding="utf-8")
    # A listed target that is not running is "down" and pages; names found through DNS are
    # scraped only while a container answers to them.
    listed = re.findall(r"targets:\s*\[([^\]]*)\]", scrape)
    assert all(
        services[t.strip(' "').split(":")[0]] is False
        for t in ",".join(listed).split(",")
        if t.strip()
    )
    found = re.findall(r"names:\s*\[([^\]]*)\]", scrape)
    assert {name.strip(' "') for name in ",".join(found).split(",")} == {"bot", "standby"}


def test_the_bot_and_its_standby_run_under_an_init() -> None:
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    anchor = text.split("\nx-bot: &bot\n", 1)[1].split("\nservices:\n", 1)[0]
    # Only the anchor's own keys (two spaces in), not those of a nested map.
    assert re.search(r"^  init: true$", anchor, re.MULTILINE)
    services = text.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    blocks = [b for b in re.split(r"\n(?=  [a-z_-]+:\n)", "\n" + services) if b.strip()]
    bots = [b.split(":", 1)[0].strip() for b in blocks if "\n    <<: *bot\n" in b]
    assert {"bot", "standby"} <= set(bots)
    # As PID 1 without an init, the bot would leave pg_dump's and the worker's zombies
    # unreaped; no service may take that back.
    assert not any(re.search(r"^    init:", b, re.MULTILINE) for b in blocks)


def test_metrics_follow_prometheus_naming_and_label_no_one() -> None:
    families = [family for family in REGISTRY.collect() if family.name.startswith("huihui_")]
    assert len(families) >= 15
    for family in families:
        assert re.fullmatch(r"huihui_[a-z][a-z0-9_]*", family.name), family.name
        assert family.documentation, family.name
        # prometheus_client adds _total to a counter's samples; nothing else may end so.
        assert not family.name.endswith(("_total", "_count", "_sum", "_bucket")), family.name
        # Times in seconds, the base unit, said in the name.
        if re.search(r"_(duration|age|lag|timestamp)(_|$)", family.name):
            assert family.name.endswith("_seconds"), family.name
    labelled = [m for m in vars(metrics).values() if isinstance(m, MetricWrapperBase)]
    labels = {label for metric in labelled for label in metric._labelnames}
    # Each takes values from a closed list (Telegram's update kinds, the conversations, error
    # classes, delivery results); none names a person, a chat or a message.
    assert labels == {"kind", "handler", "result", "error"}


def test_a_scrape_exports_no_created_timestamps_beside_counters() -> None:
    metrics.UPDATES.labels("message").inc(0)
    metrics.UPDATE_DURATION.labels("help_menu")
    scraped = generate_latest(REGISTRY).decode()
    assert 'huihui_updates_total{kind="message"}' in scraped
    assert "_created" not in scraped

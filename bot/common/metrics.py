"""What a running bot tells Prometheus (``GET /metrics``).

One registry of the bot's own (not prometheus_client's global one), so that a test or an
embedding program sees exactly these. Names follow Prometheus' rules: counters end in
``_total`` (added by the client), durations are in seconds. Labels take only a few known
values (an update's kind, a conversation's name, an error's class, a delivery's result):
never a member, chat or message id.
"""

from __future__ import annotations

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)

from bot.domain.broadcasts import DeliveryStatus

# Without this every counter and histogram also exports a gauge ``<name>_created``: when the
# process started counting, a timestamp named against the rules (``huihui_updates_created``,
# ``huihui_update_duration_seconds_created``) that doubles the series and no chart uses.
disable_created_metrics()

REGISTRY = CollectorRegistry(auto_describe=True)
for _collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    REGISTRY.register(_collector)

UPDATES = Counter(
    "huihui_updates",
    "Updates received from Telegram, by kind (message, callback_query, ...)",
    ["kind"],
    registry=REGISTRY,
)
UPDATE_DURATION = Histogram(
    "huihui_update_duration_seconds",
    "Time from a handler starting on an update to its end, by the conversation that took it",
    ["handler"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
UPDATES_IN_FLIGHT = Gauge(
    "huihui_updates_in_flight", "Updates being handled right now", registry=REGISTRY
)
OUTBOX_PENDING = Gauge(
    "huihui_outbox_pending", "Notices due and not yet sent to their member", registry=REGISTRY
)
OUTBOX_OLDEST_AGE = Gauge(
    "huihui_outbox_oldest_age_seconds",
    "How long the oldest notice due and not yet sent has waited (0 when none waits)",
    registry=REGISTRY,
)
TASKS_OVERDUE = Gauge(
    "huihui_tasks_overdue",
    "Scheduled tasks (notices, reminders, broadcasts, digests) due over a minute ago, not run",
    registry=REGISTRY,
)
BROADCAST_MESSAGES = Counter(
    "huihui_broadcast_messages",
    "Broadcast deliveries by result (sent, unreachable, failed, uncertain)",
    ["result"],
    registry=REGISTRY,
)
TELEGRAM_ERRORS = Counter(
    "huihui_telegram_errors",
    "Bot API calls that failed, by error (Forbidden, BadRequest, RetryAfter, TimedOut, ...)",
    ["error"],
    registry=REGISTRY,
)
EVENT_LOOP_LAG = Gauge(
    "huihui_event_loop_lag_seconds",
    "How late the event loop woke a timer, the most over the last few seconds",
    registry=REGISTRY,
)
DB_POOL_IN_USE = Gauge(
    "huihui_db_pool_in_use", "Database connections checked out of the pool", registry=REGISTRY
)
LEADER = Gauge(
    "huihui_leader",
    "1 while this process serves the bot, 0 while it waits as standby or is starting",
    registry=REGISTRY,
)
MEMBERS_VERIFIED = Gauge(
    "huihui_members_verified", "Members verified against their union's roster", registry=REGISTRY
)
MATCHES_TODAY = Gauge(
    "huihui_matches_today", "Matches made since local midnight", registry=REGISTRY
)
INBOX_OPEN_THREADS = Gauge(
    "huihui_inbox_open_threads", "Open /ask and /feedback threads", registry=REGISTRY
)
GAUGES_UPDATED = Gauge(
    "huihui_gauges_updated_timestamp_seconds",
    "When the gauges read from the database (outbox, tasks, members...) were last read",
    registry=REGISTRY,
)

# The series an alert or a chart reads exist at 0 from the start: a rate over a series that
# has not appeared yet is "no data", which an operator cannot tell from a scrape that failed.
for _kind in ("message", "callback_query"):
    UPDATES.labels(_kind)
for _status in (
    DeliveryStatus.SENT,
    DeliveryStatus.FAILED,
    DeliveryStatus.UNREACHABLE,
    DeliveryStatus.UNCERTAIN,
):
    BROADCAST_MESSAGES.labels(_status.value)
for _error in ("Forbidden", "BadRequest", "RetryAfter", "TimedOut", "NetworkError", "Conflict"):
    TELEGRAM_ERRORS.labels(_error)

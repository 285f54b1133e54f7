# syntax=docker/dockerfile:1
# 会会 in a container: `huihui run` (long polling) by default, `huihui webhook` behind a proxy.
# The base image is an argument because registries may be out of reach: any Debian-like image
# with Python 3.11+ and its venv module works (`make image-test` builds one from Debian's
# package archive). Build: docker build --build-arg BASE_IMAGE=python:3.11-slim-bookworm .
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/huihui
WORKDIR /src
# Only what the package needs: tests, benchmarks and the data stay out (.dockerignore).
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY conversations ./conversations
COPY storage ./storage
RUN /opt/huihui/bin/pip install --no-compile ".[postgres]" \
    && /opt/huihui/bin/python -m compileall -q /opt/huihui/lib

FROM ${BASE_IMAGE}
# pg_dump and pg_restore for `huihui backup` / `huihui restore` on PostgreSQL (their major
# version must be the server's or newer); PG_CLIENT= (empty) leaves them out.
ARG PG_CLIENT=postgresql-client
RUN if [ -n "$PG_CLIENT" ] && ! command -v pg_dump >/dev/null; then \
        apt-get update \
        && apt-get install -y --no-install-recommends "$PG_CLIENT" \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/huihui --create-home \
        --shell /usr/sbin/nologin huihui \
    && install -d -o huihui -g huihui /var/lib/huihui/backups
COPY --from=build /opt/huihui /opt/huihui
# The web server (health, metrics, webhook) listens on every interface inside the container;
# publish it to the host's loopback or a reverse proxy only (compose.yaml does).
ENV PATH=/opt/huihui/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HUIHUI_HTTP_HOST=0.0.0.0 \
    HUIHUI_HTTP_PORT=8080 \
    HUIHUI_DATABASE_URL=sqlite+aiosqlite:////var/lib/huihui/huihui.db \
    HUIHUI_BACKUP_DIR=/var/lib/huihui/backups
USER huihui
WORKDIR /var/lib/huihui
VOLUME ["/var/lib/huihui"]
EXPOSE 8080
# Alive: the process's event loop answers. Readiness (/readyz) is for load balancers and for
# telling the leader from a standby; a standby is healthy, so it is not restarted.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HUIHUI_HTTP_PORT', '8080'), timeout=4)"]
# Migrations are applied at start by the process that becomes the leader (never by a standby,
# never by two processes at once): `huihui run` needs no separate migration step.
ENTRYPOINT ["huihui"]
CMD ["run"]

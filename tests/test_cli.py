"""The ``huihui`` command as an operator uses it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.common.config import Settings
from bot.tools.synthetic import INTRODUCTIONS, synthetic_profiles
from tests.test_reaching_telegram import telegram_refusing_the_token  # noqa: F401 - a fixture

ROOT = Path(__file__).resolve().parent.parent


def huihui(*args: str, cwd: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HUIHUI_")}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", ["run", "webhook"])
def test_serving_without_a_token_exits_2_naming_the_variable(tmp_path: Path, command: str) -> None:
    result = huihui(command, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "HUIHUI_BOT_TOKEN" in result.stderr
    assert not (tmp_path / "huihui.db").exists()


SECRET_RULE = (
    "huihui: HUIHUI_WEBHOOK_SECRET must be 16-256 characters A-Z a-z 0-9 _ - "
    "(for example: openssl rand -hex 32)\n"
)


@pytest.mark.parametrize(
    "secret",
    [
        None,
        "",
        "   ",
        "hunter2",
        "a" * 15,
        "correct horse battery",
        "会会的秘密口令会会的秘密口令会会",
        "a" * 257,
    ],
    ids=["unset", "empty", "blank", "short", "15", "spaces", "chinese", "too-long"],
)
def test_webhook_with_a_missing_or_weak_secret_refuses_to_start_in_one_line(
    tmp_path: Path, secret: str | None
) -> None:
    given = {} if secret is None else {"HUIHUI_WEBHOOK_SECRET": secret}
    result = huihui(
        "webhook",
        cwd=tmp_path,
        HUIHUI_BOT_TOKEN="123:abc",
        HUIHUI_WEBHOOK_URL="https://bot.example.org",
        **given,
    )
    assert (result.returncode, result.stderr) == (2, SECRET_RULE)
    assert not (tmp_path / "huihui.db").exists()


def test_webhook_without_an_address_says_so(tmp_path: Path) -> None:
    result = huihui(
        "webhook", cwd=tmp_path, HUIHUI_BOT_TOKEN="123:abc", HUIHUI_WEBHOOK_SECRET="x" * 32
    )
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "HUIHUI_WEBHOOK_URL" in result.stderr


def test_a_secret_of_16_characters_is_taken(
    tmp_path: Path,
    telegram_refusing_the_token: str,  # noqa: F811 - the fixture imported above
) -> None:
    """It passes the check and the bot goes on to Telegram (which refuses this token)."""
    result = huihui(
        "webhook",
        cwd=tmp_path,
        HUIHUI_BOT_TOKEN="123:abc",
        HUIHUI_WEBHOOK_URL="https://bot.example.org",
        HUIHUI_WEBHOOK_SECRET="Ab3_-" * 3 + "z",
        HUIHUI_BOT_API_URL=telegram_refusing_the_token,
        HUIHUI_HTTP_PORT="0",
    )
    assert result.returncode == 2
    assert "Telegram refused HUIHUI_BOT_TOKEN" in result.stderr and "SECRET" not in result.stderr


def test_an_address_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = huihui("run", cwd=tmp_path, HUIHUI_BOT_TOKEN="123:abc", HUIHUI_HTTP_PORT=str(port))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "HUIHUI_HTTP_PORT" in result.stderr and "Traceback" not in result.stderr


def test_invalid_configuration_is_reported_in_one_line(tmp_path: Path) -> None:
    result = huihui("run", cwd=tmp_path, HUIHUI_TIMEZONE="Mars/Olympus_Mons")
    assert result.returncode == 2
    assert "HUIHUI_TIMEZONE" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        # A proxy without its scheme: the library's error printed the address, password and all.
        ("HUIHUI_PROXY", "user:s3cr3t-pw@proxy.example.org:1080", "socks5://"),
        ("HUIHUI_LOG_LEVEL", "verbose", "DEBUG, INFO"),
        # Reminded an hour after the event began, or as it starts.
        ("HUIHUI_EVENT_REMINDERS", "24,-1", "from 1 to 720"),
        ("HUIHUI_EVENT_REMINDERS", "0", "from 1 to 720"),
        # Telegram opens Web App buttons only over HTTPS: every button would have failed later.
        ("HUIHUI_PUBLIC_URL", "http://huihui.example.org", "https://"),
        ("HUIHUI_WEBHOOK_URL", "huihui.example.org", "https://"),
    ],
)
def test_a_setting_that_cannot_work_is_one_line_that_keeps_secrets(
    tmp_path: Path, setting: str, value: str, said: str
) -> None:
    result = huihui("run", cwd=tmp_path, HUIHUI_BOT_TOKEN="123:abc", **{setting: value})
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert setting in result.stderr and said in result.stderr
    assert "s3cr3t" not in result.stderr


def test_settings_read_as_people_write_them() -> None:
    """A lower-case log level is the level; an empty line of a .env template is no setting
    (HUIHUI_BACKUP_DIR= put daily backups in the working folder; an empty token counted as
    one)."""
    settings = Settings(
        log_level="debug",
        backup_dir="",
        bot_token=" ",
        proxy="",
        public_url="",
        event_reminders="2，24,24",
        webhook_url=" https://huihui.example.org/ ",
    )
    assert settings.log_level == "DEBUG"
    assert settings.backup_dir is None and settings.bot_token is None and settings.proxy is None
    assert settings.public_url is None  # no Web App buttons, rather than a broken address
    assert settings.event_reminders == (24, 2)  # a full-width comma, and 24 once
    assert settings.webhook_url == "https://huihui.example.org"


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("sqlite+aiosqlite:////no/such/folder/huihui.db", "unable to open database file"),
        ("postgres://huihui:s3cr3t@db/huihui", "not an address huihui can use"),
        ("postgresql+asyncpg://huihui:s3cr3t@127.0.0.1:1/huihui", "Connect call failed"),
    ],
)
def test_a_database_that_cannot_be_used_is_one_line(tmp_path: Path, url: str, said: str) -> None:
    result = huihui("db", "upgrade", cwd=tmp_path, HUIHUI_DATABASE_URL=url)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "cannot use HUIHUI_DATABASE_URL" in result.stderr and said in result.stderr
    assert "s3cr3t" not in result.stderr


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_serving_a_database_postgresql_refuses_exits_2_instead_of_waiting(
    tmp_path: Path, database_url: str
) -> None:
    """A database or role that does not exist is not an outage to wait out: the bot waited
    for ever, and its health check said it was alive."""
    missing = make_url(database_url).set(database="huihui_no_such_database")
    result = huihui(
        "run",
        cwd=tmp_path,
        HUIHUI_BOT_TOKEN="123:abc",
        HUIHUI_HTTP_PORT="0",
        HUIHUI_DATABASE_URL=missing.render_as_string(hide_password=False),
    )
    assert result.returncode == 2, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last == (
        'huihui: PostgreSQL refused HUIHUI_DATABASE_URL: database "huihui_no_such_database" '
        "does not exist"
    )
    assert "Traceback" not in result.stderr


def test_configuration_is_read_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"HUIHUI_DATABASE_URL=sqlite+aiosqlite:///{tmp_path}/from-dotenv.db\n", encoding="utf-8"
    )
    result = huihui("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-dotenv.db").exists()


def test_db_upgrade_creates_the_schema_and_can_run_again(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/members.db"
    first = huihui("db", "upgrade", cwd=tmp_path, HUIHUI_DATABASE_URL=url)
    assert first.returncode == 0, first.stderr
    assert "database is at revision" in first.stdout
    again = huihui("db", "upgrade", cwd=tmp_path, HUIHUI_DATABASE_URL=url)
    assert again.returncode == 0 and again.stdout == first.stdout


def test_demo_prints_a_two_sided_conversation_in_chinese(tmp_path: Path) -> None:
    result = huihui("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "👤 小雨: /start" in out and "🤖 会会: 你好，小雨！我是会会" in out
    assert "✅ 核实成功" in out and "🎉 资料填写完成" in out
    assert "名册：李明 · PD2024002" in out and "✅ 已通过" in out
    assert "That is someone else's contact" in out
    assert "⟳ 会会 restarted" in out and "🤖 会会: 谢谢！" in out
    assert "everything about you has been deleted" in out
    assert list(tmp_path.iterdir()) == [], "the demo must not leave files behind"
    # Told in the order it happened: 阿明 asks before the organiser approves him, and fills in
    # his profile before 小雨 is shown his card.
    approved = "👤 工会老张（浦东新区总工会管理员）: ▸ pressed [通过]"
    assert out.index("👤 阿明: 李铭") < out.index(approved)
    assert out.index("👤 阿明: 阿明") < out.index("🤖 会会: 阿明 · ")
    assert out.count("⟳ 会会 restarted") == 1  # once, not once per chat
    # A person to ask, a first conversation through 会会, contacts when both agree.
    assert "🤖 会会: 🏛 浦东新区总工会 · 红娘：白天约在人多的咖啡馆" in out
    assert "我先替你收起来了" in out and "🤝 你和小雨同意交换联系方式。" in out


def test_synthetic_members_have_names_of_their_gender_and_written_introductions() -> None:
    female = {"秀英", "桂英", "丽华", "兰英", "玉兰", "婷婷", "丽娟"}
    profiles = [answers for answers, _must in synthetic_profiles(300, 2026)]
    men = [p["nickname"] for p in profiles if p["gender"] == "male"]
    assert men and not female & set(men)
    assert all(p["introduction"] in INTRODUCTIONS for p in profiles)


def test_chat_has_people_to_suggest_and_an_organiser_mode(tmp_path: Path) -> None:
    script = [
        "/start",
        "1",
        ":contact",
        "王小语",
        "PD2024001",
        "申通地铁",
        ":reject",  # a wrong one first
        "1",
        ":contact",
        "王小雨",
        "PD2024001",
        "申通地铁",
        ":approve 王小雨",  # no such request waiting: it was verified at once
        ":organiser",
        "/stats",
        ":member",
        ":quit",
    ]
    result = huihui("chat", "--name", "Lin", cwd=tmp_path, stdin="\n".join(script) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "❌ 未通过，已通知该会员。" in out and "联系工会：浦东新区总工会职工服务中心" in out
    assert "✅ 核实成功" in out
    assert "say whose request" in out  # never a press on the wrong button
    assert "你负责的工会的统计" in out and "资料完整：60" in out  # organiser mode


def test_chat_lets_a_person_sign_up_pressing_numbered_buttons(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "/start",
            "1",
            ":contact",
            "王小语",
            "PD2024001",
            "申通地铁",
            ":approve",
            "1",
            "1",
            "/language",
            "2",
            "/help",
            ":wait 1x",
            ":quit",
        ]
    )
    result = huihui("chat", "--name", "Lin", cwd=tmp_path, stdin=script + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "你好，Lin！" in out
    assert "  1. 同意\n  2. 不同意" in out
    assert "工会工作人员会人工核对" in out
    assert "✅ 工会已确认你的会员身份" in out and "单身承诺" in out
    assert "第 1/32 题" in out
    assert "Done — I will speak English with you from now on." in out
    assert "Here is what I can do:" in out
    assert "say how long" in out

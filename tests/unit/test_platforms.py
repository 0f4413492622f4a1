"""channels.platforms and launcher.rasa_server: messaging platforms switched on by environment
variables, through a generated credentials file that holds placeholders, never secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.run import create_http_input_channels

from channels.facebook import FacebookChannel
from channels.platforms import PLATFORMS, credentials_with_platforms, platform_setup
from channels.slack import SlackChannel
from channels.telegram import TelegramChannel
from channels.twilio import TwilioChannel
from launcher.rasa_server import with_platform_credentials

ROOT = Path(__file__).resolve().parents[2]
# values YAML would misread if they were written into the file: a colon, a hash, quotes
EVERY_PLATFORM = {
    "PUBLIC_URL": "https://bot.example.org/",
    "TELEGRAM_TOKEN": "123456:AA#b'c\"d",
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "s: #1",
    "FACEBOOK_VERIFY_TOKEN": "verify-0f3a",
    "FACEBOOK_APP_SECRET": "app-secret-0f3a",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "page-token",
    "TWILIO_ACCOUNT_SID": "AC123",
    "TWILIO_AUTH_TOKEN": "twilio-token",
    "TWILIO_NUMBER": "whatsapp:+15550000000",
}


def test_no_platform_variables_switch_nothing_on() -> None:
    setup = platform_setup({"PUBLIC_URL": "https://bot.example.org", "SLACK_CHANNEL": "#x"})
    assert setup.enabled == () and setup.incomplete == ()
    assert setup.summary({}) == ["Messaging platforms on: none (only rest and socketio)."]


def test_all_variables_switch_every_platform_on_and_a_whatsapp_number_is_whatsapp() -> None:
    setup = platform_setup(EVERY_PLATFORM)
    assert [platform.name for platform in setup.enabled] == [
        "telegram",
        "slack",
        "facebook",
        "twilio",
    ]
    summary = setup.summary(EVERY_PLATFORM)
    assert summary == ["Messaging platforms on: telegram, slack, facebook, twilio (WhatsApp)."]


def test_a_half_configured_platform_stays_off_and_says_what_is_missing() -> None:
    environment = {"SLACK_BOT_TOKEN": "xoxb-secret-value", "SLACK_SIGNING_SECRET": "  "}
    setup = platform_setup(environment)
    assert setup.enabled == ()
    summary = "\n".join(setup.summary(environment))
    assert "slack is off: SLACK_SIGNING_SECRET not set" in summary
    assert "xoxb-secret-value" not in summary, "names only, never values"


def test_the_credentials_hold_placeholders_that_rasa_fills_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = platform_setup(EVERY_PLATFORM)
    base = (ROOT / "credentials.yml").read_text(encoding="utf-8")
    text = credentials_with_platforms(base, setup.enabled, EVERY_PLATFORM)
    assert text.startswith(base.rstrip())
    for value in EVERY_PLATFORM.values():
        assert value not in text, "no secret is written"
    added = text[len(base.rstrip()) :]
    assert "api_url" not in added and "slack_channel" not in added, "unset optional keys: none"

    for name, value in EVERY_PLATFORM.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "credentials.yml"
    path.write_text(text, encoding="utf-8")
    channels = {type(channel): channel for channel in create_http_input_channels(None, str(path))}
    telegram = channels[TelegramChannel]
    assert telegram.access_token == EVERY_PLATFORM["TELEGRAM_TOKEN"]
    assert telegram.webhook_url == "https://bot.example.org/webhooks/telegram/webhook"
    assert channels[SlackChannel].slack_signing_secret == "s: #1"
    assert channels[FacebookChannel].fb_secret == "app-secret-0f3a"
    twilio = channels[TwilioChannel]
    assert twilio.twilio_number == "whatsapp:+15550000000"
    assert twilio.webhook_url == "https://bot.example.org/webhooks/twilio/webhook"
    assert {channel.name() for channel in channels.values()} >= {p.name for p in PLATFORMS}


def test_optional_settings_are_passed_when_set() -> None:
    environment = {
        **EVERY_PLATFORM,
        "TWILIO_WEBHOOK_URL": "https://proxy/sms",
        "SLACK_CHANNEL": "C1",
    }
    text = credentials_with_platforms("", platform_setup(environment).enabled, environment)
    assert "  webhook_url: ${TWILIO_WEBHOOK_URL}" in text
    assert "  slack_channel: ${SLACK_CHANNEL}" in text


def test_rasa_run_gets_the_generated_credentials_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.yml"
    base.write_text("rest:\n", encoding="utf-8")
    for credentials in (["--credentials", str(base)], [f"--credentials={base}"]):
        arguments = with_platform_credentials(["run", "--port", "1", *credentials], EVERY_PLATFORM)
        assert arguments[:3] == ["run", "--port", "1"] and arguments[3] == "--credentials"
        generated = Path(arguments[4])
        assert generated != base and len(arguments) == 5
        assert generated.read_text(encoding="utf-8").startswith("rest:\n\n# Added at start-up")
        generated.unlink()
    assert "Messaging platforms on: telegram, slack" in capsys.readouterr().out


def test_without_platforms_or_for_other_commands_the_arguments_stay() -> None:
    run = ["run", "--credentials", "credentials.yml"]
    assert with_platform_credentials(run, {}) == run
    shell = ["shell", "--credentials", "credentials.yml"]
    assert with_platform_credentials(shell, EVERY_PLATFORM) == shell

"""Messaging platforms, switched on by environment variables alone (README, "Channels").

A platform is on when all its required variables are set (and not empty). At start-up,
launcher/rasa_server.py writes a credentials file: credentials.yml plus one block per platform
that is on, whose values are `${VARIABLE}` placeholders. Rasa replaces them from the
environment when it reads the file, so no secret is ever written to disk. With no platform
variables, only credentials.yml's own channels (`rest` and `socketio`) are open.

No Rasa import: the launcher and the unit tests read this table without loading Rasa.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


def is_set(environment: Mapping[str, str], name: str) -> bool:
    """Whether the variable `name` has a value (blank counts as not set)."""
    return bool(environment.get(name, "").strip())


@dataclass(frozen=True)
class Platform:
    """A messaging platform: Rasa's channel name (its webhook is /webhooks/<name>/webhook), the
    project's connector class, and the connector's credential keys with the variable of each."""

    name: str
    connector: str
    required: Mapping[str, str]
    optional: Mapping[str, str] = field(default_factory=dict)

    def missing(self, environment: Mapping[str, str]) -> list[str]:
        """The required variables that are not set (an empty value counts as not set)."""
        return [name for name in self.required.values() if not is_set(environment, name)]

    def label(self, environment: Mapping[str, str]) -> str:
        """The name, saying which of SMS and WhatsApp Twilio carries."""
        if self.name != "twilio":
            return self.name
        whatsapp = environment.get("TWILIO_NUMBER", "").strip().startswith("whatsapp:")
        return f"twilio ({'WhatsApp' if whatsapp else 'SMS'})"

    def credentials_block(self, environment: Mapping[str, str]) -> str:
        """This platform's credentials.yml block: the required keys and the optional keys whose
        variables are set, each as a ${VARIABLE} placeholder (plain, unquoted: Rasa replaces
        placeholders in plain YAML values only)."""
        keys = dict(self.required)
        keys.update({key: name for key, name in self.optional.items() if is_set(environment, name)})
        lines = [f"  {key}: ${{{name}}}" for key, name in keys.items()]
        return "\n".join([f"{self.connector}:", *lines])


PLATFORMS = (
    Platform(
        "telegram",
        "channels.telegram.TelegramChannel",
        required={"access_token": "TELEGRAM_TOKEN", "public_url": "PUBLIC_URL"},
        optional={"api_url": "TELEGRAM_API_URL"},
    ),
    Platform(
        "slack",
        "channels.slack.SlackChannel",
        required={
            "slack_token": "SLACK_BOT_TOKEN",
            "slack_signing_secret": "SLACK_SIGNING_SECRET",
        },
        optional={"slack_channel": "SLACK_CHANNEL", "api_url": "SLACK_API_URL"},
    ),
    Platform(
        "facebook",
        "channels.facebook.FacebookChannel",
        required={
            "verify": "FACEBOOK_VERIFY_TOKEN",
            "secret": "FACEBOOK_APP_SECRET",
            "page-access-token": "FACEBOOK_PAGE_ACCESS_TOKEN",
        },
        optional={"api_url": "FACEBOOK_API_URL"},
    ),
    Platform(
        "twilio",
        "channels.twilio.TwilioChannel",
        required={
            "account_sid": "TWILIO_ACCOUNT_SID",
            "auth_token": "TWILIO_AUTH_TOKEN",
            "twilio_number": "TWILIO_NUMBER",
        },
        optional={
            "webhook_url": "TWILIO_WEBHOOK_URL",
            "public_url": "PUBLIC_URL",
            "api_url": "TWILIO_API_URL",
        },
    ),
)
# Set by some platforms' variables but not specific to one: does not switch a platform on alone.
SHARED_VARIABLES = {"PUBLIC_URL"}
PLATFORM_VARIABLES = sorted(
    {
        name
        for platform in PLATFORMS
        for name in [*platform.required.values(), *platform.optional.values()]
    }
)


@dataclass(frozen=True)
class PlatformSetup:
    """Which platforms the environment switches on, and which it half-configures."""

    enabled: tuple[Platform, ...]
    # a platform with some of its own variables set but not all: (platform, missing variables)
    incomplete: tuple[tuple[Platform, tuple[str, ...]], ...]

    def summary(self, environment: Mapping[str, str]) -> list[str]:
        """Lines for the server's log: platform names and variable names, never values."""
        names = ", ".join(platform.label(environment) for platform in self.enabled)
        lines = [f"Messaging platforms on: {names or 'none (only rest and socketio)'}."]
        lines += [
            f"Messaging platform {platform.name} is off: {', '.join(missing)} not set."
            for platform, missing in self.incomplete
        ]
        return lines


def platform_setup(environment: Mapping[str, str]) -> PlatformSetup:
    """The platforms `environment` switches on, and those it names but leaves incomplete."""
    enabled, incomplete = [], []
    for platform in PLATFORMS:
        missing = platform.missing(environment)
        own = set(platform.required.values()) - SHARED_VARIABLES
        if not missing:
            enabled.append(platform)
        elif any(is_set(environment, name) for name in own):
            incomplete.append((platform, tuple(missing)))
    return PlatformSetup(tuple(enabled), tuple(incomplete))


def credentials_with_platforms(
    base: str, platforms: tuple[Platform, ...], environment: Mapping[str, str]
) -> str:
    """The text of credentials.yml (`base`) followed by a block for each of `platforms`."""
    if not platforms:
        return base
    blocks = "\n\n".join(platform.credentials_block(environment) for platform in platforms)
    note = "# Added at start-up from the environment (channels/platforms.py)."
    return f"{base.rstrip()}\n\n{note}\n{blocks}\n"

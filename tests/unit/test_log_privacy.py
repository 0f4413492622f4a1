"""backcare.log_privacy: failures are logged as events, the text only behind the switch."""

from __future__ import annotations

import pytest

from backcare.log_privacy import describe_failure, logs_user_data

SECRET = "I'm 12 weeks and bleeding"


def _failure() -> BaseException:
    try:
        try:
            {"stage": "trimester_1"}[SECRET]
        except KeyError as error:
            raise RuntimeError(f"could not read {SECRET!r}") from error
    except RuntimeError as error:
        return error
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    ("value", "on"), [("", False), ("false", False), ("0", False), ("true", True), ("1", True)]
)
def test_the_switch(value: str, on: bool) -> None:
    assert logs_user_data({"LOG_USER_DATA": value}) is on
    assert logs_user_data({}) is False


def test_by_default_a_failure_is_described_without_its_messages() -> None:
    described = describe_failure(_failure(), with_user_data=False)
    assert SECRET not in described
    assert "KeyError" in described and "RuntimeError" in described
    assert "test_log_privacy.py" in described, "the code lines it went through are kept"


def test_with_the_switch_the_messages_are_shown() -> None:
    described = describe_failure(_failure(), with_user_data=True)
    assert SECRET in described
    assert "KeyError" in described and "RuntimeError" in described

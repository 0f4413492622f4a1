"""A failing custom action apologises and logs the failure without the person's text."""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

import actions
from actions.adapters import FailSafeAction
from actions.recommendations import ActionMoreExercises
from backcare.replies import ACTION_UNAVAILABLE
from tests.actions.support import make_tracker, run_action

SECRET = "I'm 12 weeks and bleeding SENTINEL"


class ActionThatFails(FailSafeAction):
    def name(self) -> str:
        return "action_that_fails"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        raise ValueError(f"cannot handle {tracker.latest_message['text']!r}")


def test_every_custom_action_is_fail_safe() -> None:
    for module in pkgutil.iter_modules(actions.__path__):
        importlib.import_module(f"actions.{module.name}")
    custom = [
        cls
        for cls in _subclasses(Action)
        if cls.__module__.startswith("actions.") and not inspect.isabstract(cls)
    ]
    assert len(custom) >= 7
    assert [cls.__name__ for cls in custom if not issubclass(cls, FailSafeAction)] == []


def test_a_real_action_with_a_broken_slot_apologises() -> None:
    events, messages = run_action(ActionMoreExercises(), make_tracker(shown_exercises=5))
    assert events == []
    assert [message["text"] for message in messages] == [ACTION_UNAVAILABLE]


def test_the_failure_is_logged_without_the_text(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOG_USER_DATA", raising=False)
    with caplog.at_level(logging.ERROR, logger="actions.adapters"):
        _, messages = run_action(ActionThatFails(), make_tracker(SECRET))
    assert [message["text"] for message in messages] == [ACTION_UNAVAILABLE]
    assert "action_that_fails failed" in caplog.text and "ValueError" in caplog.text
    assert "SENTINEL" not in caplog.text


def test_the_switch_logs_the_failures_message(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOG_USER_DATA", "true")
    with caplog.at_level(logging.ERROR, logger="actions.adapters"):
        run_action(ActionThatFails(), make_tracker(SECRET))
    assert "SENTINEL" in caplog.text


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found

"""components.dialogue_states.IncrementalStatesTracker gives the states Rasa's own tracker gives,
after every event of conversations with forms, hidden rule turns, reverts and restarts."""

from __future__ import annotations

import itertools

import pytest
from rasa.core.featurizers.tracker_featurizers import TrackerFeaturizer
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Event,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from components.dialogue_states import IncrementalStatesTracker
from launcher.settings import REPO_ROOT

DOMAIN = Domain.load(REPO_ROOT / "domain.yml")
RULE_ONLY_DATA = {"slots": ["requested_slot"], "loops": ["exercise_form"]}
OPTIONS = [
    {"omit_unset_slots": omit, "ignore_rule_only_turns": ignore, "rule_only_data": data}
    for omit, (ignore, data) in itertools.product(
        (False, True), ((False, None), (True, RULE_ONLY_DATA), (True, None))
    )
]


def said(intent: str, text: str, **entities: str) -> list[Event]:
    found = [{"entity": name, "value": value} for name, value in entities.items()]
    return [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": intent, "confidence": 1.0}, found),
    ]


def form_turns() -> list[Event]:
    """The exercise form asks for the stage, then the area, then recommends (happy path: the
    form's earlier runs are undone in Rasa's applied events)."""
    return [
        *said("request_exercises", "exercises please"),
        ActionExecuted("exercise_form"),
        ActiveLoop("exercise_form"),
        SlotSet("requested_slot", "stage"),
        BotUttered("How far along are you?"),
        *said("inform_stage", "30 weeks", stage="trimester_3"),
        SlotSet("stage", "trimester_3"),
        ActionExecuted("exercise_form"),
        SlotSet("requested_slot", "body_areas"),
        *said("inform_body_area", "lower back", body_area="lower_back"),
        SlotSet("body_areas", ["lower_back"]),
        ActionExecuted("exercise_form"),
        SlotSet("requested_slot", None),
        ActiveLoop(None),
        ActionExecuted("action_recommend_exercises", hide_rule_turn=True),
        BotUttered("Here are some gentle exercises"),
    ]


CONVERSATION: list[Event] = [
    ActionExecuted("action_session_start"),
    SessionStarted(),
    *said("greet", "hi"),
    ActionExecuted("utter_greet", hide_rule_turn=True),
    BotUttered("Hi!"),
    ActionExecuted("utter_disclaimer", hide_rule_turn=True),
    *form_turns(),
    *said("request_more", "more"),
    ActionExecuted("action_more_exercises"),
    SlotSet("shown_exercises", ["cat_cow"]),
    *said("out_of_scope", "qwzx plorf"),
    ActionExecuted("action_default_fallback"),
    BotUttered("Sorry, I didn't get that"),
    UserUtteranceReverted(),
    *said("ask_causes", "why does it hurt?"),
    FollowupAction("action_explain_causes"),
    ActionExecuted("action_explain_causes"),
    ActionReverted(),
    ActionExecuted("action_explain_causes"),
    *form_turns(),
    Restarted(),
    *said("greet", "hello again"),
    ActionExecuted("utter_greet"),
    ActionExecuted("action_session_start"),
    SessionStarted(),
    SlotSet("stage", "postpartum"),
    *said("thanks", "thanks"),
    ActionExecuted("utter_you_are_welcome", hide_rule_turn=True),
]


@pytest.mark.parametrize("options", OPTIONS)
def test_states_after_every_event_are_rasas(options: dict) -> None:
    incremental = IncrementalStatesTracker("a", DOMAIN.slots)
    for number, event in enumerate(CONVERSATION, start=1):
        incremental.update(event)
        rasas = DialogueStateTracker.from_events("a", CONVERSATION[:number], DOMAIN.slots)
        expected = rasas.past_states(DOMAIN, **options)
        assert incremental.past_states(DOMAIN, **options) == expected, f"after event {number}"
        # asked twice without a new event, and for other options in between
        incremental.past_states(DOMAIN)
        assert incremental.past_states(DOMAIN, **options) == expected, f"again after {number}"


@pytest.mark.parametrize("options", OPTIONS)
def test_the_featurizers_edits_change_nothing_kept(options: dict) -> None:
    """Rasa's featurizers delete the last state's intent or text in place, before every
    prediction; the next call must not see that."""
    incremental = IncrementalStatesTracker("a", DOMAIN.slots)
    for number, event in enumerate(CONVERSATION, start=1):
        incremental.update(event)
        for use_text in (True, False):
            states = incremental.past_states(DOMAIN, **options)
            TrackerFeaturizer()._choose_last_user_input([states], use_text)
        rasas = DialogueStateTracker.from_events("a", CONVERSATION[:number], DOMAIN.slots)
        expected = rasas.past_states(DOMAIN, **options)
        assert incremental.past_states(DOMAIN, **options) == expected, f"after event {number}"


def test_applied_events_after_every_event_are_rasas() -> None:
    incremental = IncrementalStatesTracker("a", DOMAIN.slots)
    for number, event in enumerate(CONVERSATION, start=1):
        incremental.update(event)
        rasas = DialogueStateTracker.from_events("a", CONVERSATION[:number], DOMAIN.slots)
        expected = rasas.applied_events()
        assert incremental.applied_events() == expected, f"after event {number}"
        # a caller changing the list it got changes nothing kept
        incremental.applied_events().clear()
        assert incremental.applied_events() == expected, f"again after event {number}"


def test_a_copy_is_rasas_replayed_copy_and_changes_on_its_own() -> None:
    from rasa.shared.core.trackers import EventVerbosity

    incremental = IncrementalStatesTracker("a", DOMAIN.slots)
    for number, event in enumerate(CONVERSATION, start=1):
        incremental.update(event)
        copied = incremental.copy()
        replayed = DialogueStateTracker.copy(incremental)
        assert copied.current_state(EventVerbosity.ALL) == replayed.current_state(
            EventVerbosity.ALL
        ), f"after event {number}"
        assert copied.past_states(DOMAIN) == replayed.past_states(DOMAIN), f"after {number}"
    copied.update(SlotSet("stage", "trimester_1"))
    copied.update(ActionExecuted("action_listen"))
    assert incremental.get_slot("stage") == "postpartum"
    assert len(incremental.events) == len(CONVERSATION)

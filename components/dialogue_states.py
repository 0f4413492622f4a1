"""A conversation tracker that works out each dialogue state once per message.

Rasa 3.6's policies ask the tracker for the dialogue state at every action of the session
(`past_states`) several times per message: RulePolicy once or twice and MemoizationPolicy once
per prediction, and two or three predictions per message. Each time Rasa lists the applied
events and replays them from the start, so the work grows with the length of the conversation;
at turn 200 it was most of what a message cost (README, "Benchmark"). `IncrementalStatesTracker`
keeps the states it has worked out, with the replay that produced them, and on the next call
replays only the events added since. The states are those of Rasa's
`Domain.states_for_tracker_history`, whose loop `_PriorStates._add` follows step by step
(tests/unit/test_dialogue_states.py compares the two after every event). Events that can change
which earlier events apply (a restart, a session start, a revert, a form's activation or its
next run, which undoes its previous one) make it list the applied events again, as Rasa does,
and work the states out afresh when earlier ones changed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rasa.shared.core.constants import PREVIOUS_ACTION, USER
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

# Events after which DialogueStateTracker.applied_events may differ from before plus them.
HISTORY_CHANGING_EVENTS = (
    Restarted,
    SessionStarted,
    ActionReverted,
    UserUtteranceReverted,
    ActiveLoop,
)


def copy_state(source: DialogueStateTracker, target: DialogueStateTracker) -> None:
    """Give `target`, a new tracker with the same slots, the state of `source` without
    replaying its events (as `DialogueStateTracker.from_events` would): its events, slot values,
    loop, latest message and action, sharing nothing that events change in place. It sets what
    Rasa 3.6's `DialogueStateTracker.__init__` and events set."""
    target.events = target._create_events(list(source.events))
    for name, slot in source.slots.items():
        copied = target.slots[name]
        copied._value = copy.copy(slot._value)
        copied._has_been_set = slot._has_been_set
    target._paused = source._paused
    target.followup_action = source.followup_action
    target.latest_action = copy.copy(source.latest_action)
    target.latest_message = source.latest_message
    target.latest_bot_utterance = source.latest_bot_utterance
    target.active_loop = copy.copy(source.active_loop)


@dataclass
class _Carry:
    """What the loop of `Domain.states_for_tracker_history` carries from one action to the next
    when it leaves out rule-only turns."""

    last_ml_action_sub_state: dict[str, Any] | None = None
    turn_was_hidden: bool = False


def applied_after(
    events: Sequence[Event], seen: int, seen_last: Event | None, loop_names: set[str]
) -> list[Event] | None:
    """The events added to `events` after its first `seen` (the last of them `seen_last`; the
    loops named in them `loop_names`), when all of them are applied after the earlier ones (none
    is a restart, a revert, a loop's activation or run...); otherwise None, and the applied
    events must be listed again."""
    if not seen or seen > len(events) or events[seen - 1] is not seen_last:
        return None
    added = [events[index] for index in range(seen, len(events))]  # from the near end
    for event in added:
        if isinstance(event, HISTORY_CHANGING_EVENTS) or (
            isinstance(event, ActionExecuted) and event.action_name in loop_names
        ):
            return None
    return added


def loops_named(events: Sequence[Event]) -> set[str]:
    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


@dataclass
class _AppliedEvents:
    """A tracker's applied events when it had `seen` events, the last of them `seen_last`."""

    events: list[Event]
    seen: int
    seen_last: Event | None
    loop_names: set[str]

    def copy(self) -> _AppliedEvents:
        return replace(self, events=list(self.events), loop_names=set(self.loop_names))


@dataclass
class _PriorStates:
    """The states at the actions among the first `count` applied events, and their replay."""

    domain: Domain
    omit_unset_slots: bool
    ignore_rule_only_turns: bool
    rule_only_data: dict[str, Any] | None
    replay: DialogueStateTracker
    count: int = 0
    last_event: Event | None = None
    states: list[State] = field(default_factory=list)
    carry: _Carry = field(default_factory=_Carry)
    # the tracker's events when these were last brought up to date, and its loops' names
    seen: int = 0
    seen_last: Event | None = None
    loop_names: set[str] = field(default_factory=set)

    def copy(self) -> _PriorStates:
        """An independent copy: its replay and its list of states extend on their own."""
        replay = DialogueStateTracker(self.replay.sender_id, self.replay.slots.values())
        copy_state(self.replay, replay)
        return replace(
            self,
            replay=replay,
            states=list(self.states),
            carry=replace(self.carry),
            loop_names=set(self.loop_names),
        )

    def applied_additions(self, events: Sequence[Event]) -> list[Event] | None:
        """The events added to `events` since these were brought up to date (see
        `applied_after`)."""
        return applied_after(events, self.seen, self.seen_last, self.loop_names)

    def continues(self, applied: list[Event]) -> bool:
        """Whether `applied` starts with the events replayed so far (applied events only ever
        gain events or lose a tail, so the last one replayed tells)."""
        return self.count <= len(applied) and (
            self.count == 0 or applied[self.count - 1] is self.last_event
        )

    def extend(self, events: list[Event]) -> None:
        """Replay `events`, applied after those replayed so far."""
        for event in events:
            if isinstance(event, ActionExecuted):
                self._add(event.hide_rule_turn, self.states, self.carry)
            self.replay.update(event)
        self.count += len(events)
        if events:
            self.last_event = events[-1]

    def all_states(self) -> list[State]:
        """The states so far and the current one, as new dicts with their own user parts:
        Rasa's featurizers delete the text or the intent from those in place before every
        prediction. States that share a user part (a rule-only turn takes its predecessor's)
        share its copy, as they share the original."""
        copies: dict[int, dict[str, Any]] = {}
        states = []
        for state in self.states:
            user = state.get(USER)
            if user is not None:
                if id(user) not in copies:
                    copies[id(user)] = dict(user)
                state = {**state, USER: copies[id(user)]}
            states.append(state)
        self._add(False, states, replace(self.carry))
        return states

    def _add(self, hide_rule_turn: bool, states: list[State], carry: _Carry) -> None:
        """One step of `Domain.states_for_tracker_history` (rasa 3.6) for the replay as it is."""
        domain, tracker = self.domain, self.replay
        if self.ignore_rule_only_turns:
            if not carry.turn_was_hidden:
                carry.last_ml_action_sub_state = domain._get_prev_action_sub_state(tracker)
            if not tracker.followup_action and (
                tracker.latest_action_name != tracker.active_loop_name
            ):
                carry.turn_was_hidden = hide_rule_turn
            if carry.turn_was_hidden:
                return
        state = domain.get_active_state(tracker, omit_unset_slots=self.omit_unset_slots)
        if self.ignore_rule_only_turns:
            domain._remove_rule_only_features(state, self.rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if carry.last_ml_action_sub_state:
                state[PREVIOUS_ACTION] = carry.last_ml_action_sub_state
        states.append(domain._clean_state(state))


class IncrementalStatesTracker(DialogueStateTracker):
    """A DialogueStateTracker whose `past_states` replays only the events added since its last
    call with the same domain and options."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prior_states: dict[tuple, _PriorStates] = {}
        self._applied: _AppliedEvents | None = None

    def independent_copy(self) -> IncrementalStatesTracker:
        """A tracker in this one's state, with the states and applied events worked out so far,
        that changes on its own: the tracker store keeps one per conversation and hands out
        copies, so the next message works out only what its new events add."""
        twin = self.copy()
        twin._prior_states = {key: prior.copy() for key, prior in self._prior_states.items()}
        twin._applied = self._applied.copy() if self._applied else None
        return twin

    def copy(self) -> IncrementalStatesTracker:
        """A tracker in this one's state, made without replaying every event as Rasa's `copy`
        does (Rasa copies the tracker for every action it runs)."""
        twin = IncrementalStatesTracker(
            self.sender_id,
            self.slots.values(),
            self._max_event_history,
            is_rule_tracker=self.is_rule_tracker,
        )
        copy_state(self, twin)
        return twin

    def applied_events(self) -> list[Event]:
        """Rasa's applied events; when the events added since the last call all apply after the
        earlier ones, only they are looked at (Rasa lists them afresh from the start of the
        conversation, several times a message)."""
        known = self._applied
        added = (
            applied_after(self.events, known.seen, known.seen_last, known.loop_names)
            if known
            else None
        )
        if known is None or added is None:
            known = _AppliedEvents(super().applied_events(), 0, None, loops_named(self.events))
            self._applied = known
        else:
            known.events.extend(added)
        known.seen = len(self.events)
        known.seen_last = self.events[-1] if self.events else None
        return list(known.events)

    def past_states(
        self,
        domain: Domain,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        """The state at every action of the session and the current one (see Rasa's)."""
        key = (
            id(domain),
            omit_unset_slots,
            ignore_rule_only_turns,
            json.dumps(rule_only_data, sort_keys=True),
        )
        prior = self._prior_states.get(key)
        added = prior.applied_additions(self.events) if prior and prior.domain is domain else None
        if prior is not None and added is not None:
            prior.extend(added)
        else:
            applied = self.applied_events()
            if prior is None or prior.domain is not domain or not prior.continues(applied):
                prior = _PriorStates(
                    domain,
                    omit_unset_slots,
                    ignore_rule_only_turns,
                    rule_only_data,
                    self.init_copy(),
                )
                self._prior_states[key] = prior
            prior.extend(applied[prior.count :])
            prior.loop_names = loops_named(self.events)
        prior.seen = len(self.events)
        prior.seen_last = self.events[-1] if self.events else None
        return prior.all_states()

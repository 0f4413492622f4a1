"""The person's plan: make it after the exercise form, show it again, drop an exercise that hurt.

On the web widget's socket.io channel the plan comes with its downloads (a custom message the
widget turns into download links): the plain text always, the .ics file once check-in days are
chosen. Other channels get the text only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.adapters import (
    FailSafeAction,
    current_areas,
    current_stage,
    knowledge_base,
    named_exercise,
    send,
    signs_to_remind,
)
from backcare.checkins import parse_schedule
from backcare.knowledge_base import KnowledgeBase
from backcare.plan import Plan, build_plan, drop_exercise, hurt_cautions, plan_from_slot
from backcare.plan_export import plan_calendar
from backcare.replies import (
    Reply,
    no_plan_reply,
    plan_download_text,
    plan_dropped_reply,
    plan_reply,
    red_flag_reminder,
)

DOWNLOAD_CHANNEL = "socketio"


def send_plan(
    dispatcher: CollectingDispatcher, tracker: Tracker, kb: KnowledgeBase, plan: Plan, reply: Reply
) -> None:
    """The plan's reply, then (on the widget's channel, for a plan with exercises) its downloads."""
    send(dispatcher, reply)
    if tracker.get_latest_input_channel() != DOWNLOAD_CHANNEL or not plan.exercises:
        return
    download = {"text": plan_download_text(kb, plan), "ics": None}
    schedule = parse_schedule(tracker.get_slot("reminder_schedule"))
    if schedule is not None:
        uid = f"plan-{tracker.sender_id}@backcare"
        now = datetime.now().astimezone()
        download["ics"] = plan_calendar(kb, plan, schedule, now, uid).decode("utf-8")
    # Rasa's socket.io channel emits a custom message's keys as emit() arguments: `data` is
    # what the widget receives
    dispatcher.utter_message(json_message={"data": {"plan_download": download}})


def stored_plan(tracker: Tracker) -> tuple[KnowledgeBase, Plan | None]:
    """The knowledge base, and the plan kept in the conversation (None: no plan yet)."""
    kb = knowledge_base()
    return kb, plan_from_slot(kb, tracker.get_slot("plan"))


def make_plan_and_send(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A plan for the tracker's stage and areas (the exercise form has asked for them);
    exercises that hurt before stay out."""
    kb, previous = stored_plan(tracker)
    dropped = previous.dropped_ids if previous else ()
    plan = build_plan(kb, current_stage(tracker), current_areas(tracker), dropped)
    reply = plan_reply(kb, plan, red_flag_reminder(signs_to_remind(tracker)))
    send_plan(dispatcher, tracker, kb, plan, reply)
    return [SlotSet("plan", plan.to_slot()), SlotSet("plan_requested", False)]


class ActionShowPlan(FailSafeAction):
    """The plan kept in the conversation, or an offer to make one."""

    def name(self) -> str:
        return "action_show_plan"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb, plan = stored_plan(tracker)
        if plan is None:
            send(dispatcher, no_plan_reply())
        else:
            send_plan(dispatcher, tracker, kb, plan, plan_reply(kb, plan))
        return []


class ActionDropExercise(FailSafeAction):
    """An exercise hurt: the guides' caution, and the plan without it."""

    def name(self) -> str:
        return "action_drop_exercise"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb, plan = stored_plan(tracker)
        exercise = named_exercise(tracker)
        if exercise is None:
            send(dispatcher, plan_reply(kb, plan) if plan else no_plan_reply())
            return []
        stage = plan.stage if plan else current_stage(tracker)
        smaller = drop_exercise(kb, plan, exercise.id) if plan else None
        send(dispatcher, plan_dropped_reply(kb, exercise, hurt_cautions(kb, stage), smaller))
        return [SlotSet("plan", smaller.to_slot())] if smaller else []

"""Check-ins survive a restart of the Rasa server (launcher/reminders.py).

Across one restart: a check-in that falls due after it reaches the widget on time, one that fell
due while the server was down reaches it once, soon after the server is back, a REST
conversation's check-in, set before its session ended, is stored (REST has no way to push it),
and a stopped one stays stopped.
The widgets reconnect on their own, as the web widget does. Check-in times are whole minutes, so
the test waits for a minute boundary and two minutes more: about three minutes.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta

from actions.checkins import CHECKIN_INTENT
from backcare.checkins import DAYS
from backcare.knowledge_base import load_knowledge_base
from backcare.reminders import RESTORED_LAG
from backcare.replies import checkin_reply, reminders_stopped_reply
from launcher.stack import AssistantStack
from tests.e2e.test_checkins import CHECKIN_QUESTION, WidgetClient

# how late a check-in may arrive after it is due, beyond RESTORED_LAG (a busy 2-core machine)
SLACK = timedelta(seconds=20)


def choice(due: datetime) -> str:
    """The button payload that picks a weekly check-in at `due` (a whole minute)."""
    return "/request_reminder" + json.dumps(
        {"reminder_schedule": f"{DAYS[due.weekday()]}@{due:%H:%M}"}
    )


def opt_in(widget: WidgetClient, due: datetime) -> None:
    widget.say("remind me")
    widget.next_text("Which suits you?", 60)
    widget.say(choice(due))
    widget.next_text("Done: I'll check in on", 60)


def whole_minute_after(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)


def now() -> datetime:
    return datetime.now().astimezone()


def checkins(assistant: AssistantStack, sender: str) -> list[dict]:
    """The check-ins that fired in a conversation (Rasa records each as an external message)."""
    events = assistant.tracker(sender)["events"]
    return [
        event
        for event in events
        if event["event"] == "user" and event["parse_data"]["intent"]["name"] == CHECKIN_INTENT
    ]


def unread_texts(widget: WidgetClient) -> list[str]:
    texts = []
    while not widget.messages.empty():
        texts.append(widget.messages.get().get("text", ""))
    return texts


def test_checkins_survive_a_rasa_server_restart(assistant: AssistantStack) -> None:
    expected = checkin_reply(load_knowledge_base()).text
    # due while the server is down; then due once it is back (starting took up to 60 s on this
    # 2-core machine while other servers were busy)
    missed_due = whole_minute_after(now() + timedelta(seconds=15))
    on_time_due = missed_due + timedelta(minutes=2)
    rest_sender = f"e2e-{uuid.uuid4().hex[:12]}"
    widgets: list[WidgetClient] = []
    try:
        for _ in range(3):
            widgets.append(WidgetClient(assistant.rasa_url))
        missed, on_time, stopped = widgets
        opt_in(missed, missed_due)
        opt_in(on_time, on_time_due)
        opt_in(stopped, on_time_due)
        stopped.say("stop reminders")
        stopped.next_text(reminders_stopped_reply(True).text, 60)
        assistant.send(rest_sender, "remind me")
        assistant.send(rest_sender, choice(on_time_due))
        # a new session, as after an hour of silence: the check-in was set in the one before
        assistant.send(rest_sender, "/session_start")
        kinds = [event["event"] for event in assistant.tracker(rest_sender)["events"]]
        assert "session_started" in kinds[kinds.index("reminder") :]

        assistant.stop_server("rasa")
        assert now() < missed_due, "setting up took too long: the first check-in already fell due"
        time.sleep((missed_due - now()).total_seconds() + 1)
        assistant.start_rasa_server()
        back = now()
        assert back < on_time_due, "the restart took too long to test a check-in due after it"

        late = missed.next_text(CHECKIN_QUESTION, (RESTORED_LAG + SLACK).total_seconds())
        assert late["text"] == expected
        arrived = on_time.next_text(
            CHECKIN_QUESTION, (on_time_due - now() + RESTORED_LAG + SLACK).total_seconds()
        )
        assert arrived["text"] == expected
        assert now() >= on_time_due

        # REST cannot push: the check-in is in the conversation, and in time
        deadline = time.monotonic() + 30
        while (
            not (rest_checkins := checkins(assistant, rest_sender)) and time.monotonic() < deadline
        ):
            time.sleep(1)
        assert len(rest_checkins) == 1
        assert rest_checkins[0]["timestamp"] >= on_time_due.timestamp()

        time.sleep(3)  # every restored reminder of this minute has run by now
        assert len(checkins(assistant, missed.session_id)) == 1, "the missed check-in fired once"
        assert CHECKIN_QUESTION not in "".join(unread_texts(missed))
        assert checkins(assistant, stopped.session_id) == []
        assert CHECKIN_QUESTION not in "".join(unread_texts(stopped))
    finally:
        for widget in widgets:
            widget.close()

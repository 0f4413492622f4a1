"""The personal plan over the REST channel: asked for, shown again, adapted, and stopped by a
red flag."""

from __future__ import annotations

from backcare.knowledge_base import load_knowledge_base
from backcare.plan import build_plan, drop_exercise, hurt_cautions
from backcare.replies import plan_dropped_reply, plan_reply, red_flag_reminder
from launcher.stack import AssistantStack
from tests.e2e.replies import as_sent, bot_messages, buttons, texts
from tests.e2e.test_safety import EMERGENCY_ADVICE, assert_escalated


def test_plan_asks_for_what_it_needs_then_is_shown_and_adapted(
    assistant: AssistantStack, sender: str
) -> None:
    kb = load_knowledge_base()
    assert "How far along" in texts(assistant.send(sender, "make me a plan"))
    assert "Where does it hurt" in texts(assistant.send(sender, "I had my baby 6 weeks ago"))
    answer = assistant.send(sender, "my glutes")
    plan = build_plan(kb, "postpartum", ["glutes"])
    assert as_sent(plan_reply(kb, plan)) in bot_messages(answer)
    assert assistant.tracker(sender)["slots"]["plan"] == plan.to_slot()
    assert bot_messages(assistant.send(sender, "show my plan")) == [as_sent(plan_reply(kb, plan))]

    answer = assistant.send(sender, "the bridge hurt my back")
    smaller = drop_exercise(kb, plan, "glute_bridge")
    bridge = kb.exercises["glute_bridge"]
    expected = plan_dropped_reply(kb, bridge, hurt_cautions(kb, "postpartum"), smaller)
    assert bot_messages(answer) == [as_sent(expected)]
    assert "glute_bridge" not in assistant.tracker(sender)["slots"]["plan"]["exercises"]


def test_plan_button_after_recommendations_and_a_red_flag_stops_the_plan(
    assistant: AssistantStack, sender: str
) -> None:
    kb = load_knowledge_base()
    first = assistant.send(sender, "my upper back hurts and I'm in my second trimester")
    plan_button = next(b for b in buttons(first) if b["title"] == "Make me a plan")
    answer = assistant.send(sender, plan_button["payload"])
    plan = build_plan(kb, "trimester_2", ["upper_back"])
    assert as_sent(plan_reply(kb, plan)) in bot_messages(answer)

    escalation = texts(assistant.send(sender, "I'm bleeding quite heavily"))
    assert_escalated(escalation, EMERGENCY_ADVICE)
    later = texts(assistant.send(sender, "give me a routine"))
    assert later.startswith(red_flag_reminder("bleeding")), later

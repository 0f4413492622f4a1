"""The plan actions with real Trackers and a CollectingDispatcher."""

from icalendar import Calendar

from actions.plan import ActionDropExercise, ActionShowPlan
from actions.recommendations import ActionRecommendExercises
from backcare.knowledge_base import load_knowledge_base
from backcare.plan import build_plan, drop_exercise, hurt_cautions
from backcare.recommender import recommend
from backcare.replies import (
    no_plan_reply,
    plan_download_text,
    plan_dropped_reply,
    plan_reply,
    recommendation_reply,
    red_flag_reminder,
)
from tests.actions.support import (
    exercise_entity,
    make_tracker,
    run_action,
    said,
    sent,
    slot_events,
)

KB = load_knowledge_base()


def test_completed_form_makes_the_plan_when_one_was_asked_for():
    tracker = make_tracker(
        "make me a plan",
        "request_plan",
        stage="postpartum",
        body_areas=["glutes"],
        plan_requested=True,
    )
    events, messages = run_action(ActionRecommendExercises(), tracker)
    plan = build_plan(KB, "postpartum", ["glutes"])
    assert said(messages) == [sent(plan_reply(KB, plan))]
    assert slot_events(events) == {"plan": plan.to_slot(), "plan_requested": False}


def test_without_a_plan_request_the_form_still_recommends():
    tracker = make_tracker(stage="trimester_2", body_areas=["lower_back"], plan_requested=False)
    events, messages = run_action(ActionRecommendExercises(), tracker)
    assert "plan" not in slot_events(events)
    result = recommend(KB, "trimester_2", ["lower_back"])
    assert said(messages) == [sent(recommendation_reply(KB, result))]
    assert "Make me a plan" in [button["title"] for button in messages[0]["buttons"]]


def test_plan_keeps_exercises_that_hurt_out_and_opens_with_a_red_flag_reminder():
    earlier = drop_exercise(KB, build_plan(KB, "postpartum", ["glutes"]), "glute_bridge")
    tracker = make_tracker(
        stage="postpartum",
        body_areas=["glutes", "lower_back"],
        plan_requested=True,
        plan=earlier.to_slot(),
        red_flag_signs="bleeding",
    )
    events, messages = run_action(ActionRecommendExercises(), tracker)
    plan = slot_events(events)["plan"]
    assert plan["dropped"] == ["glute_bridge"] and "glute_bridge" not in plan["exercises"]
    assert plan["areas"] == ["glutes", "lower_back"]
    expected = build_plan(KB, "postpartum", ["glutes", "lower_back"], ("glute_bridge",))
    assert plan == expected.to_slot()
    assert said(messages) == [sent(plan_reply(KB, expected, red_flag_reminder("bleeding")))]


def test_show_plan_shows_the_kept_plan_or_offers_one():
    plan = build_plan(KB, "trimester_3", ["upper_back"])
    _, messages = run_action(
        ActionShowPlan(), make_tracker(intent="show_plan", plan=plan.to_slot())
    )
    assert said(messages) == [sent(plan_reply(KB, plan))]
    _, messages = run_action(ActionShowPlan(), make_tracker(intent="show_plan"))
    assert said(messages) == [sent(no_plan_reply())]


def test_exercise_that_hurt_is_dropped_with_the_guides_caution():
    plan = build_plan(KB, "postpartum", ["glutes"])
    tracker = make_tracker(
        "the bridge hurt my back",
        "exercise_hurt",
        exercise_entity("glute_bridge"),
        plan=plan.to_slot(),
    )
    events, messages = run_action(ActionDropExercise(), tracker)
    smaller = drop_exercise(KB, plan, "glute_bridge")
    bridge = KB.exercises["glute_bridge"]
    assert said(messages) == [
        sent(plan_dropped_reply(KB, bridge, hurt_cautions(KB, "postpartum"), smaller))
    ]
    assert slot_events(events) == {"plan": smaller.to_slot()}
    assert "glute_bridge" not in smaller.to_slot()["exercises"]


def test_exercise_that_hurt_without_a_plan_still_gets_the_caution():
    tracker = make_tracker(
        "cat cow hurt", "exercise_hurt", exercise_entity("cat_cow"), stage="trimester_1"
    )
    events, messages = run_action(ActionDropExercise(), tracker)
    cautions = hurt_cautions(KB, "trimester_1")
    assert said(messages) == [sent(plan_dropped_reply(KB, KB.exercises["cat_cow"], cautions, None))]
    assert events == []


def _on_channel(tracker, channel):
    tracker.events.append({"event": "user", "input_channel": channel})
    return tracker


def test_widget_gets_the_plan_downloads_other_channels_the_text_only():
    plan = build_plan(KB, "trimester_3", ["upper_back"])
    slots = {"plan": plan.to_slot(), "reminder_schedule": "mon,wed,fri@19:00"}
    tracker = _on_channel(make_tracker(intent="show_plan", **slots), "socketio")
    _, messages = run_action(ActionShowPlan(), tracker)
    assert messages[0]["text"] == plan_reply(KB, plan).text
    download = messages[1]["custom"]["data"]["plan_download"]
    assert download["text"] == plan_download_text(KB, plan)
    (event,) = Calendar.from_ical(download["ics"]).walk("VEVENT")
    assert event["rrule"]["BYDAY"] == ["MO", "WE", "FR"]

    no_days = _on_channel(make_tracker(intent="show_plan", plan=plan.to_slot()), "socketio")
    _, messages = run_action(ActionShowPlan(), no_days)
    assert messages[1]["custom"]["data"]["plan_download"]["ics"] is None
    rest = _on_channel(make_tracker(intent="show_plan", **slots), "rest")
    _, messages = run_action(ActionShowPlan(), rest)
    assert len(messages) == 1

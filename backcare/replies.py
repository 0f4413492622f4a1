"""Everything the assistant says in its custom actions, composed from the knowledge base.

The one home for user-facing wording (with the responses in domain.yml): the recommender and
the knowledge base return facts (ids, flags, items), and these functions turn them into text
and buttons. A stage is a stage id, or None when not known. Buttons are data (title, intent,
entities); the Rasa action adapter turns them into payloads. No Rasa import, so the wording is
unit-tested directly and could serve another front end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from backcare.checkins import SCHEDULE_CHOICES, Schedule, parse_schedule
from backcare.knowledge_base import STAGES, TIP_TOPICS, Caution, Exercise, Item, KnowledgeBase
from backcare.plan import Plan
from backcare.recommender import RecommendationResult
from backcare.text import join_words
from backcare.urgency import Urgency

AREA_PHRASES = {
    "lower_back": "lower back",
    "mid_back": "mid back",
    "upper_back": "upper back",
    "neck_shoulders": "neck and shoulders",
    "hips_pelvis": "hips and pelvis",
    "glutes": "glutes",
}
STAGE_PHRASES = {
    "trimester_1": "in your first trimester",
    "trimester_2": "in your second trimester",
    "trimester_3": "in your third trimester",
    "postpartum": "after birth",
}
STAGE_NAMES = {
    "trimester_1": "the first trimester",
    "trimester_2": "the second trimester",
    "trimester_3": "the third trimester",
    "postpartum": "after birth",
}
TOPIC_LABELS = {
    "posture": "posture",
    "sitting": "sitting",
    "sleep": "sleep",
    "lifting": "lifting",
    "gear": "shoes, bras and support bands",
    "heat_cold": "heat and cold",
    "massage": "massage",
    "staying_active": "staying active",
    "exercise_routine": "how often and how long to exercise",
}
MENU_TOPICS = ("sleep", "posture", "sitting", "lifting", "gear", "heat_cold", "massage")
PROVIDER_CHECK = (
    "Check with your healthcare provider before starting something new, and stop if anything "
    "hurts or feels wrong."
)
UNKNOWN_STAGE_NOTE = (
    "As I don't know your stage, I only suggest exercises the guides support in every "
    "trimester and after birth. Tell me how far along you are, or how long ago you gave birth, "
    "for more options."
)
# Heads the numbered options on channels without buttons (SMS, WhatsApp; backcare.reply_choice).
REPLY_WITH_A_NUMBER = "Reply with a number:"
# Said by the Rasa server itself when a custom action cannot run (launcher/rasa_server.py), and
# by a custom action that fails (actions/adapters.py).
ACTION_UNAVAILABLE = (
    "Sorry, I can't look that up right now. Please try again in a moment. If you notice a "
    "warning sign, or something feels wrong, contact your healthcare provider straight away."
)
# Said by the input channels when handling a message fails (channels/inputs.py).
MESSAGE_FAILED = (
    "Sorry, something went wrong on my side and I couldn't answer that. Please try again in a "
    "moment. If you notice a warning sign, or something feels wrong, contact your healthcare "
    "provider straight away."
)
PHYSIO_REFERRAL = (
    "A physical therapist or a pregnancy and postnatal fitness instructor can show you "
    "exercises that suit you."
)
NO_STEPS = (
    "The guides name this exercise but don't explain how to do it step by step, so please ask "
    "a physical therapist or a prenatal or postnatal fitness instructor to show you good form."
)
# The caution that goes with a routine sign (pain that has lasted, pain at night).
ROUTINE_CAUTION_ID = "persistent_pain_physio"
# The warning-sign answer (`utter_warning_signs` in domain.yml, generated with the sign labels
# by backcare/warning_signs.py): the intro, one heading per urgency, then the after-birth note.
WARNING_SIGNS_INTRO = "If you notice any of these, stop exercising and get help:"
WARNING_SIGN_HEADINGS = {
    Urgency.EMERGENCY: (
        "Call your local emergency number, or go to your maternity unit or emergency "
        "department now, for"
    ),
    Urgency.SEE_SOON: (
        "Contact your healthcare provider (your midwife, doctor or maternity unit) the same "
        "day for"
    ),
    Urgency.ROUTINE: "Mention it to your midwife, doctor or a physio at your next appointment for",
}
WARNING_SIGNS_AFTER_BIRTH = (
    "After birth, light bleeding that slowly eases over the first weeks is expected; heavy "
    "bleeding, soaking a pad within an hour, or passing large clots is an emergency. "
    "Contractions from 37 weeks are labour: call your maternity unit when they come regularly."
)


@dataclass(frozen=True)
class Button:
    """A quick reply: the title shown and the intent (with entities) it sends."""

    title: str
    intent: str
    entities: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()


MORE_BUTTON = Button("More exercises", "request_more")
CAUSES_BUTTON = Button("Why does this hurt?", "ask_causes")
EXERCISES_BUTTON = Button("Show me exercises", "request_exercises")
PLAN_BUTTON = Button("Make me a plan", "request_plan")
WARNING_SIGNS_BUTTON = Button("Warning signs", "ask_warning_signs")
# The answer to "should I be worried?" asked about the person's own pain when the screen found
# no warning sign in the message: what the screen found, where to turn, and the list on request.
NO_SIGN_SEEN = Reply(
    "I didn't see any of the warning signs I look out for in what you wrote. If anything "
    "changes, or you're unsure, contact your midwife or doctor; the button below lists the "
    "warning signs.",
    (WARNING_SIGNS_BUTTON,),
)


def describe_areas(areas: Iterable[str]) -> str:
    labels = [AREA_PHRASES[area] for area in areas if area in AREA_PHRASES]
    return join_words(labels) if labels else "back"


def cite(kb: KnowledgeBase, source_ids: Iterable[str]) -> str:
    """'Source: <title>' or 'Sources: <title>; <title>'."""
    titles = [kb.sources[source_id].title for source_id in dict.fromkeys(source_ids)]
    label = "Source" if len(titles) == 1 else "Sources"
    return f"{label}: {'; '.join(titles)}"


def citation(kb: KnowledgeBase, item: Item) -> str:
    return cite(kb, item.source_ids)


def red_flag_reminder(red_flag_signs: str | None) -> str | None:
    """The line that opens exercise advice once a warning sign has come up."""
    if not red_flag_signs:
        return None
    return (
        f"First, a reminder: earlier you mentioned {red_flag_signs}. Please get that checked by "
        "your healthcare provider before trying any of these."
    )


def routine_note(kb: KnowledgeBase, routine_signs: str | None) -> str | None:
    """The gentle note for a routine sign: not urgent, worth mentioning to a midwife or physio."""
    if not routine_signs:
        return None
    caution = next(c for c in kb.general_cautions if c.id == ROUTINE_CAUTION_ID)
    return (
        f"You mentioned {routine_signs}. That isn't an emergency, but it's worth mentioning to "
        f"your midwife or doctor, or a physio: {lower_first(caution.text)} "
        f"({citation(kb, caution)}) Meanwhile, these may help."
    )


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def how_to_button(exercise: Exercise) -> Button:
    return Button(f"How do I do {exercise.name}?", "ask_how_to", {"exercise": exercise.id})


def how_to_buttons(exercises: Iterable[Exercise]) -> list[Button]:
    """How-to buttons, exercises with documented steps first."""
    ordered = sorted(exercises, key=lambda exercise: not exercise.has_documented_steps)
    return [how_to_button(exercise) for exercise in ordered]


def first_sentence(text: str) -> str:
    """The text up to its first full stop (the one line on why an exercise helps)."""
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def _exercise_line(kb: KnowledgeBase, number: int, exercise: Exercise, stage: str | None) -> str:
    dosage = f" How much: {exercise.dosage}." if exercise.dosage else ""
    why = first_sentence(exercise.why_for(stage))
    return f"{number}. {exercise.name}: {why}{dosage} ({citation(kb, exercise)})"


def recommendation_reply(
    kb: KnowledgeBase,
    result: RecommendationResult,
    red_flag_signs: str | None = None,
    routine_signs: str | None = None,
    follow_up: bool = False,
) -> Reply:
    """Two or three exercises with why, dosage and source, and buttons for what comes next.

    For an area the guides give no exercise for at this stage, it says so in one sentence and
    offers the nearest documented help: exercises for neighbouring areas that suit the stage,
    the guides' general tips, and a physio referral.
    """
    lines = [
        line
        for line in (red_flag_reminder(red_flag_signs), routine_note(kb, routine_signs))
        if line
    ]
    covered = [area for area in result.areas if area not in result.uncovered]
    when = STAGE_PHRASES.get(result.stage or "")
    if result.uncovered:
        lines.append(
            " ".join(kb.uncovered[(area, result.stage or "")] for area in result.uncovered)
        )
    if not result.exercises:
        if follow_up or result.exhausted:
            lines.append(
                "That's all the exercises the guides I use suggest for this. If the pain carries "
                "on, a physical therapist or your healthcare provider can tailor a plan for you."
            )
        else:
            lines.append(PHYSIO_REFERRAL)
        lines += _tip_lines(kb, result)
        return Reply("\n".join(lines), (CAUSES_BUTTON,))
    served = covered + list(result.nearest_areas)
    if result.uncovered and not covered:
        intro = f"The nearest help they give is for your {describe_areas(result.nearest_areas)}" + (
            f" {when}:" if when else ":"
        )
    else:
        intro = "Here are some more" if follow_up else "Here are some gentle exercises"
        intro += f" for your {describe_areas(served)}" + (f" {when}:" if when else ":")
    lines.append(intro)
    if result.stage is None:
        lines.append(UNKNOWN_STAGE_NOTE)
    for number, exercise in enumerate(result.exercises, start=1):
        lines.append(_exercise_line(kb, number, exercise, result.stage))
    lines += _tip_lines(kb, result)
    if result.uncovered:
        lines.append(PHYSIO_REFERRAL)
    lines.append(PROVIDER_CHECK)
    buttons = how_to_buttons(result.exercises)
    return Reply("\n".join(lines), (*buttons, MORE_BUTTON, PLAN_BUTTON, CAUSES_BUTTON))


def _tip_lines(kb: KnowledgeBase, result: RecommendationResult) -> list[str]:
    if not result.nearest_tips:
        return []
    return ["What the guides suggest in general:"] + [
        f"- {tip.text} ({citation(kb, tip)})" for tip in result.nearest_tips
    ]


def how_to_lines(kb: KnowledgeBase, exercise: Exercise) -> list[str]:
    """Numbered steps and dosage with their source, or what the guides do say when no guide
    gives steps."""
    lines = [f"{number}. {step}" for number, step in enumerate(exercise.steps, start=1)]
    if not lines:
        lines.append(NO_STEPS)
    if exercise.dosage:
        lines.append(f"How much: {exercise.dosage}.")
    steps_ids = [exercise.steps_source_id] if exercise.steps_source_id else []
    lines.append(cite(kb, [*steps_ids, *exercise.dosage_source_ids] or exercise.source_ids))
    return lines


def stage_fit_lines(exercise: Exercise, stage: str | None) -> list[str]:
    """Which stages the guides suggest the exercise for, and whether that includes the
    person's stage."""
    supported = join_words([STAGE_NAMES[s] for s in STAGES if s in exercise.stages])
    lines = [f"The guides I use suggest {exercise.name} for {supported}."]
    if stage is not None:
        lines.append(
            f"That includes {STAGE_NAMES[stage]}."
            if stage in exercise.stages
            else f"They don't suggest it for {STAGE_NAMES[stage]}, so please ask your healthcare "
            "provider or a physical therapist before trying it."
        )
    return lines


def how_to_reply(kb: KnowledgeBase, exercise: Exercise, stage: str | None = None) -> Reply:
    """Steps and dosage where a guide gives them (else what the guides say and who can teach
    it), a warning when the guides don't suggest it at the person's stage, the cautions that
    apply at that stage, and the source."""
    lines = [f"{exercise.name}: {exercise.why_for(stage)}"]
    if stage is not None and stage not in exercise.stages:
        lines += stage_fit_lines(exercise, stage)
    lines += how_to_lines(kb, exercise)
    cautions = kb.cautions_for(exercise, stage)
    if cautions:
        lines.append("Take care: " + " ".join(caution.text for caution in cautions))
    buttons: list[Button] = []
    if not exercise.has_documented_steps:
        with_steps = [
            other
            for other in kb.exercises.values()
            if other.has_documented_steps
            and set(other.areas) & set(exercise.areas)
            and (stage is None or stage in other.stages)
        ]
        if with_steps:
            names = join_words([other.name for other in with_steps[:3]])
            lines.append(f"The guides do give steps for {names}.")
            buttons = [how_to_button(other) for other in with_steps[:3]]
    lines.append("Was this helpful?")
    buttons += [
        Button("Yes, helpful", "feedback_helpful"),
        Button("Not really", "feedback_not_helpful"),
    ]
    return Reply("\n".join(lines), tuple(buttons))


def unknown_exercise_reply(kb: KnowledgeBase, asked_for: str | None) -> Reply:
    """When the exercise isn't in the guides (or none was named): offer the ones that are."""
    known = sorted(kb.exercises.values(), key=lambda exercise: not exercise.has_documented_steps)
    opening = (
        f'I don\'t have guidance on "{asked_for}" from the guides I use.'
        if asked_for
        else "Which exercise would you like to know about?"
    )
    names = ", ".join(exercise.name for exercise in known[:8])
    text = f"{opening} I can explain, for example: {names}."
    return Reply(text, tuple(how_to_button(exercise) for exercise in known[:4]))


def which_exercise_reply(kb: KnowledgeBase, shown_ids: Sequence[str]) -> Reply:
    """Ask which of the exercises already shown the person means."""
    shown = [kb.exercises[exercise_id] for exercise_id in shown_ids if exercise_id in kb.exercises]
    if not shown:
        return unknown_exercise_reply(kb, None)
    return Reply("Which one would you like to know how to do?", tuple(how_to_buttons(shown)))


def causes_reply(kb: KnowledgeBase, areas: Sequence[str], stage: str | None) -> Reply:
    """Why it may hurt, for the person's areas and stage, with sources."""
    seen: set[str] = set()
    causes = []
    for area in areas or [None]:
        for cause in kb.causes_for(area, stage):
            if cause.id not in seen:
                seen.add(cause.id)
                causes.append(cause)
    if not causes:
        return Reply(
            "The guides I use don't cover causes for that. Your healthcare provider or a "
            "physical therapist can look at what's behind your pain."
        )
    where = describe_areas(areas)
    when = STAGE_PHRASES.get(stage or "")
    heading = f"Common reasons for {where} pain" + (f" {when}:" if when else ":")
    lines = [heading] + [f"- {cause.text} ({citation(kb, cause)})" for cause in causes[:5]]
    lines.append(
        "If the pain is severe, lasting or getting worse, please see your healthcare provider."
    )
    return Reply("\n".join(lines), (EXERCISES_BUTTON,))


def tips_reply(kb: KnowledgeBase, topic: str | None, stage: str | None = None) -> Reply:
    """Self-care tips on one topic for the person's stage, or a menu of topics when none was
    named (or the guides have none for that stage)."""
    tips = kb.tips_for(topic, stage) if topic in TIP_TOPICS else []
    if not tips:
        text = "Which would you like tips on?"
        if topic:
            text = "The guides I use don't cover that. Which of these would help?"
        buttons = tuple(
            Button(TOPIC_LABELS[name].capitalize(), "ask_self_care", {"self_care_topic": name})
            for name in MENU_TOPICS
        )
        return Reply(text, buttons)
    lines = [f"Tips on {TOPIC_LABELS.get(topic or '', topic)}:"]
    lines += [f"- {tip.text} ({citation(kb, tip)})" for tip in tips]
    return Reply("\n".join(lines))


def exercise_safety_reply(
    kb: KnowledgeBase, stage: str | None = None, exercise: Exercise | None = None
) -> Reply:
    """Is an exercise (or exercise in general) safe: for a named exercise, the stages the
    guides support it for, whether that includes the person's stage, its cautions and source;
    otherwise the guides' general cautions for the stage and their routine tips."""
    if exercise is None:
        lines = ["What the guides say about exercising safely:"]
        lines += [
            f"- {caution.text} ({citation(kb, caution)})"
            for caution in kb.general_cautions_for(stage)
        ]
        lines += [f"- {tip.text} ({citation(kb, tip)})" for tip in kb.tips_for("exercise_routine")]
        return Reply("\n".join(lines), (EXERCISES_BUTTON,))
    lines = stage_fit_lines(exercise, stage)
    lines.append(f"Why it helps: {first_sentence(exercise.why_for(stage))}")
    cautions = kb.cautions_for(exercise, stage)
    if cautions:
        lines.append("Take care: " + " ".join(caution.text for caution in cautions))
    lines.append(f"({citation(kb, exercise)})")
    return Reply("\n".join(lines), (how_to_button(exercise), EXERCISES_BUTTON))


def feedback_reply(helpful: bool) -> Reply:
    if helpful:
        return Reply("Thank you, I'm glad that helped! Go gently, and ask me anytime.")
    return Reply(
        "Thanks for telling me. I can show you other exercises, or a physical therapist can "
        "tailor a plan to you.",
        (MORE_BUTTON,),
    )


PLAN_KIND_LABELS = {"mobility": "mobility", "strengthening": "strength", "breathing": "breathing"}
NO_PLAN_DOSAGE = "The guides give no amount for this one, so keep it gentle and brief."
NO_PLAN_STEPS = (
    "No guide explains the steps: a physical therapist or a prenatal or postnatal fitness "
    "instructor can show you."
)
NO_FREQUENCY = (
    "How often: the guides I use give no number of sessions a week {when}; a physical therapist "
    "(after birth, a pelvic floor physiotherapist) can tell you what suits you."
)
HURT_INVITE = (
    'If an exercise hurts, stop and tell me (for example "the bridge hurt my back"), and I\'ll '
    "take it out."
)


def _plan_item(kb: KnowledgeBase, number: int, exercise: Exercise) -> str:
    """One plan line: the exercise, its kind, the guide's dosage or none, who can teach it."""
    dosage = f"{exercise.dosage}." if exercise.dosage else NO_PLAN_DOSAGE
    steps = "" if exercise.has_documented_steps else f" {NO_PLAN_STEPS}"
    sources = [*exercise.dosage_source_ids, *exercise.source_ids]
    kind = PLAN_KIND_LABELS[exercise.kind]
    return f"{number}. {exercise.name} ({kind}): {dosage}{steps} ({cite(kb, sources)})"


def plan_reply(kb: KnowledgeBase, plan: Plan, intro: str | None = None) -> Reply:
    """The routine as a person sees it: each exercise with the guide's dosage and source, the
    session length and how often (each with its source), and the cautions for the stage."""
    when = STAGE_PHRASES.get(plan.stage or "")
    where = f"your {describe_areas(plan.areas)}" + (f" {when}" if when else "")
    if not plan.exercises:
        lines = [
            f"The guides I use give no exercises for {where} that I could put into a plan.",
            PHYSIO_REFERRAL,
        ]
        if plan.stage is None:
            lines.insert(1, UNKNOWN_STAGE_NOTE)
        return Reply("\n".join(lines), (CAUSES_BUTTON,))
    lines = [intro] if intro else []
    lines.append(f"Your plan for {where}:")
    if plan.stage is None:
        lines.append(UNKNOWN_STAGE_NOTE)
    lines += [_plan_item(kb, n, ex) for n, ex in enumerate(plan.exercises, start=1)]
    lines.append(
        f"Session: {plan.min_minutes} to {plan.max_minutes} minutes in all. "
        f"{kb.routine.session_text}. ({cite(kb, plan.session_source_ids)})"
    )
    if plan.frequency is None:
        lines.append(NO_FREQUENCY.format(when=when or "for your stage"))
    else:
        lines.append(f"How often: {plan.frequency.text}. ({citation(kb, plan.frequency)})")
    cautions = list(
        {c.id: c for ex in plan.exercises for c in kb.cautions_for(ex, plan.stage)}.values()
    )
    lines.append("Take care: " + " ".join(caution.text for caution in cautions))
    lines.append(HURT_INVITE)
    return Reply("\n".join(lines), tuple(how_to_buttons(plan.exercises)))


def plan_dropped_reply(
    kb: KnowledgeBase, exercise: Exercise, cautions: Sequence[Caution], plan: Plan | None
) -> Reply:
    """An exercise hurt: the guides' caution, then the plan without it (if there is a plan)."""
    advice = " ".join(caution.text for caution in cautions)
    sources = [sid for caution in cautions for sid in caution.source_ids]
    opening = f"I'm sorry {exercise.name} hurt. {advice} ({cite(kb, sources)})"
    if plan is None:
        return Reply(f"{opening}\nI can make you a plan without it.", (PLAN_BUTTON,))
    reply = plan_reply(kb, plan, f"{opening}\nI've taken {exercise.name} out of your plan.")
    return reply


def no_plan_reply() -> Reply:
    return Reply("You don't have a plan yet. Shall I make you one?", (PLAN_BUTTON,))


DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
STOP_REMINDERS_BUTTON = Button("Stop reminders", "stop_reminders")


def describe_schedule(schedule: Schedule) -> str:
    days = join_words([DAY_NAMES[day] for day in schedule.days])
    return f"{days} at {schedule.hour:02d}:{schedule.minute:02d}"


def reminder_offer_reply() -> Reply:
    """Opt-in: the days and times to choose from."""
    choices = [parse_schedule(value) for value in SCHEDULE_CHOICES]
    return Reply(
        "I can check in with you on the days you choose, to remind you of your routine and ask "
        "how your back is. Which suits you? (Times are in the assistant's time zone.)",
        tuple(
            Button(describe_schedule(s), "request_reminder", {"reminder_schedule": s.value})
            for s in choices
            if s is not None
        ),
    )


def reminder_set_reply(schedule: Schedule, first: datetime) -> Reply:
    return Reply(
        f"Done: I'll check in on {describe_schedule(schedule)}. The first is on "
        f'{DAY_NAMES[first.weekday()]} at {first:%H:%M}. Say "stop reminders" at any time.',
        (STOP_REMINDERS_BUTTON,),
    )


def checkin_reply(kb: KnowledgeBase) -> Reply:
    """The check-in a reminder sends."""
    routine = kb.routine
    return Reply(
        f"Time for your {routine.min_minutes} to {routine.max_minutes} minute routine. "
        "How is your back today?",
        (
            Button("Better", "back_better"),
            Button("About the same", "back_same"),
            Button("Getting worse", "back_worse"),
            Button("Show my plan", "show_plan"),
            STOP_REMINDERS_BUTTON,
        ),
    )


def reminders_stopped_reply(had_reminders: bool) -> Reply:
    if had_reminders:
        return Reply("I've stopped your check-ins. You can ask me to remind you again any time.")
    return Reply("You have no check-ins set up, so there is nothing to stop.")


def plan_event_title(plan: Plan) -> str:
    return f"Back-care routine ({plan.min_minutes} to {plan.max_minutes} minutes)"


def plan_download_text(kb: KnowledgeBase, plan: Plan) -> str:
    """The plan as a plain-text file: a title, the plan as shown, and what it is not."""
    return "\n\n".join(["My back-care plan", plan_reply(kb, plan).text, PLAN_FILE_NOTE]) + "\n"


PLAN_FILE_NOTE = (
    "From the back-pain assistant: general guidance from published guides, not medical advice. "
    "Check with your healthcare provider before starting, and stop if anything hurts."
)

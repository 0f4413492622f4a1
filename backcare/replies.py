"""What the assistant says: chat replies composed from the knowledge base (no Rasa import).

The Rasa actions only read slots, call these functions and send the results, so the wording
can be tested directly and reused by another front end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from backcare.knowledge_base import TIP_TOPICS, Exercise, KnowledgeBase
from backcare.recommender import AREA_PHRASES, RecommendationResult

STAGE_PHRASES = {
    "trimester_1": "in your first trimester",
    "trimester_2": "in your second trimester",
    "trimester_3": "in your third trimester",
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


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()


def join_words(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def describe_areas(areas: Iterable[str]) -> str:
    labels = [AREA_PHRASES[area] for area in areas if area in AREA_PHRASES]
    return join_words(labels) if labels else "back"


def red_flag_reminder(red_flag_signs: str | None) -> str | None:
    """The line that opens exercise advice once a warning sign has come up."""
    if not red_flag_signs:
        return None
    return (
        f"First, a reminder: earlier you mentioned {red_flag_signs}. Please get that checked by "
        "your healthcare provider before trying any of these."
    )


def how_to_button(exercise: Exercise) -> Button:
    return Button(f"How do I do {exercise.name}?", f'/ask_how_to{{"exercise": "{exercise.id}"}}')


def first_sentence(text: str) -> str:
    """The text up to its first full stop (the one line on why an exercise helps)."""
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def _exercise_line(kb: KnowledgeBase, number: int, exercise: Exercise) -> str:
    dosage = f" How much: {exercise.dosage}." if exercise.dosage else ""
    why = first_sentence(exercise.why)
    return f"{number}. {exercise.name}: {why}{dosage} ({kb.citation(exercise)})"


def recommendation_reply(
    kb: KnowledgeBase,
    result: RecommendationResult,
    areas: Sequence[str],
    red_flag_signs: str | None = None,
    follow_up: bool = False,
) -> Reply:
    """Two or three exercises with why, dosage and source, and buttons for what comes next."""
    lines = [line for line in (red_flag_reminder(red_flag_signs),) if line]
    provider_advice = (
        f"{result.note or ''} Please ask your healthcare provider or a physical therapist for "
        "exercises that suit you."
    ).strip()
    if not result.recommendations:
        if result.see_provider:
            lines.append(provider_advice)
        elif follow_up or result.exhausted:
            lines.append(
                "That's all the exercises the guides I use suggest for this. If the pain carries "
                "on, a physical therapist or your healthcare provider can tailor a plan for you."
            )
        else:
            lines.append(f"{result.note or ''} Could you tell me how far along you are?".strip())
        return Reply("\n".join(lines), (Button("Why does this hurt?", "/ask_causes"),))
    when = STAGE_PHRASES.get(result.stage or "")
    intro = "Here are some more" if follow_up else "Here are some gentle exercises"
    lines.append(f"{intro} for your {describe_areas(areas)}" + (f" {when}:" if when else ":"))
    if result.see_provider:
        lines.append(provider_advice)
    elif result.note:
        lines.append(result.note)
    for number, recommendation in enumerate(result.recommendations, start=1):
        lines.append(_exercise_line(kb, number, recommendation.exercise))
    lines.append(PROVIDER_CHECK)
    buttons = [how_to_button(item.exercise) for item in result.recommendations]
    buttons += [
        Button("More exercises", "/request_more"),
        Button("Why does this hurt?", "/ask_causes"),
    ]
    return Reply("\n".join(lines), tuple(buttons))


def how_to_reply(kb: KnowledgeBase, exercise: Exercise) -> Reply:
    """Steps and dosage where a guide gives them (else who can show the form), cautions, source."""
    lines = [f"{exercise.name}: {exercise.why}", kb.how_to(exercise)]
    if exercise.cautions:
        lines.append("Take care: " + " ".join(caution.text for caution in exercise.cautions))
    lines.append("Was this helpful?")
    buttons = (
        Button("Yes, helpful", "/feedback_helpful"),
        Button("Not really", "/feedback_not_helpful"),
    )
    return Reply("\n".join(lines), buttons)


def unknown_exercise_reply(kb: KnowledgeBase, asked_for: str | None) -> Reply:
    """When the exercise isn't in the guides (or none was named): offer the ones that are."""
    known = list(kb.exercises.values())
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
    return Reply("Which one would you like to know how to do?", tuple(map(how_to_button, shown)))


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
    lines = [heading] + [f"- {cause.text} ({kb.citation(cause)})" for cause in causes[:5]]
    lines.append(
        "If the pain is severe, lasting or getting worse, please see your healthcare provider."
    )
    return Reply("\n".join(lines), (Button("Show me exercises", "/request_exercises"),))


def tips_reply(kb: KnowledgeBase, topic: str | None) -> Reply:
    """Self-care tips on one topic, or a menu of topics when none was named."""
    tips = kb.tips_for(topic) if topic in TIP_TOPICS else []
    if not tips:
        text = "Which would you like tips on?"
        if topic:
            text = "The guides I use don't cover that. Which of these would help?"
        buttons = tuple(
            Button(
                TOPIC_LABELS[name].capitalize(), f'/ask_self_care{{"self_care_topic": "{name}"}}'
            )
            for name in MENU_TOPICS
        )
        return Reply(text, buttons)
    lines = [f"Tips on {TOPIC_LABELS.get(topic or '', topic)}:"]
    lines += [f"- {tip.text} ({kb.citation(tip)})" for tip in tips]
    return Reply("\n".join(lines))


def exercise_safety_reply(kb: KnowledgeBase) -> Reply:
    """Is exercise safe, how often, how long: the guides' general cautions and routine tips."""
    lines = ["What the guides say about exercising safely:"]
    lines += [f"- {caution.text} ({kb.citation(caution)})" for caution in kb.general_cautions]
    lines += [f"- {tip.text} ({kb.citation(tip)})" for tip in kb.tips_for("exercise_routine")]
    return Reply("\n".join(lines), (Button("Show me exercises", "/request_exercises"),))


def feedback_reply(helpful: bool) -> Reply:
    if helpful:
        return Reply("Thank you, I'm glad that helped! Go gently, and ask me anytime.")
    return Reply(
        "Thanks for telling me. I can show you other exercises, or a physical therapist can "
        "tailor a plan to you.",
        (Button("More exercises", "/request_more"),),
    )

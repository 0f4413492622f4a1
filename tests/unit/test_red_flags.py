"""Tests for backcare.red_flags: the labelled set plus targeted behaviour."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import spacy_lookups_data
import yaml

from backcare.red_flag_signs import PHRASES_PATH, read_phrase_book
from backcare.red_flag_words import WORDS_PATH, read_words
from backcare.red_flags import RedFlagDetector, Screening
from backcare.spacy_pipeline import load_nlp
from backcare.urgency import Urgency

MESSAGES_PATH = Path(__file__).resolve().parents[1] / "data" / "red_flag_messages.yml"
LABELLED = yaml.safe_load(MESSAGES_PATH.read_text(encoding="utf-8"))["messages"]
PHRASES = yaml.safe_load(PHRASES_PATH.read_text(encoding="utf-8"))


def _outcome(screening: Screening) -> str:
    if screening.urgency is not None:
        return screening.urgency.value
    if screening.asks_about_warning_signs:
        return "question"
    return "routine" if screening.routine_signs else "none"


def _sign_ids(screening: Screening) -> list[str]:
    return [sign.id for sign in screening.signs]


@pytest.mark.parametrize(
    "message", LABELLED, ids=[f"{i:03d}-{m['category']}" for i, m in enumerate(LABELLED)]
)
def test_labelled_message(detector: RedFlagDetector, message: dict) -> None:
    assert _outcome(detector.screen(message["text"])) == message["expected"], message["text"]


def test_labelled_set_size_and_coverage() -> None:
    assert len(LABELLED) >= 220
    categories = {m["category"] for m in LABELLED}
    assert categories == {
        "emergency",
        "see_soon",
        "negated",
        "third_person",
        "question",
        "near_miss",
        "misspelled",
        "long_message",
    }


def test_every_sign_is_found_by_the_labelled_set(detector: RedFlagDetector) -> None:
    found = {
        sign.id
        for m in LABELLED
        for screening in [detector.screen(m["text"])]
        for sign in (*screening.signs, *screening.routine_signs)
    }
    assert found == {entry["id"] for entry in PHRASES["signs"]}


def test_every_sign_has_label_urgency_and_source() -> None:
    for entry in PHRASES["signs"]:
        assert entry["label"].strip(), entry["id"]
        assert Urgency(entry["urgency"])
        assert entry["sources"], entry["id"]
        assert entry["phrases"], entry["id"]


@pytest.mark.parametrize(
    "text",
    [
        # negated
        "no bleeding, just an ache",
        "I'm not dizzy",
        "without any fever",
        "never had contractions",
        "I haven't noticed any swelling in my face",
        "there's no sign of bleeding",
        "free of any headaches this week",
        # about other people
        "my sister had contractions",
        "my friend was bleeding",
        "she fainted at the gym",
        "my husband has a fever",
        # bleeding outside the body area the sign is about
        "is bleeding gums normal?",
        "my nose was bleeding",
        "I had bloods taken",
    ],
)
def test_mentions_that_are_not_reports_screen_as_nothing(
    detector: RedFlagDetector, text: str
) -> None:
    assert detector.screen(text) == Screening(None, (), False)


def test_negation_stops_at_but(detector: RedFlagDetector) -> None:
    screening = detector.screen("no bleeding but I've got a fever")
    assert _sign_ids(screening) == ["fever"]


def test_negation_inside_the_sign_still_escalates(detector: RedFlagDetector) -> None:
    assert detector.screen("the baby hasn't moved today").urgency is Urgency.EMERGENCY
    assert detector.screen("I can't stop bleeding").urgency is Urgency.EMERGENCY


def test_first_person_after_third_person_escalates(detector: RedFlagDetector) -> None:
    screening = detector.screen("my friend had a headache and now I'm bleeding")
    assert _sign_ids(screening) == ["vaginal_bleeding"]


@pytest.mark.parametrize(
    "text",
    [
        "what signs should make me stop?",
        "when should I call my doctor?",
        "what symptoms are dangerous?",
        "is bleeding a warning sign?",
        "what should I do if my waters break?",
    ],
)
def test_questions_about_warning_signs(detector: RedFlagDetector, text: str) -> None:
    screening = detector.screen(text)
    assert screening.asks_about_warning_signs
    assert screening.urgency is None
    assert not screening.escalate


def test_question_with_a_first_person_report_escalates(detector: RedFlagDetector) -> None:
    screening = detector.screen("I'm bleeding, is that a warning sign?")
    assert screening.escalate
    assert screening.asks_about_warning_signs
    assert _sign_ids(screening) == ["vaginal_bleeding"]


def test_sign_buried_in_a_long_message(detector: RedFlagDetector) -> None:
    filler = "I have been doing the cat cow stretch every morning and it helps my back. "
    text = filler * 6 + "Also my calf has been swollen since Sunday. " + filler * 6
    screening = detector.screen(text)
    assert _sign_ids(screening) == ["calf_pain_or_swelling"]
    start, end = screening.sign_spans[0]
    assert "calf" in text[start:end]


@pytest.mark.parametrize(
    ("text", "sign_id"),
    [
        ("im bleading", "vaginal_bleeding"),
        ("having contractons", "contractions"),
        ("i feel dizy", "dizziness"),
        ("i have a feaver", "fever"),
        ("numbnes in both legs", "numbness_both_legs"),
        ("chest pian", "chest_pain"),
    ],
)
def test_misspellings(detector: RedFlagDetector, text: str, sign_id: str) -> None:
    assert sign_id in _sign_ids(detector.screen(text))


@pytest.mark.parametrize("text", ["fetal movement counting app?", "I can't fall asleep"])
def test_real_words_are_not_corrected_into_signs(detector: RedFlagDetector, text: str) -> None:
    assert not detector.screen(text).escalate


def test_multiple_signs_highest_urgency_first(detector: RedFlagDetector) -> None:
    screening = detector.screen("I have a fever and a pounding headache, and now chest pain")
    assert screening.urgency is Urgency.EMERGENCY
    assert _sign_ids(screening)[0] == "chest_pain"
    assert {"fever", "headache"} <= set(_sign_ids(screening))
    assert len(screening.sign_spans) == len(screening.signs)


@pytest.mark.parametrize(
    "text", ["I'm bleeding heavily and soaking a pad every hour", "bleeding through my pads"]
)
def test_a_pad_soaked_with_blood_is_bleeding_only(detector: RedFlagDetector, text: str) -> None:
    assert _sign_ids(detector.screen(text)) == ["vaginal_bleeding"]


def test_labels_are_plain_words(detector: RedFlagDetector) -> None:
    screening = detector.screen("I'm bleeding and I feel dizzy")
    assert [sign.label for sign in screening.signs] == ["bleeding", "dizziness or feeling faint"]


def test_screen_doc_reuses_a_pipeline_doc(detector: RedFlagDetector) -> None:
    text = "My waters broke and I feel dizzy"
    doc = load_nlp()(text.lower())
    assert detector.screen_doc(doc) == detector.screen(text)


def test_nothing_to_report(detector: RedFlagDetector) -> None:
    assert detector.screen("") == Screening(None, (), False)
    assert detector.screen("which stretches help my lower back?") == Screening(None, (), False)


def _with_first_sign(tmp_path: Path, **changes: object) -> Path:
    broken = {**PHRASES, "signs": [{**PHRASES["signs"][0], **changes}]}
    path = tmp_path / "phrases.yml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    return path


def test_patterns_must_be_single_tokens(tmp_path: Path) -> None:
    path = _with_first_sign(tmp_path, phrases=["c-section|wound red"])
    with pytest.raises(ValueError, match="single token"):
        RedFlagDetector(phrases_path=path)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"evnt": True}, "unknown keys \\['evnt'\\]"),
        ({"event": "yes"}, "must be true or false"),
        ({"urgency": "soon"}, "urgency must be one of"),
        ({"label": " "}, "needs a label"),
        ({"sources": []}, "needs sources and phrases"),
    ],
)
def test_a_malformed_sign_is_rejected_on_load(tmp_path: Path, changes: dict, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        read_phrase_book(_with_first_sign(tmp_path, **changes))


def test_sign_flags_are_read_from_the_data() -> None:
    entries = {entry.sign.id: entry for entry in read_phrase_book().signs}
    assert {i for i, e in entries.items() if e.event} == {
        "coughing_blood",
        "fainting",
        "pain_after_fall",
    }
    assert [i for i, e in entries.items() if e.writer_may_be_object] == ["pain_after_fall"]
    assert [i for i, e in entries.items() if e.pronouns_mean_baby] == ["reduced_fetal_movement"]
    assert entries["contractions"].list_label == "contractions before 37 weeks"


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        (lambda d: d.pop("clause_joiners"), "lists missing: \\['clause_joiners'\\]"),
        (lambda d: d.update(extra=["word"]), "unknown lists: \\['extra'\\]"),
        (lambda d: d.update(possessives=[]), "'possessives' must be a non-empty list"),
        (lambda d: d["first_person"].append("My"), "lower-case tokens: \\['My'\\]"),
        (lambda d: d["pronouns"].append("in case"), "lower-case tokens"),
        (lambda d: d["pronouns"].append("she"), "distinct"),
        # YAML reads a bare `no` as false: the list must quote it
        (lambda d: d["negation_lemmas"].append(False), "lower-case tokens: \\[False\\]"),
    ],
)
def test_a_malformed_word_list_is_rejected_on_load(tmp_path: Path, edit, error: str) -> None:
    data = yaml.safe_load(WORDS_PATH.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "words.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ValueError, match=error):
        read_words(path)


def test_word_lists_that_refine_another_stay_inside_it() -> None:
    words = read_words()
    assert words.not_adults <= words.third_person
    assert words.possessives <= words.first_person
    assert words.first_person_subjects <= words.first_person


def test_real_words_list_is_complete(detector: RedFlagDetector) -> None:
    """No frequent English word may be 'corrected' into a sign keyword unless listed as a typo."""
    data = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(data) as table:
        probabilities = json.load(table)
    accepted_typos = set(
        "realy reallly wierd weirds nothin somethin someting somthing somethign theres theyre "
        "beter excercise extremly sittin movin controll wollen feelin kickin killin aweful "
        "arround arounds accross conciousness trippin slippin fightin bangin totaly alittle "
        "durring befor sence knickers incredible terribly horribly backward gettin comin comming "
        "geting agian diffrent diferent differnt diferente becuase becasue becouse beacuse becuse "
        "usualy runnin tryed normaly confortable wiggly mucous happend razer throught chiar poppin "
        "everthing everythings feelz havin sweety lookin keepin lolking seing sentance agaisnt "
        "foward".split()
    ) | set(PHRASES["misspellings"])
    changed = {
        word: detector.corrector.correct(word)
        for word, probability in probabilities.items()
        if probability >= -15.5
        and word.isalpha()
        and word.islower()
        and len(word) >= 5
        and word not in accepted_typos
        and detector.corrector.correct(word) != word
    }
    assert changed == {}

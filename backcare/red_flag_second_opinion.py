"""A learned second opinion on warning signs, for what the rule screen misses (issue 8).

The rule screen (red_flags.py) recognises the meanings it was given; people find other words.
This model reads the message as a whole (character and word n-grams, logistic regression over
emergency / see-soon / none). It learns from the field tuning half (tests/field/tuning.yml:
messages written blind in the voice of forum posts) and from the NLU training examples (the
red-flag intents at their level, every other intent as none, so that the short replies of a
conversation are known too). It is asked only when the rules report no sign, and only about
messages of at least MIN_WORDS words: it learnt what posts look like, and a check-in reply such
as "the pain is worse" is for the rules alone. Its "maybe" never silences anything: it
escalates at the level it leans to and asks whether this is happening now, so a "no" brings
the person back to the exercises.

How its settings were chosen, on tuning data only: each round of field tuning added batches the
rules had not seen. Replaying the three latest rounds (J-K, L-M, N-O: 900 messages), with the
rules and the NLU data as they stood before each round and this model trained on the batches
before it, the model caught 32 of the 35 urgent messages the rules missed, each at its labelled
level, and alarmed on 4 of the 440 ordinary messages the rules let through (probability of
"urgent" at least 0.8; at 0.9: 31/35 and 1/440; at 0.6: 33/35 and 10/440). 0.8 leans to
recall, as a safety net should. See README, "Field messages".

Pure Python and scikit-learn: no Rasa import.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from pathlib import Path

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from backcare.urgency import Urgency

NONE = "none"
LEVELS = {Urgency.EMERGENCY.value: Urgency.EMERGENCY, Urgency.SEE_SOON.value: Urgency.SEE_SOON}
# the probability of "urgent" (emergency or see-soon) from which the model says "maybe"
THRESHOLD = 0.8
# shorter messages (replies within a conversation) are left to the rules
MIN_WORDS = 8
REGULARISATION = 16.0  # logistic regression's C
# what its escalation is about, for the red_flag_signs slot ("You mentioned ..." once the person
# says it is happening now)
MAYBE_SIGN = "something that can be a warning sign"
# the red_flag_check slot's value for its escalation, and after the answer "nothing like that"
MAYBE_CHECK = "maybe"


class SecondOpinion:
    """Says whether a message may report a warning sign the rules did not recognise."""

    def __init__(self, model: Pipeline, threshold: float = THRESHOLD) -> None:
        self._model = model
        self.threshold = threshold
        self._none = list(model.classes_).index(NONE)

    @classmethod
    def trained(cls, texts: Sequence[str], urgencies: Sequence[str]) -> SecondOpinion:
        """Fit on messages labelled emergency, see_soon or none."""
        model = make_pipeline(
            make_union(
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
                ),
                TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            ),
            LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=3000),
        )
        model.fit(list(texts), list(urgencies))
        return cls(model)

    def urgent_probability(self, text: str) -> float:
        return 1.0 - float(self._model.predict_proba([text])[0][self._none])

    def judge(self, text: str) -> Urgency | None:
        """The level this message may call for, or None when the model sees nothing."""
        if len(text.split()) < MIN_WORDS:
            return None
        probabilities = self._model.predict_proba([text])[0]
        if 1.0 - probabilities[self._none] < self.threshold:
            return None
        ranked = sorted(zip(probabilities, self._model.classes_, strict=True), reverse=True)
        return next(LEVELS[label] for _, label in ranked if label in LEVELS)

    def save(self, path: Path) -> None:
        path.write_bytes(pickle.dumps(self._model))

    @classmethod
    def load(cls, path: Path) -> SecondOpinion:
        """A model saved by `save` (from a trained Rasa model: trusted, like Rasa's own)."""
        return cls(pickle.loads(path.read_bytes()))


def read_labelled_messages(path: Path) -> tuple[list[str], list[str]]:
    """The texts and urgencies of a field file (tests/field/README.md has the format)."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [str(entry["text"]) for entry in entries], [entry["urgency"] for entry in entries]

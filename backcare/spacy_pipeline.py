"""The spaCy pipeline shared by Rasa's SpacyNLP and the red-flag detector.

No official English model can be downloaded here, so the pipeline is spaCy's blank English
tokenizer plus the lookup lemmatizer whose tables ship in the `spacy-lookups-data` package.
`make install` saves it to PIPELINE_DIR, because Rasa's SpacyNLP needs a pipeline directory.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

REPO_ROOT = Path(__file__).resolve().parent.parent
PIPELINE_DIR = REPO_ROOT / ".spacy" / "en_backcare"
PIPELINE_NAME = "backcare"


def build_pipeline() -> Language:
    """Create the blank English pipeline with a lookup lemmatizer, initialised and ready."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "Blank English tokenizer with lookup lemmas (spacy-lookups-data)"
    return nlp


def save_pipeline(target: Path = PIPELINE_DIR) -> Path:
    """Build the pipeline and write it to `target` (a directory SpacyNLP can load)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(target)
    return target


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Load the saved pipeline, or build it in memory when it has not been saved yet."""
    if (PIPELINE_DIR / "meta.json").exists():
        return spacy.load(PIPELINE_DIR)
    return build_pipeline()


if __name__ == "__main__":
    print(save_pipeline(Path(sys.argv[1]) if len(sys.argv) > 1 else PIPELINE_DIR))

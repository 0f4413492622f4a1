"""The generated exercise lookup file is current and maps every alias to its id."""

import yaml

from backcare.knowledge_base import load_knowledge_base
from backcare.nlu_lookup import LOOKUP_PATH, main, render_lookup


def _examples(block: str) -> list[str]:
    return [line.removeprefix("- ") for line in block.splitlines()]


def test_committed_file_is_up_to_date():
    assert LOOKUP_PATH.read_text(encoding="utf-8") == render_lookup(load_knowledge_base())
    assert main(["--check"]) == 0


def test_every_alias_maps_to_its_id():
    kb = load_knowledge_base()
    data = yaml.safe_load(render_lookup(kb))
    assert data["version"] == "3.1"
    lookup = next(item for item in data["nlu"] if item.get("lookup") == "exercise")
    synonyms = {
        phrase: item["synonym"]
        for item in data["nlu"]
        if "synonym" in item
        for phrase in _examples(item["examples"])
    }
    for exercise in kb.exercises.values():
        for phrase in (exercise.name, *exercise.aliases):
            assert phrase.lower() in _examples(lookup["examples"])
            assert synonyms.get(phrase.lower(), exercise.id) == exercise.id
            assert phrase.lower() == exercise.id or synonyms[phrase.lower()] == exercise.id


def test_check_fails_when_stale(tmp_path, monkeypatch):
    stale = tmp_path / "exercise.yml"
    stale.write_text("nlu: []\n", encoding="utf-8")
    monkeypatch.setattr("backcare.nlu_lookup.LOOKUP_PATH", stale)
    assert main(["--check"]) == 1
    assert main([]) == 0 and main(["--check"]) == 0

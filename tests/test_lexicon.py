"""The normaliser's tables (abbreviations, domain lexicon) and learning from facilitators' corrections."""
from __future__ import annotations

import pytest
import yaml

from cardscan import lexicon
from cardscan.exceptions import BadConfig
from cardscan.normalise import Normaliser, learn_correction, normalise
from cardscan.workshop import Edit


def test_bad_tables_name_the_file(tmp_path):
    bad = tmp_path / "abk.tsv"
    bad.write_text("QR Quartiersrat ohne Tabs\n", encoding="utf-8")
    with pytest.raises(BadConfig, match="abk.tsv"):
        Normaliser(abbreviations=bad)
    with pytest.raises(BadConfig, match="fehlt.txt"):
        Normaliser(lexicon=tmp_path / "fehlt.txt")


def test_bundled_tables_are_sane():
    table = lexicon.load_abbreviations(lexicon.DEFAULT_ABBREVIATIONS)
    shorts = [a.short for a in table]
    assert len(shorts) == len(set(shorts)) >= 40
    kept = {a.short for a in table if not a.expansion}
    assert {"z.B.", "bzw.", "ggf.", "u.a."} <= kept
    words = lexicon.load_word_list(lexicon.DEFAULT_LEXICON)
    assert len(set(words)) >= 400
    n = Normaliser()
    # no lexicon word may be "corrected" into another one
    assert [w for w in set(words) if n.normalise(w, expand_abbreviations=False).text != w] == []


# --- learning from corrections -----------------------------------------------------------------
def test_learned_replacement_is_applied_afterwards(tmp_path):
    path = tmp_path / "lexikon.yaml"
    assert normalise("Nachbrschaftsfst im Hof").text == "Nachbrschaftsfst im Hof"  # nothing built in fixes it
    learned = learn_correction("Nachbrschaftsfst im Hof", "Nachbarschaftsfest im Hof", path)
    assert learned["replacements"] == {"Nachbrschaftsfst": "Nachbarschaftsfest"}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["replacements"] == {"Nachbrschaftsfst": "Nachbarschaftsfest"}
    assert isinstance(data["words"], list)

    result = Normaliser(user_lexicon=path).normalise("Nachbrschaftsfst planen")
    assert result.text == "Nachbarschaftsfest planen"
    assert result.edits == [Edit("Nachbrschaftsfst", "Nachbarschaftsfest", "spelling", 0)]
    assert normalise("Nachbrschaftsfst", lexicon=path).text == "Nachbarschaftsfest"


def test_the_web_apps_example_is_learned(tmp_path):
    path = tmp_path / "lexikon.yaml"
    learn_correction("Burgerhaushalt", "Bürgerhaushalt", path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["replacements"] == {"Burgerhaushalt": "Bürgerhaushalt"}


def test_new_words_are_learned_and_then_trusted(tmp_path):
    path = tmp_path / "lexikon.yaml"
    assert normalise("Quir1sdorf").text == "Quir1sdorf"
    learn_correction("Treffen im Rathaus", "Treffen im Rathaus Quirlsdorf", path)
    assert "Quirlsdorf" in yaml.safe_load(path.read_text(encoding="utf-8"))["words"]
    n = Normaliser(user_lexicon=path)
    assert n.known("Quirlsdorf")
    assert n.normalise("Quir1sdorf").text == "Quirlsdorf"  # a learned word is a target for OCR fixes


def test_rewrites_abbreviations_and_correct_words_are_not_learned(tmp_path):
    path = tmp_path / "lexikon.yaml"
    learn_correction("Forderung an den QR", "Förderung an den QM", path)  # context, not misreadings
    learn_correction("Sommerfest", "Winterzauber", path)  # a rewrite
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {"replacements": {}}
    assert data["replacements"] == {}
    assert normalise("Forderung", lexicon=path).text == "Forderung"


def test_learning_keeps_what_was_learned_before_and_writes_atomically(tmp_path):
    path = tmp_path / "lexikon.yaml"
    path.write_text(yaml.safe_dump({"replacements": {"Quartiersbiiro": "Quartiersbüro"}, "words": ["Mühlburg"],
                                    "version": 1}, allow_unicode=True), encoding="utf-8")
    learn_correction("Nachbrschaftsfst", "Nachbarschaftsfest", path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["replacements"] == {"Quartiersbiiro": "Quartiersbüro", "Nachbrschaftsfst": "Nachbarschaftsfest"}
    assert data["words"] == ["Mühlburg"] and data["version"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lexikon.yaml"]  # no temp files left behind
    # the cached normaliser for that path sees the new entry
    assert normalise("Nachbrschaftsfst", lexicon=path).text == "Nachbarschaftsfest"
    learn_correction("Gebietsbegehnug", "Gebietsbegehung", path)
    assert normalise("Gebietsbegehnug", lexicon=path).text == "Gebietsbegehung"


def test_a_corrupt_lexicon_is_reported_and_not_overwritten(tmp_path):
    path = tmp_path / "lexikon.yaml"
    path.write_text("replacements: [unclosed\n", encoding="utf-8")
    with pytest.raises(BadConfig, match="lexikon.yaml"):
        learn_correction("Burgerhaushalt", "Bürgerhaushalt", path)
    assert path.read_text(encoding="utf-8") == "replacements: [unclosed\n"
    with pytest.raises(BadConfig):
        Normaliser(user_lexicon=path)


def test_web_app_learn_text_uses_the_real_learner(tmp_path):
    from cardscan.web.learning import learn_text

    path = tmp_path / "lexikon.yaml"
    assert learn_text("Burgerhaushalt", "Bürgerhaushalt", path) is True
    assert Normaliser(user_lexicon=path).replacements == {"Burgerhaushalt": "Bürgerhaushalt"}

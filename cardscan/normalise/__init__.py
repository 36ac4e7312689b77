"""Turn what OCR read off a card into text for the minutes, and say what was changed.

Why so cautious: a card is a participant's own words. A wrong "correction" is worse than a
typo, because the reader cannot see it; so every change is an `Edit` (with its offset in
the raw text) that the review page and the JSON show, and anything we are not sure of is left
alone. The steps, each in its own module of this package:

- `layout`: the card's lines are joined into one, broken words joined, real and suspended hyphens kept;
- `tokens`: typed tokens; symbols: "=>", "->", "⇒" become "→"; "+" and "€" get spaces around them
  ("+" is never turned into "und": that would put words on the card its author did not write);
- `repair`: stray marks dropped, a hand-written Q's bowl ("(uartier") mended, words a space broke
  joined ("Real isierung"), words run together split ("braucheich", "dieVernetzung", "Müllan den");
- `abbreviations`: from the bundled `abbreviations.tsv` (QR → Quartiersrat), each an "abbreviation"
  edit so `cardscan.minutes.unexpand` can put the card's own form back; "z.B.", "bzw." get one spelling;
- `speller` (with the tables of `confusions`): OCR confusions against the lexicon, then for words
  neither the lexicon nor the general dictionary knows, candidates ranked by edit cost, lexicon and
  frequency; the word stays unless one candidate is clearly best. The dictionary
  (`cardscan.dictionary`) is "wordfreq" (the default), "hunspell" or None; loaded on first use;
- `runon`: two words typed without the space ("Bürgergremiumentscheidet"): split only where no compound
  can end so (a noun and then a verb, or any word and then a function word);
- `typos`: typing slips and other engines' misreadings of words no other stage could read (Damerau
  distance 1, 2 in long words, also inside a compound's parts), only into clearly best common words;
  slips are weighed by `channel` (a neighbouring key, a doubled letter or a look-alike is likelier
  than any other letter); a long token may also be read as a rarer listed word one slip off, unless
  another form of it is listed or English uses the word more; a common English word is never "mended";
- `context`: short words and unlisted tokens chosen by their neighbours ("Wet übernimmt" → "Wer",
  "mir dem" → "mit"), a noisy channel with word-pair counts (`pairs`, counted in Debian's German
  texts, fortunes-de and manpages-de, on first use); a word only changes when its neighbours speak
  clearly against it; a rare listed word German text lacks (a web list's typo, "Dises") competes as
  itself; a scrap between two nouns is a genitive article ("Befragung de Bewohner" → "der");
- reformed spelling ("daß" → "dass", also in compounds: "Prozeßbegleitung") is its own edit reason,
  "reformed-spelling" (`cardscan.wordlists.REFORMED_SPELLING`); the raw text keeps the original;
- `names`: a short capitalised word beside an unknown capitalised one is part of a name ("Nay Pyi Taw"),
  which no stage mends;
- `compounds`: may an unseen word be built of known parts (with linking elements, Fugen); its
  `LINKS`, `head_stems`, `takes_link` are the public helpers for every compound splitter in cardscan;
- `casing`: block-capital cards, capitalised function words, a repaired word's case, and case slips
  ("die realisierung") judged by spaCy's case-sensitive word frequencies; hyphen compounds keep theirs;
- `learning`: a facilitator's corrections are learned (`learn_correction`) into a YAML user lexicon
  that `Normaliser(user_lexicon=...)` applies.

- `language`: the board's language from all its cards (`board_language`); the cards of an English board
  keep their words (`normalise_board`), since the German tables turn "phone" into "pläne".

Public entry: `Normaliser` (tables loaded once) and `normalise` / `normalise_lines` / `normalise_board`,
which reuse a cached instance. Pure Python; nothing is loaded at import.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from cardscan.lexicon import load_user_lexicon
from cardscan.normalise.language import board_language
from cardscan.normalise.learning import learn_correction
from cardscan.normalise.normaliser import Normalised, Normaliser

__all__ = ["Normalised", "Normaliser", "normalise", "normalise_lines", "normalise_board", "default_normaliser",
           "learn_correction", "load_user_lexicon", "board_language"]


@lru_cache(maxsize=1)
def default_normaliser() -> Normaliser:
    """The shared instance with the bundled tables (no user lexicon)."""
    return Normaliser()


@lru_cache(maxsize=8)
def _normaliser_for(path: str, mtime_ns: int, size: int) -> Normaliser:
    return Normaliser(user_lexicon=path)


def _resolve(lexicon: Normaliser | str | Path | None) -> Normaliser:
    if lexicon is None:
        return default_normaliser()
    if isinstance(lexicon, Normaliser):
        return lexicon
    path = Path(lexicon).resolve()
    try:
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
    except OSError:
        key = (0, -1)
    return _normaliser_for(str(path), *key)  # re-read when the file changed (a correction was learned)


def normalise(text: str, *, expand_abbreviations: bool = True,
              lexicon: Normaliser | str | Path | None = None, language: str = "de") -> Normalised:
    """Normalise one card's text. `lexicon`: a learned user lexicon (YAML path) or a ready Normaliser.
    `language`: the board's (`board_language` of all its cards); "en" keeps the words as written."""
    return _resolve(lexicon).normalise(text, expand_abbreviations=expand_abbreviations, language=language)


def normalise_lines(lines: Iterable[str], *, expand_abbreviations: bool = True,
                    lexicon: Normaliser | str | Path | None = None) -> Iterator[Normalised]:
    """Each line on its own (typed-up notes: one card per line); lazily, so stdin can stream."""
    normaliser = _resolve(lexicon)
    for line in lines:
        yield normaliser.normalise(line, expand_abbreviations=expand_abbreviations)


def normalise_board(texts: Iterable[str], *, expand_abbreviations: bool = True,
                    lexicon: Normaliser | str | Path | None = None, language: str | None = None) -> list[Normalised]:
    """All cards of one board (or photo): the language is decided once from all of them (`board_language`,
    unless given), then each card is normalised in it; an English board's cards keep their words."""
    texts = ["" if t is None else t for t in texts]
    language = language or board_language(texts)
    normaliser = _resolve(lexicon)
    return [normaliser.normalise(t, expand_abbreviations=expand_abbreviations, language=language) for t in texts]

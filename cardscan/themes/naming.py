"""Names for themes found among the cards (clusters no catalogue theme fits): their most distinctive words.

Why a module of its own: naming is text statistics over the cluster's words (class-based TF-IDF, as in
BERTopic) and knows nothing of embeddings or the catalogue. The function words it skips (a name must
never be "für & den") are cardscan.wordlists.THEME_STOP_WORDS, the one home of German word lists.
"""
from __future__ import annotations

import math
import re
from collections import Counter

from cardscan.wordlists import THEME_STOP_WORDS

STOP_WORDS = THEME_STOP_WORDS  # function words and workshop filler: never a theme's name

_LETTERS = re.compile(r"[^\W\d_]{3,}")


def content_words(text: str) -> list[str]:
    """The words of ``text`` a theme could be named by: three letters or more, no function words."""
    return [w for w in _LETTERS.findall(text) if w.casefold() not in STOP_WORDS]


def name_clusters(counts: list[Counter], texts: list[str], clusters: list[list[int]],
                  background: Counter) -> list[str | None]:
    """Name each cluster by its most distinctive words: class-based TF-IDF (as in BERTopic).

    Weight of word w in class c = tf(w, c) / |c| · log(1 + A / f(w)), where A is the average class size
    in words and f(w) the word's frequency over all classes (the assigned cards form one more class).
    A name needs a word shared by two cards of the cluster, else the cluster is left to "Sonstiges".
    """
    folded = [Counter() for _ in counts]
    surface: dict[str, Counter] = {}
    for c, counter in enumerate(counts):
        for word, n in counter.items():
            folded[c][word.casefold()] += n
            surface.setdefault(word.casefold(), Counter())[word] += n
    background_folded = Counter()
    for word, n in background.items():
        background_folded[word.casefold()] += n
    classes = folded + ([background_folded] if background_folded else [])
    total = Counter()
    for counter in classes:
        total.update(counter)
    sizes = [sum(c.values()) for c in classes]
    average = (sum(sizes) / len(sizes)) if sizes else 1.0
    names: list[str | None] = []
    for c, counter in enumerate(folded):
        if not counter:
            names.append(None)
            continue
        size = sum(counter.values())
        docs = Counter(w for i in clusters[c] for w in {x.casefold() for x in content_words(texts[i])})
        weight = {w: n / size * math.log(1 + average / total[w]) for w, n in counter.items()}
        shared = sorted((w for w in weight if docs[w] >= 2), key=lambda w: (-weight[w], w))
        if not shared:
            names.append(None)
            continue
        words = shared[:1] + [w for w in shared[1:2] if weight[w] >= 0.5 * weight[shared[0]]]
        display = [_display(w, surface[w]) for w in words]
        name = " & ".join(display)
        names.append(name[0].upper() + name[1:])
    return names


def _display(word: str, forms: Counter) -> str:
    """The spelling most cards used (German nouns keep their capital), ties to the capitalised one."""
    return sorted(forms.items(), key=lambda kv: (-kv[1], not kv[0][:1].isupper(), kv[0]))[0][0]


__all__ = ["name_clusters", "content_words", "STOP_WORDS"]

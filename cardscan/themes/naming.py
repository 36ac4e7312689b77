"""Names for themes found among the cards (clusters no catalogue theme fits): their most distinctive words.

Why a module of its own: naming is text statistics over the cluster's words (class-based TF-IDF, as in
BERTopic) and knows nothing of embeddings or the catalogue; the function words it skips are its own
concern (a name must never be "für & den").
"""
from __future__ import annotations

import math
import re
from collections import Counter

# Function words and workshop filler; never a theme name. Lower case, umlauts kept.
STOP_WORDS = frozenset("""
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch auf aus
bei beim bin bis bisher bitte bleibt da dabei dadurch dafür dagegen daher damit dann dar daran darauf daraus
darin darum das dass dasselbe dazu dein deine dem den denn der deren des dessen deshalb die dies diese diesem
diesen dieser dieses doch dort du durch eher ein eine einem einen einer eines einig einige einmal er es etwa
etwas euch euer eure für gab gar geben gegen gehen geht gibt gut gute guten hab habe haben hat hatte hätte
her hier hin hinter ich ihm ihn ihnen ihr ihre im immer in ins ist ja je jede jedem jeden jeder jedes jetzt
kann kein keine keinem keinen keiner können könnte man manche mehr mein meine mit muss müssen möglich nach
nicht nichts noch nun nur ob oder ohne per schon sehr sein seine sich sie sind so soll sollen sollte sondern
sowie statt über um und uns unser unsere unter usw viel viele vom von vor wann war waren warum was weil
weiter welche welchem welchen welcher welches wenig wenn wer werden wie wieder will wir wird wo wollen
wurde würde zu zum zur zwar zwei zwischen ganz genau neu neue neuen neuer klar stärker wichtig besser
bzw ggf evtl zb sollten wäre gibt's gehört machen mal
""".split())

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

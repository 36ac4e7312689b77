"""Give every card a theme: first the themes of the field (a catalogue), then new ones found in the rest.

Why a catalogue first: workshops in neighbourhood development keep coming back to the same topics
(Finanzierung, Rolle des Quartiersrats, Verstetigung …) and minute writers want those names, not
"cluster 3". A card goes to the catalogue theme it is most similar to: the cosine similarity of its
embedding to the theme as a whole and to its closest keyword or example, plus a bonus for each keyword
stem found in the text (substring match, so "Anschlussfinanzierung" counts for "Finanzierung"); a
keyword only in the card's "für …"/"im …" part counts half (the card asks for what comes first), the
field's two-letter shorthands (QR, BA, AG, €) twice (they name their theme outright). Cards that fit
no theme well enough are clustered among themselves (scikit-learn, number of clusters by silhouette) into new
themes named by their most distinctive words (cardscan.themes.naming); whatever is left is "Sonstiges".

Facilitators' decisions (``record_correction``) are kept in a JSON file; a ThemeModel given that
file treats every corrected card as an example of its theme and blends in a LogisticRegression
trained on them, so a similar new card follows the person's decision. Decisions from earlier
workshops (``learned``, saved by ``train_from_corrections``) teach through their cards: a new card
that says the same in other words (cosine ≥ 0.9 in the model's space) follows the earlier decision.
Their classifier's probability adds nothing by default: across workshops it measured worse than
without it (bench/themes_eval.py --choose-learning).

Everything is deterministic for the same input: no sampling, ties broken by catalogue order.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Sequence

import numpy as np

from cardscan.embed import DEFAULT, get_embedder, meaning_part
from cardscan.exceptions import BadConfig
from cardscan.themes.catalogue import WORD, Keyword, Theme, load_catalogue
from cardscan.themes.folding import FOLDED, Folding, check_max_themes, fold_themes
from cardscan.themes.learning import LearnedThemes, read_corrections, read_corrections_of
from cardscan.themes.naming import content_words, name_clusters

OTHER = "Sonstiges"

# Thresholds on the combined score (similarity + keyword bonus). The backends' scales differ: MiniLM
# (an English model) puts any two German texts at 0.2–0.4, char-n-gram TF-IDF puts unrelated ones
# near 0.05. Chosen on hand-labelled cards (in-catalogue paraphrases, the corpus' group summary,
# off-catalogue topics): higher thresholds reject more off-topic cards but push right ones to
# "Sonstiges" faster than they gain, since most cards of a workshop are on catalogue themes.
# e5+compounds etc.: chosen on the DEV workshop of bench/data/themes-labelled.csv (bench/themes_eval.py):
# the lowest-scoring 0–5 % of cards there; off-catalogue cards rarely score lower than terse on-topic ones
# (0.43 with the 24-theme catalogue of models/themes.yaml; 0.42 with the earlier 18 themes).
MIN_SIMILARITY = {"tfidf": 0.20, "minilm": 0.40, "e5+compounds": 0.43, "e5+lemmas": 0.42, "e5": 0.83, "use": 0.18,
                  "use+compounds": 0.09}
MIN_SIMILARITY_OTHER_MODELS = 0.40
COMMON_SHARE = 0.15  # keywords found on more than this share of a workshop's cards count for less
MODIFIER_WEIGHT = 0.5  # a keyword found only after a preposition ("Treffpunkt für Jugendliche") counts half
# Two-character keywords are the field's shorthand for one body or topic (QR, BA, AG, €, 5a): a card that
# uses one names that theme outright, so it counts twice (DEV workshop: 0.76 → 0.81, bench/themes_eval.py).
ABBREVIATION_WEIGHT = 2.0


def check_settings(embedder=None, catalogue: Sequence[Theme] | str | Path | None = None,
                   learned: str | Path | None = None, max_themes: int | str = 0) -> None:
    """Raise BadConfig for a broken catalogue, learned model, limit of themes or a model that is not here,
    before any photo is read: finding out after an hour of reading would lose that hour."""
    check_max_themes(max_themes)
    if catalogue is not None and isinstance(catalogue, (str, Path)):
        load_catalogue(catalogue)
    if learned is not None:
        LearnedThemes.load(learned)
    get_embedder(embedder).check()


# ---- the model -------------------------------------------------------------------------------------
class ThemeModel:
    """Catalogue themes first, discovered themes for the rest, "Sonstiges" for what is left.

    Parameters (scikit-learn style, nothing happens before ``fit_assign``):
      catalogue       list of Theme, a YAML path, or None for models/themes.yaml
      embedder        a backend name (cardscan.embed: "e5+compounds" default, "e5", "tfidf", …) or an Embedder
      min_similarity  combined score a card needs for a catalogue theme; None = measured default
      keyword_weight  bonus for the first keyword found (1.5× for two or more); 0 switches keywords off
      correction_weight  how much the probability of the classifier learnt from ``corrections`` (this
                      workshop's decisions) adds to a theme's score
      learned_weight  the same for a ``learned`` classifier (other workshops' decisions); 0 by default:
                      conventions differ between workshops, and leaving one workshop out measured every
                      weight above 0 worse (bench/themes_eval.py --choose-learning)
      corrections     JSON file written by ``record_correction``: its decisions are learnt on the fly,
                      its renames and merges change the names
      workshop        which workshop these texts are (the id given to ``record_correction``): decisions
                      in ``corrections`` made for another workshop then count like ``learned`` ones
                      (weight ``learned_weight``), not as this workshop's; None: all are this workshop's
      learned         a classifier saved by ``train_from_corrections`` (file, or folder = latest version)
      memory_similarity, memory_weight
                      a card this close in meaning (cosine of the model's vectors) to a card a person
                      decided gains up to ``memory_weight`` for that decision: the same idea in other
                      words follows the person, as the card itself does (chosen with bench/themes_eval.py
                      --choose-learning, never on the held-out workshop)
      min_new_theme   fewest unassigned cards before new themes are searched (and cards per new theme: 2)
      max_new_themes  most new themes
      max_themes      0 (default): every card keeps its theme. A number or "auto" (by the number of cards,
                      ``max_themes_for``: 40 cards → 8) folds the labels themselves: the largest themes with
                      two cards or more stay, the cards of the others get FOLDED ("Weitere Nennungen").
                      Cards a person decided keep their theme; "Sonstiges" is neither counted nor folded.
                      Minutes fold for display instead (cardscan.themes.folding), so a card's theme is kept
      random_state    passed to the classifier; the clustering draws no random numbers
    After fitting: ``themes_`` (names, score columns), ``scores_`` (cards × themes), ``vectors_`` (the cards'
    unit-length vectors; like ``scores_``, one row per non-blank text, in order), ``new_themes_``,
    ``kept_`` (the themes shown, largest first) and ``folded_`` (themes whose cards were folded).
    """

    def __init__(self, catalogue: Sequence[Theme] | str | Path | None = None, embedder=None,
                 min_similarity: float | None = None, keyword_weight: float = 0.15,
                 corrections: str | Path | None = None, correction_weight: float = 0.4, workshop: str | None = None,
                 learned: str | Path | None = None, learned_weight: float = 0.0,
                 memory_similarity: float = 0.9, memory_weight: float = 0.5,
                 min_new_theme: int = 4, max_new_themes: int = 6, min_silhouette: float = 0.05,
                 max_themes: int | str = 0, random_state: int = 0):
        self.catalogue = catalogue
        self.embedder = embedder
        self.min_similarity = min_similarity
        self.keyword_weight = keyword_weight
        self.corrections = corrections
        self.correction_weight = correction_weight
        self.workshop = workshop
        self.learned = learned
        self.learned_weight = learned_weight
        self.memory_similarity = memory_similarity
        self.memory_weight = memory_weight
        self.min_new_theme = min_new_theme
        self.max_new_themes = max_new_themes
        self.min_silhouette = min_silhouette
        self.max_themes = max_themes
        self.random_state = random_state
        self._embedder = None
        self._catalogue: list[Theme] | None = None
        self._theme_vectors = None
        self._learned: LearnedThemes | None = None

    # -- parts, built once per model ------------------------------------------------------------------
    def _get_catalogue(self) -> list[Theme]:
        if self._catalogue is None:
            if self.catalogue is None or isinstance(self.catalogue, (str, Path)):
                self._catalogue = load_catalogue(self.catalogue)
            else:
                self._catalogue = list(self.catalogue)
                if not self._catalogue:
                    raise BadConfig("Themenkatalog ist leer")
        return self._catalogue

    def _get_embedder(self):
        if self._embedder is None:
            words = [w for t in self._get_catalogue() for k in t.keywords for w in WORD.findall(k)]
            self._embedder = get_embedder(self.embedder or DEFAULT, extra_words=words)
        return self._embedder

    def _get_learned(self) -> LearnedThemes | None:
        if self._learned is None and self.learned is not None:
            self._learned = LearnedThemes.load(self.learned)
        return self._learned

    def threshold(self) -> float:
        if self.min_similarity is not None:
            return float(self.min_similarity)
        name = getattr(self._get_embedder(), "name", "")
        return MIN_SIMILARITY.get(name, MIN_SIMILARITY_OTHER_MODELS)

    # -- scoring --------------------------------------------------------------------------------------
    def _catalogue_scores(self, texts: list[str], vectors: np.ndarray, themes: list[Theme], embedder) -> np.ndarray:
        if self._theme_vectors is None or embedder.fitted_on_corpus:
            docs = embedder.encode([t.document() for t in themes])
            # exemplars: each keyword and each example card on its own, so one close phrase counts
            exemplars = [e for t in themes for e in t.keywords + t.examples]
            owner = np.array([j for j, t in enumerate(themes) for _ in t.keywords + t.examples])
            self._theme_vectors = (docs, embedder.encode(exemplars), owner)
        docs, exemplar_vectors, owner = self._theme_vectors
        to_doc = vectors @ docs.T
        to_exemplars = vectors @ exemplar_vectors.T
        nearest = np.full_like(to_doc, -1.0)
        for j in range(len(themes)):
            nearest[:, j] = to_exemplars[:, owner == j].max(axis=1)
        # Half the theme as a whole, half its closest keyword or example: the maximum (rather than a
        # top-3 mean) and equal halves measured best on the DEV workshop (bench/themes_eval.py).
        semantic = 0.5 * to_doc + 0.5 * nearest
        if not self.keyword_weight:
            return semantic
        bonus = np.zeros_like(semantic)
        matchers = [[Keyword(k) for k in t.keywords] for t in themes]
        split = [(tokens, " ".join(tokens)) for tokens in (WORD.findall(text.casefold()) for text in texts)]
        heads = [(head, " ".join(head)) for head in (head_tokens(tokens) for tokens, _ in split)]
        for j, theme_matchers in enumerate(matchers):
            # A keyword in what the card asks for counts fully, one only in its "für …"/"im …" part half:
            # "Räume für Initiativen" is about Räume (measured on the DEV workshop: bench/themes_eval.py).
            found = np.array([[1.0 if m.matches(head, head_joined) else MODIFIER_WEIGHT if m.matches(tokens, joined)
                               else 0.0 for m in theme_matchers]
                              for (tokens, joined), (head, head_joined) in zip(split, heads)],
                             dtype=float).reshape(len(texts), len(theme_matchers))
            found *= np.array([ABBREVIATION_WEIGHT if m.kind == "word" else 1.0 for m in theme_matchers])
            # A keyword on a large share of the cards is the workshop's own topic ("Verstetigung" at a
            # workshop about Verstetigung), not a sign of one theme: it counts for less.
            share = found.mean(axis=0)
            if len(texts) >= 8:
                found *= np.where(share > COMMON_SHARE, COMMON_SHARE / np.maximum(share, 1e-9), 1.0)
            weight = np.minimum(found.sum(axis=1), 3.0)
            bonus[:, j] = np.where(weight > 0, self.keyword_weight * (2.0 - 2.0 * 0.5 ** weight), 0.0)
        return semantic + bonus

    def _learned_scores(self, texts: list[str], vectors: np.ndarray, learned: LearnedThemes,
                        example_vectors: np.ndarray, names: list[str],
                        weight: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per theme, from the cards a person decided: similarity to the nearest of them; the memory
        bonus; the classifier's probability (left at 0 when its ``weight`` is 0: then it is not run).

        The memory: up to ``memory_weight`` for a card as close in meaning to one a person put there as
        ``memory_similarity`` or closer. The classifier alone does not do this: trained on a few dozen
        cards of twenty themes, its belief in the one near-duplicate is spread thin."""
        classes, proba = learned.proba(texts) if weight else (learned.themes, None)
        similarity = vectors @ example_vectors.T
        remember = bool(self.memory_weight) and self.memory_similarity < 1.0
        if remember:
            meaning = meaning_part(self._get_embedder())
            closeness = meaning.encode(texts) @ meaning.encode(learned.texts).T
        labels = np.array(learned.labels)
        scores = np.full((len(vectors), len(names)), -1.0, dtype=np.float32)
        memory = np.zeros((len(vectors), len(names)), dtype=np.float32)
        belief = np.zeros((len(vectors), len(names)), dtype=np.float32)
        for k, c in enumerate(classes):
            j, decided = names.index(c), labels == c
            scores[:, j] = similarity[:, decided].max(axis=1)
            if remember:
                share = (closeness[:, decided].max(axis=1) - self.memory_similarity) / (1.0 - self.memory_similarity)
                memory[:, j] = self.memory_weight * np.clip(share, 0.0, 1.0)
            if proba is not None:
                belief[:, j] = proba[:, k]
        return scores, memory, belief

    # -- the public step ------------------------------------------------------------------------------
    def fit_assign(self, texts: Sequence[str]) -> list[str | None]:
        """One theme per text (None for blank texts), looking at all texts together."""
        themes = self._get_catalogue()
        embedder = self._get_embedder()
        keep = [i for i, t in enumerate(texts) if isinstance(t, str) and t.strip()]
        clean = [" ".join(texts[i].split()) for i in keep]
        result: list[str | None] = [None] * len(texts)
        changes: dict[str, str] = {}
        learners: list[tuple[LearnedThemes, float]] = []
        saved = self._get_learned()
        if saved is not None:
            learners.append((saved, self.learned_weight))
            changes.update(saved.changes)
        if self.corrections:
            if self.workshop is None:
                (decided, renamed), earlier = read_corrections(self.corrections), []
            else:
                decided, earlier, renamed = read_corrections_of(self.corrections, self.workshop)
            changes.update(renamed)
            for pairs, weight in ((earlier, self.learned_weight), (decided, self.correction_weight)):
                if pairs:  # with weight 0 only the decided cards count: no classifier is trained
                    learner = LearnedThemes.fit(pairs, model=None, random_state=self.random_state) if weight \
                        else LearnedThemes(*zip(*pairs))
                    learners.append((learner, weight))
        if not clean:
            self.themes_, self.scores_, self.new_themes_ = [t.name for t in themes], np.zeros((0, len(themes))), []
            self.vectors_ = np.zeros((0, 0), dtype=np.float32)
            self.kept_, self.folded_ = [], []
            return result
        if embedder.fitted_on_corpus:
            embedder.fit(clean + [t.document() for t in themes] + [e for t in themes for e in t.keywords + t.examples]
                         + [text for learner, _ in learners for text in learner.texts])
        vectors = embedder.encode(clean)
        names = [t.name for t in themes]
        scores = self._catalogue_scores(clean, vectors, themes, embedder)
        pinned = np.zeros(len(clean), dtype=bool)  # cards a person decided: folding leaves them alone
        for learner, weight in learners:
            names += sorted(set(learner.labels) - set(names))
            n_old = scores.shape[1]
            scores = np.hstack([scores, np.full((len(clean), len(names) - n_old), -1.0, dtype=scores.dtype)])
            nearest, memory, belief = self._learned_scores(clean, vectors, learner, embedder.encode(learner.texts),
                                                           names, weight)
            # Catalogue score plus the classifier's belief (measured better than taking the maximum of
            # the two: bench/themes_eval.py); a theme only people named starts from its nearest example.
            base = scores.copy()
            base[:, n_old:] = nearest[:, n_old:]
            exact = nearest >= 0.999  # a card a person already decided keeps that decision
            scores = base + weight * belief + memory + exact * 10.0
            pinned |= exact.any(axis=1)

        best = scores.argmax(axis=1)  # first maximum: ties go to the earlier catalogue theme
        threshold = self.threshold()
        assigned: list[str | None] = [names[j] if scores[i, j] >= threshold else None for i, j in enumerate(best)]
        if changes:  # renamed and merged themes go by their current names
            assigned = [changes.get(a, a) if a is not None else None for a in assigned]
            names = [changes.get(n, n) for n in names]
        self.themes_, self.scores_, self.vectors_ = names, scores, vectors
        self.new_themes_ = self._discover(clean, vectors, assigned, taken=set(names))
        folding = self._fold(assigned, pinned)
        assigned, self.kept_, self.folded_ = folding.labels, folding.kept, folding.folded
        for i, theme in zip(keep, assigned):
            result[i] = theme
        return result

    def _fold(self, assigned: list[str | None], pinned: np.ndarray) -> Folding:
        """Fold for minutes (``max_themes``); a card a person decided stays where the person put it.

        Folded cards are not moved to their next-best theme: measured, that put them into groups they
        do not belong to (bench/themes_folding.py)."""
        limit = check_max_themes(self.max_themes)
        if limit == 0:  # every theme stays; kept_ still lists them largest first
            sizes = Counter(a for a in assigned if a is not None and a != OTHER)
            return Folding(list(assigned), sorted(sizes, key=lambda t: (-sizes[t], assigned.index(t))), [])
        folding = fold_themes(assigned, limit, exempt=(OTHER,))
        labels = [before if keep else after for before, after, keep in zip(assigned, folding.labels, pinned)]
        decided = [label for label in dict.fromkeys(labels) if label in folding.folded]  # kept by a person's decision
        return Folding(labels, folding.kept + decided, [t for t in folding.folded if t not in decided])

    # -- new themes from the rest ---------------------------------------------------------------------
    def _discover(self, texts: list[str], vectors: np.ndarray, assigned: list[str | None],
                  taken: set[str]) -> list[str]:
        """Cluster the unassigned texts; fill ``assigned`` in place with new names or "Sonstiges"."""
        rest = [i for i, a in enumerate(assigned) if a is None]
        for i in rest:
            assigned[i] = OTHER
        if len(rest) < max(self.min_new_theme, 3):
            return []
        labels = self._cluster(vectors[rest])
        if labels is None:
            return []
        groups: dict[int, list[int]] = {}
        for i, label in zip(rest, labels):
            groups.setdefault(int(label), []).append(i)
        unassigned = set(rest)
        background = Counter(w for i in range(len(texts)) if i not in unassigned for w in content_words(texts[i]))
        clusters = [members for members in sorted(groups.values(), key=lambda m: m[0]) if len(members) >= 2]
        counts = [Counter(w for i in members for w in content_words(texts[i])) for members in clusters]
        new_names: list[str] = []
        taken = {n.casefold() for n in taken} | {OTHER.casefold()}
        for members, name in zip(clusters, name_clusters(counts, texts, clusters, background)):
            if not name:
                continue
            unique, n = name, 2
            while unique.casefold() in taken:
                unique, n = f"{name} ({n})", n + 1
            taken.add(unique.casefold())
            new_names.append(unique)
            for i in members:
                assigned[i] = unique
        return new_names

    def _cluster(self, vectors: np.ndarray):
        """Agglomerative clustering (cosine, average linkage); k from 2 up by the best silhouette."""
        from sklearn.cluster import AgglomerativeClustering
        from sklearn.metrics import silhouette_score

        distinct = len(np.unique(np.round(vectors, 5), axis=0))
        if distinct < 3 or not np.all(np.linalg.norm(vectors, axis=1) > 0):
            return None
        best_score, best_labels = -1.0, None
        for k in range(2, min(self.max_new_themes + 1, distinct - 1, len(vectors) - 1) + 1):
            labels = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit_predict(vectors)
            if len(set(labels)) < 2:
                continue
            score = float(silhouette_score(vectors, labels, metric="cosine"))
            if score > best_score + 1e-9:
                best_score, best_labels = score, labels
        if best_labels is None or best_score < self.min_silhouette:
            return None
        return best_labels



PREPOSITIONS = frozenset("für an am im in mit aus von vom bei beim zu zum zur auf über ohne gegen nach durch "
                          "unter vor seitens statt".split())


def head_tokens(tokens: Sequence[str]) -> list[str]:
    """The tokens of a card before its first preposition ("Räume | für Initiativen"), and again after
    "als" ("Kirchengemeinde als Partner"): what the card asks for rather than for whom or where."""
    out, inside = [], True
    for token in tokens:
        if token in PREPOSITIONS:
            inside = False
        elif token == "als":
            inside = True
        elif inside:
            out.append(token)
    return out



# ---- convenience ---------------------------------------------------------------------------------
def assign(texts: Sequence[str], catalogue: Sequence[Theme] | str | Path | None = None,
           embedder=None, max_themes: int | str = 0) -> list[str | None]:
    """Themes for a list of texts (None only for blank texts).

    Not folded by default: a theme per text is asked for; ``max_themes="auto"`` folds as minutes do.
    """
    return ThemeModel(catalogue=catalogue, embedder=embedder, max_themes=max_themes).fit_assign(list(texts))



__all__ = ["ThemeModel", "assign", "check_settings", "head_tokens", "OTHER", "FOLDED", "MIN_SIMILARITY", "MODIFIER_WEIGHT",
           "ABBREVIATION_WEIGHT", "COMMON_SHARE", "PREPOSITIONS"]

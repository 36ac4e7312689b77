"""How far a minute writer can trust the normaliser: accuracy on noisy text, restraint on clean text, speed.

Data (all built here, nothing downloaded):
- noisy → clean pairs, synthetic: every line of bench/data/normalise-clean.txt, twice, through the
  OCR noise model below (fixed seed): lost umlaut dots, rn/m, ß/B, l/I/1, e/c, h/b, t/f, missing or
  doubled letters, card line breaks and broken hyphenation, "=>" for "→", stray spaces;
- noisy → clean pairs from photos: 10 boards rendered by samples.generate.write_board, read by
  cardscan.api.scan_photo, each card's raw OCR paired with its ground truth (cached in
  bench/data/normalise-ocr-pairs.json; `--refresh-ocr` renders and reads them again, ~2 minutes).
  The rules for OCR slips were written looking at these misses, so 10 more boards (seeds 2100-2109,
  bench/data/normalise-ocr-pairs-heldout.json) are only ever scored: the "heldout_photo" columns;
- clean text: bench/data/normalise-clean.txt as it is (any word changed is a false correction).

Targets are compared with abbreviations kept (expand_abbreviations=False), since the clean text is
written with the card's own abbreviations. A photo's ground truth is brought into the same layout
(one line, "→", spaced "+") by a Normaliser without lexicon and dictionary; cards written in block
capitals are compared case-folded (their truth is the capitals, the normaliser writes nouns).

Usage:  .venv/bin/python bench/normalise_eval.py [--dictionaries none,hunspell,wordfreq] [--refresh-ocr]
        CARDSCAN_REAL_PHOTOS=DIR .venv/bin/python bench/normalise_eval.py --real dev   (real photos, see real_boards)
Writes bench/results/normalise_eval.json.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _results import save  # noqa: E402
from cardscan.evaluate import char_errors, flat_text  # noqa: E402
from cardscan.normalise import Normaliser  # noqa: E402

DATA = ROOT / "bench" / "data"
CLEAN_FILE = DATA / "normalise-clean.txt"
OCR_PAIRS_FILE = DATA / "normalise-ocr-pairs.json"  # seeds 2000-2009: rules were written looking at these
HELD_OUT_PAIRS_FILE = DATA / "normalise-ocr-pairs-heldout.json"  # seeds 2100-2109: only ever scored
SEED = 6
CHANGING = ("ocr-confusion", "spelling", "case", "abbreviation", "reformed-spelling")  # edits that change a word


# --- the OCR noise model ------------------------------------------------------------------------------
# (clean, noisy, weight): what Tesseract does to marker writing on cards, most frequent first.
WORD_NOISE = (
    ("ü", "u", 6), ("ü", "ii", 2), ("ä", "a", 4), ("ö", "o", 4), ("Ü", "U", 2), ("Ö", "O", 2), ("Ä", "A", 1),
    ("ß", "B", 3), ("m", "rn", 3), ("rn", "m", 1), ("l", "1", 1), ("I", "l", 2), ("e", "c", 2), ("b", "h", 2),
    ("t", "f", 2), ("n", "m", 1), ("tt", "t", 2), ("ss", "s", 1), ("nn", "n", 1), ("mm", "m", 1),
)


def noisy_word(word: str, rng: random.Random) -> str:
    options = [(c, n, w) for c, n, w in WORD_NOISE if c in word]
    kinds = ["confusion"] * 6 + ["double", "drop-last"] if options else ["double", "drop-last"]
    kind = rng.choice(kinds)
    if kind == "confusion":
        clean, noisy, _ = rng.choices(options, weights=[w for *_, w in options])[0]
        starts = [i for i in range(len(word)) if word.startswith(clean, i)]
        i = rng.choice(starts)
        return word[:i] + noisy + word[i + len(clean):]
    if kind == "double":  # a letter read twice
        i = rng.randrange(1, len(word))
        return word[:i] + word[i] + word[i:]
    return word[:-1] if len(word) > 7 else word  # last letter lost at the card's edge


def noisy_line(line: str, rng: random.Random, word_rate: float = 0.18) -> str:
    """One clean line as OCR might return it: a few misread words, card line breaks, variant symbols."""
    words = line.split(" ")
    out = []
    for w in words:
        core = w.strip(".,:;!?()")
        if len(core) >= 4 and core.isalpha() and rng.random() < word_rate:
            w = w.replace(core, noisy_word(core, rng), 1)
        out.append(w)
    # line breaks where a card's line would end, sometimes inside a long word with a hyphen
    pieces = []
    for i, w in enumerate(out):
        if len(w) >= 12 and w.isalpha() and rng.random() < 0.12:
            cut = rng.randrange(4, len(w) - 3)
            w = w[:cut] + "-\n" + w[cut:]
        pieces.append(w)
        if i < len(out) - 1:
            pieces.append(rng.choices([" ", "\n", "  "], weights=[6, 3, 1])[0])
    text = "".join(pieces)
    if "→" in text and rng.random() < 0.7:
        text = text.replace("→", rng.choice(["=>", "->", "-->"]))
    return text


def load_clean() -> list[str]:
    return [ln.strip() for ln in CLEAN_FILE.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


def synthetic_pairs(clean: list[str], copies: int = 2) -> list[tuple[str, str]]:
    rng = random.Random(SEED)
    return [(noisy_line(line, rng), line) for _ in range(copies) for line in clean]


# --- pairs from photos ----------------------------------------------------------------------------------
def ocr_pairs(refresh: bool = False, boards: int = 10, first_seed: int = 2000, path: Path = OCR_PAIRS_FILE) -> list[dict]:
    """Raw OCR of rendered boards against their ground truth (cached: rendering and OCR take minutes)."""
    if path.exists() and not refresh:
        return json.loads(path.read_text(encoding="utf-8"))["pairs"]
    import tempfile

    from cardscan.api import scan_photo
    from cardscan.evaluate import match
    from samples.generate import write_board

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(boards):
            tier = ("easy", "medium")[k % 2]
            seed = first_seed + k
            photo = write_board(tmp, f"board-{k}", seed, tier)
            truth = json.loads((Path(tmp) / f"board-{k}.truth.json").read_text(encoding="utf-8"))
            scan = scan_photo(photo)
            for i, j, _ in match([c.polygon for c in scan.cards], [c["polygon"] for c in truth["cards"]]):
                rows.append({"board": f"{tier}-{seed}", "raw": scan.cards[i].raw_text,
                             "truth": truth["cards"][j]["text"]})
            print(f"  board {k + 1}/{boards}: {len(scan.cards)} cards read", file=sys.stderr)
    path.write_text(json.dumps({"about": f"raw OCR of samples.generate boards (seeds {first_seed}-{first_seed + boards - 1}, "
                                         "easy/medium) against ground truth; see bench/normalise_eval.py",
                                "pairs": rows}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return rows


# --- metrics ------------------------------------------------------------------------------------------------
def photo_scores(photos: list[dict], outputs: list, layout_only: Normaliser) -> tuple[int, int, int, float, float]:
    """Exactly right cards after and before normalisation, cards wrong before and right after, and CER
    before and after, of photo pairs."""
    right = right_before = repaired = errors_before = errors_after = chars = 0
    for p, out in zip(photos, outputs):
        target = layout_only.normalise(p["truth"], expand_abbreviations=False).text
        raw, got = flat_text(p["raw"]), out.text
        if p["truth"].isupper():
            target, raw, got = target.casefold(), raw.casefold(), got.casefold()
        right += got == target
        right_before += raw == target
        repaired += raw != target and got == target
        errors_before += char_errors(raw, target)
        errors_after += char_errors(got, target)
        chars += len(target)
    return right, right_before, repaired, round(errors_before / max(1, chars), 4), round(errors_after / max(1, chars), 4)


def evaluate(dictionary: str, synthetic: list[tuple[str, str]], photos: list[dict], clean: list[str],
             held_out: list[dict] = ()) -> dict:
    t0 = time.perf_counter()
    n = Normaliser(dictionary=None if dictionary == "none" else dictionary)
    n.normalise("Warmlaufen Stadteilzentrum Kornmunikation")  # loads the dictionary (lazy)
    if n.dictionary is not None:
        n.dictionary.parts(), n.dictionary.suggest("warmlaufenn"), n.dictionary.near("warmlaufenn", 2)
        n.cases.table()
    load_s = time.perf_counter() - t0
    n = Normaliser(dictionary=n.dictionary)  # fresh caches for the timing; the loaded dictionary is shared
    layout_only = Normaliser(lexicon=None, dictionary=None)

    words = 0
    t0 = time.perf_counter()
    syn_out = [n.normalise(noisy, expand_abbreviations=False) for noisy, _ in synthetic]
    photo_out = [n.normalise(p["raw"], expand_abbreviations=False) for p in photos]
    clean_out = [n.normalise(line, expand_abbreviations=False) for line in clean]
    elapsed = time.perf_counter() - t0
    words = sum(len(x.split()) for x, _ in synthetic) + sum(len(p["raw"].split()) for p in photos) + \
        sum(len(x.split()) for x in clean)

    syn_right = sum(out.text == target for out, (_, target) in zip(syn_out, synthetic))
    syn_noisy_right = sum(flat_text(noisy) == target for noisy, target in synthetic)
    syn_repaired = sum(flat_text(noisy) != target and out.text == target for out, (noisy, target) in zip(syn_out, synthetic))
    misses = [(noisy, out.text, target) for out, (noisy, target) in zip(syn_out, synthetic) if out.text != target]

    photo_right, photo_right_before, photo_repaired, cer_before, cer_after = photo_scores(photos, photo_out, layout_only)
    held_out_right, held_out_right_before, _, held_cer_before, held_cer_after = photo_scores(
        held_out, [n.normalise(p["raw"], expand_abbreviations=False) for p in held_out], layout_only)

    clean_words = sum(len(line.split()) for line in clean)
    false = [(e.original, e.replacement) for out in clean_out for e in out.edits if e.reason in CHANGING]
    clean_changed = sum(out.text != line for out, line in zip(clean_out, clean))

    return {
        "dictionary": dictionary,
        "synthetic_lines": len(synthetic),
        "synthetic_exact_pct": round(100 * syn_right / len(synthetic), 1),
        "synthetic_exact_pct_before": round(100 * syn_noisy_right / len(synthetic), 1),
        "photo_lines": len(photos),
        "photo_exact_pct": round(100 * photo_right / max(1, len(photos)), 1),
        "photo_exact_pct_before": round(100 * photo_right_before / max(1, len(photos)), 1),
        "all_noisy_exact_pct": round(100 * (syn_right + photo_right) / (len(synthetic) + len(photos)), 1),
        # the stricter view: of the lines that were wrong before normalising, how many come out right
        "wrong_before_right_after_pct": round(100 * (syn_repaired + photo_repaired) / max(
            1, len(synthetic) - syn_noisy_right + len(photos) - photo_right_before), 1),
        "photo_cer_before": cer_before,
        "photo_cer_after": cer_after,
        "heldout_photo_lines": len(held_out),
        "heldout_photo_exact_pct": round(100 * held_out_right / max(1, len(held_out)), 1),
        "heldout_photo_exact_pct_before": round(100 * held_out_right_before / max(1, len(held_out)), 1),
        "heldout_photo_cer_before": held_cer_before,
        "heldout_photo_cer_after": held_cer_after,
        "clean_words": clean_words,
        "false_corrections": len(false),
        "false_correction_pct_of_words": round(100 * len(false) / clean_words, 2),
        "clean_lines_changed": clean_changed,
        "words_per_second": round(words / elapsed),
        "load_seconds": round(load_s, 2),
        "false_correction_examples": false[:20],
        "synthetic_misses_examples": misses[:25],
    }


def _hunspell_available() -> bool:
    import importlib.util

    from cardscan.dictionary import HUNSPELL_PATH

    return importlib.util.find_spec("spylls") is not None and HUNSPELL_PATH.with_suffix(".dic").exists()


def real_boards(split: str) -> int:
    """Real photos (bench/data/real, $CARDSCAN_REAL_PHOTOS; not committed): each note read by PP-OCR on its
    true outline, then normalised card by card as German, or board by board (`normalise_board`: the
    language decided from all the photo's notes). Character error rate against the note's own text: on
    English boards the German tables make readings worse ("hire" → "hier"), which comparing normalised
    reading with normalised truth would hide. Prints one line per photo and the total."""
    from collections import defaultdict

    from rapidfuzz.distance import Levenshtein

    from _real import REAL_TRUTH, real_photos_dir
    from cardscan.normalise import board_language, normalise, normalise_board
    from cardscan.ocr import get_reader
    from ocr_quality import real_notes

    notes = real_notes(real_photos_dir(), REAL_TRUTH, split)
    reads = [r.text for r in get_reader("ppocr").read([n["crop"] for n in notes])]
    by_photo: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for note, read in zip(notes, reads):
        by_photo[note["photo"]].append((note["text"], read))

    def folded(text: str) -> str:
        return flat_text(text).casefold()

    total: dict[str, float] = defaultdict(float)
    print(f"{split}: photo | language | notes | CER raw | per card (German) | per board | exact per card | per board")
    for photo, pairs in sorted(by_photo.items()):
        texts = [read for _, read in pairs]
        per_card = [normalise(t).text for t in texts]
        per_board = [r.text for r in normalise_board(texts)]
        row = {"chars": sum(len(folded(t)) for t, _ in pairs), "notes": len(pairs),
               "raw": sum(Levenshtein.distance(folded(r), folded(t)) for t, r in pairs),
               "card": sum(Levenshtein.distance(folded(o), folded(t)) for (t, _), o in zip(pairs, per_card)),
               "board": sum(Levenshtein.distance(folded(o), folded(t)) for (t, _), o in zip(pairs, per_board)),
               "exact_card": sum(folded(o) == folded(t) for (t, _), o in zip(pairs, per_card)),
               "exact_board": sum(folded(o) == folded(t) for (t, _), o in zip(pairs, per_board))}
        for k, v in row.items():
            total[k] += v
        c = max(1, row["chars"])
        print(f"{photo} | {board_language(texts)} | {row['notes']} | {row['raw'] / c:.3f} | {row['card'] / c:.3f} | "
              f"{row['board'] / c:.3f} | {row['exact_card']} | {row['exact_board']}")
    c = max(1, total["chars"])
    print(f"{split} total | | {int(total['notes'])} | {total['raw'] / c:.3f} | {total['card'] / c:.3f} | "
          f"{total['board'] / c:.3f} | {int(total['exact_card'])} | {int(total['exact_board'])}")
    save(f"normalise_eval_real_{split}", dict(total))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dictionaries", default="none,hunspell,wordfreq",
                        help="comma-separated: none (domain lexicon only), hunspell, wordfreq")
    parser.add_argument("--refresh-ocr", action="store_true", help="render and read the 10 boards again")
    parser.add_argument("--verbose", action="store_true", help="print misses and false corrections")
    parser.add_argument("--real", choices=("dev", "heldout"), help="instead: real photos' notes read by PP-OCR, "
                        "normalised per card and per board (heldout: once, at the end of a piece of work)")
    args = parser.parse_args(argv)
    if args.real:
        return real_boards(args.real)

    clean = load_clean()
    synthetic = synthetic_pairs(clean)
    photos = ocr_pairs(args.refresh_ocr)
    held_out = ocr_pairs(args.refresh_ocr, first_seed=2100, path=HELD_OUT_PAIRS_FILE)
    results = []
    for name in (d.strip() for d in args.dictionaries.split(",") if d.strip()):
        if name == "hunspell" and not _hunspell_available():
            print("hunspell: skipped (needs `apt-get install hunspell-de-de` and `pip install spylls`)")
            continue
        results.append(evaluate(name, synthetic, photos, clean, held_out))

    cols = ("dictionary", "synthetic_exact_pct", "photo_exact_pct_before", "photo_exact_pct", "all_noisy_exact_pct", "wrong_before_right_after_pct", "photo_cer_before",
            "photo_cer_after", "heldout_photo_exact_pct_before", "heldout_photo_exact_pct", "heldout_photo_cer_before", "heldout_photo_cer_after", "false_correction_pct_of_words", "words_per_second", "load_seconds")
    print(f"{len(synthetic)} synthetic noisy lines, {len(photos)} photo cards (+{len(held_out)} held out), "
          f"{results[0]['clean_words'] if results else 0} clean words")
    print(" | ".join(cols))
    for r in results:
        print(" | ".join(str(r[c]) for c in cols))
        if args.verbose:
            for f in r["false_correction_examples"]:
                print("   false:", f)
            for m in r["synthetic_misses_examples"]:
                print("   miss:", m)
    save("normalise_eval", {"seed": SEED, "results": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

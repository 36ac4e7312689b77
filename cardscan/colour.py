"""Card colours: the fixed German palette, white balance, and the colour legend (colour -> group).

Why white balance first: a yellow card under warm tungsten light and an orange card under
daylight have nearly the same raw RGB. We neutralise the light using the paper/board that
should be grey-ish, then compare in CIE Lab against reference card tones.
"""
from __future__ import annotations

import numpy as np

from cardscan.exceptions import BadConfig

# Reference sRGB tones of moderation-card paper (Metaplan/Neuland-like stock), in daylight.
PALETTE: dict[str, tuple[int, int, int]] = {
    "weiß": (242, 242, 236),
    "gelb": (250, 228, 80),
    "orange": (246, 148, 52),
    "rot": (214, 52, 56),
    "rosa": (244, 162, 192),
    "lila": (158, 112, 178),
    "hellblau": (128, 192, 234),
    "dunkelblau": (42, 82, 160),
    "hellgrün": (162, 214, 112),
    "dunkelgrün": (40, 128, 72),
}
COLOUR_NAMES = tuple(PALETTE)

_ALIASES = {"weiss": "weiß", "hellgruen": "hellgrün", "dunkelgruen": "dunkelgrün", "pink": "rosa",
            "violett": "lila", "blau": "hellblau", "grün": "hellgrün", "gruen": "hellgrün"}


def canonical_colour(name: str) -> str:
    """Map user spelling ("Hellgruen", "weiss") onto a palette name, or raise BadConfig."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in PALETTE:
        raise BadConfig(f"Unbekannte Kartenfarbe {name!r}. Erlaubt sind: {', '.join(COLOUR_NAMES)}")
    return key


def parse_legend(spec: str | dict[str, str] | None) -> dict[str, str]:
    """Parse "gelb=Gruppe 4,orange=Gruppe 3" (or a dict) into {colour: group}."""
    if not spec:
        return {}
    if isinstance(spec, dict):
        items = list(spec.items())
    else:
        items = []
        for part in spec.split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise BadConfig(f"Legende {part.strip()!r} verstehe ich nicht; erwartet wird z. B. \"gelb=Gruppe 4\"")
            colour, group = part.split("=", 1)
            items.append((colour, group))
    legend: dict[str, str] = {}
    for colour, group in items:
        if not str(group).strip():
            raise BadConfig(f"In der Legende fehlt der Gruppenname für {colour!r}")
        legend[canonical_colour(colour)] = str(group).strip()
    return legend


def _linear(rgb: np.ndarray) -> np.ndarray:
    """sRGB (0–255) to linear light (0–1)."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB uint8/float (…,3) -> CIE Lab (D65), float64. Pure numpy so it works without cv2."""
    c = _linear(rgb)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    L = 116 * f[..., 1] - 16
    a = 500 * (f[..., 0] - f[..., 1])
    b = 200 * (f[..., 1] - f[..., 2])
    return np.stack([L, a, b], axis=-1)


PALETTE_LAB = {name: srgb_to_lab(np.array(rgb)) for name, rgb in PALETTE.items()}


def _to_srgb(lin: np.ndarray) -> np.ndarray:
    lin = np.clip(lin, 0.0, 1.0)
    return 255.0 * np.where(lin <= 0.0031308, lin * 12.92, 1.055 * np.power(lin, 1 / 2.4) - 0.055)


def palette_distance(lab: np.ndarray) -> np.ndarray:
    """Distance of Lab colours (…,3) to every palette tone (…,10); lightness counts half,
    because light varies more than the paper's hue."""
    ref = np.stack(list(PALETTE_LAB.values()))
    diff = np.asarray(lab, dtype=np.float64)[..., None, :] - ref
    diff[..., 0] *= 0.5
    return np.sqrt((diff ** 2).sum(-1))


OFF_LOCUS_WEIGHT = 3.0  # casts off the blue–amber axis (green, magenta) are rarer: weigh them 3×


def paper_balance(paper_rgbs: np.ndarray, prior: float = 2.0) -> np.ndarray:
    """Per-channel gains (linear light) that make the cards' papers look like palette tones.

    Why: under warm or cool light a yellow card drifts towards orange and white towards yellow;
    fixed RGB thresholds then fail. Moderation cards come in a small set of known paper tones,
    so the illuminant is the gain that brings all papers of a photo closest to that set at once
    (a prior keeps it near neutral when there are only one or two cards). Exposure is estimated
    too, so low light does not turn yellow into orange. Real light varies mostly from blue (shade,
    daylight) to amber (bulbs), red and blue moving oppositely; the prior is three times stricter
    across that axis, so a cool photo is not "explained" as warm light on other papers (white as
    light blue, yellow as light green, lilac as dark blue).
    """
    papers = _linear(np.asarray(paper_rgbs, dtype=np.float64).reshape(-1, 3))
    if len(papers) == 0:
        return np.ones(3)
    steps = np.exp(np.linspace(-0.45, 0.45, 31))
    r, b = (g.reshape(-1) for g in np.meshgrid(steps, steps, indexing="ij"))
    along, across = np.log(r) - np.log(b), np.log(r) + np.log(b)  # blue–amber axis, green–magenta axis
    penalty = prior * (along ** 2 / 2 + OFF_LOCUS_WEIGHT * across ** 2 / 2) * 100
    # Exposure up to 11x (dim light is dimmer still in linear light): coarse steps, then finer
    # ones around the best; one exposure at a time keeps memory small with 60 cards.
    tried = {e: _best_tint(papers, r, b, penalty, np.exp(e)) for e in np.linspace(0.0, 2.4, 9)}
    best_e = min(tried, key=lambda e: tried[e][1])
    for e in best_e + np.array([-0.2, -0.1, 0.1, 0.2]):
        if 0.0 <= e <= 2.4:
            tried[e] = _best_tint(papers, r, b, penalty, np.exp(e))
    return min(tried.values(), key=lambda found: found[1])[0]


def _best_tint(papers: np.ndarray, r: np.ndarray, b: np.ndarray, penalty: np.ndarray, exposure: float):
    """The red/blue gains of the grid that fit the papers best at one exposure, and their cost."""
    gains = np.stack([r * exposure, np.full_like(r, exposure), b * exposure], axis=-1)  # green is the reference
    balanced = papers[None, :, :] * gains[:, None, :]  # (gains, cards, 3)
    nearest = palette_distance(srgb_to_lab(_to_srgb(balanced))).min(-1)
    cost = np.minimum(nearest, 30.0).sum(1) + penalty + _overexposure(balanced).sum(1) * 30.0
    i = int(np.argmin(cost))
    return gains[i], float(cost[i])


OVEREXPOSURE_FULL = 2.5  # a paper pushed to this many times white (linear light) costs as much as a wrong colour


def _overexposure(balanced: np.ndarray) -> np.ndarray:
    """How far each balanced paper (linear light, …,3) is pushed past white: 0 up to white, 1 at
    OVEREXPOSURE_FULL times white and beyond.

    Why a ramp and not "any channel past white costs a whole card": light falls off across a board
    (gradient, vignette: ±20 % in sRGB, about ±50 % in linear light), and yellow and white papers
    sit right under white in their brightest channel. At the right exposure the brighter half of those cards goes
    a little past white; a yes/no penalty then made a dim photo with few colours (e.g. only yellow
    and lilac under cool light) prefer a wrong light that maps yellow to light green and lilac to
    dark blue, because that light keeps every card under white. A paper far past white is still
    as costly as a wrong colour, so exposure cannot brighten dark cards into light ones.
    """
    top = np.maximum(balanced.max(-1), 1.0)
    return np.minimum(np.log(top) / np.log(OVEREXPOSURE_FULL), 1.0)


def apply_balance(rgb: np.ndarray, gains: np.ndarray) -> np.ndarray:
    """sRGB colours (…,3) under the given linear-light gains."""
    return _to_srgb(_linear(rgb) * np.asarray(gains))


INK_LEVEL = 12.0  # sRGB value of black marker ink in a photo without glare (dimmed by the light)


def glare_from_ink(crop: np.ndarray) -> float:
    """The share of white light veiling a card (0 = none), measured on its darkest ink.

    Why: glare adds white light over a patch of the board (sRGB x -> x + k·(255 - x)), which no
    photo-wide white balance can undo: a yellow card in it looks almost white. But the same veil
    lifts the black marker ink on that card, and every card has writing (or a pin's shadow), so
    how far the card's darkest pixels are from black tells k. White writing on dark cards leaves
    the paper as the darkest part, which only makes k a little too large for a paper that is
    dark anyway.
    """
    import cv2

    darkest = np.ascontiguousarray(np.asarray(crop)[::2, ::2].min(axis=-1), dtype=np.float32)
    darkest = cv2.blur(darkest, (3, 3))  # sensor noise in a dim photo would fake black ink
    level = float(np.percentile(darkest, 0.5))
    return float(np.clip((level - INK_LEVEL) / (255.0 - INK_LEVEL), 0.0, 0.8))


def remove_glare(rgb: np.ndarray, glare: float) -> np.ndarray:
    """sRGB colours (…,3) with a veil of white light of the given share taken off again."""
    return np.clip((np.asarray(rgb, dtype=np.float64) - 255.0 * glare) / (1.0 - glare), 0.0, 255.0)

"""Card crops prepared for Tesseract: dark writing on white, at a good letter height, pins painted out.

Why our own preprocessing: Tesseract is trained on dark print on white. Marker on coloured
paper under uneven light is not that. We take the brightest channel (paper is bright in at
least one channel, black marker in none), flip dark cards with light writing, divide out the
uneven light, stretch the writing (not a darker pin shadow) to black, scale so letters are ~40 px
tall, which is where Tesseract's LSTM reads best, and sharpen: small blurred capitals run together
into grey bars in which Tesseract finds no text at all. On generated tuning photos (706 cards,
medium and hard tier) those last two lowered the character error rate from 0.36 to 0.32 overall,
of block capitals from 0.21 to 0.15 (medium tier 0.13 to 0.01), at no extra Tesseract reading.

Why several images per card (`prepare_versions`): no single grey image suits every card. The
brightest channel is robust but weak where ink and paper differ mostly in hue (blue marker on a
green card); the grey along the paper-to-ink colour axis is strong there, but needs the ink colour,
and a pin on the card (its body and its black shadow) then stands out as much as the writing and can
make Tesseract read a lone "J" instead of the card. So the card is also prepared along its colour
axis with pins painted out (once more with only the stroke cores, for blurred bold capitals);
`cardscan.ocr.tesseract` reads them all and keeps the best-scored reading.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

TARGET_LETTER_HEIGHT = 40  # px; Tesseract's LSTM is most accurate around 30–50 px capitals
BLANK_PAPER_LEVEL = 185  # after flattening, paper is ~255; ink goes well below this
FAINT_LEVEL = 200  # after stretching, ink is near 0; shadows and grain above this become paper
THIN_FAINT_LEVEL = 110  # third image: only the stroke cores stay, so blurred block letters no longer run together
NOISY_PAPER_GRAIN = 6.0  # grain (robust σ of flattened paper) above which a crop is smoothed first
PAPER_GRAIN_CUT = 3.0  # ink must be this many grain σ darker than the paper
COLOUR_AXIS_PAPER = 200  # grey level of the paper colour on the colour axis (ink is 0)
COLOUR_AXIS_MIN = 20  # RGB distance; ink closer to the paper than this gives no colour-axis image
POLARITY_SIZE = 160  # px; ink/paper/pin analysis runs on a card shrunk to this (strokes stay visible)
PIN_STROKE_RATIO = 1.5  # a blob neither paper- nor ink-coloured this many stroke widths thick is a pin
PIN_MIN_RADIUS = 4  # px at POLARITY_SIZE; thinner coloured things (letter edges, specks) are never pins
PIN_MAX_RADIUS = 0.15  # of the card's shorter side; bigger blobs are glare or board, not pins
PIN_BODY_GROW = 1.35  # the painted-out disc is this much bigger than the pin's measured radius (rim too)
PIN_SHADOW_REACH = 1.9  # an ink blob lying mostly within this many pin radii is the pin's shadow
INK_LEVEL_PERCENTILE = 25  # of the pixels darker than paper, this share (and darker) is stretched to black
INK_LEVEL_MAX_SHARE = 0.65  # ... but it lies at most this share of the way from the darkest pixel to paper
SHARPEN_SIGMA = TARGET_LETTER_HEIGHT / 8  # px at the target letter height: about a blurred stroke's spread
SHARPEN_AMOUNT = 2.0  # unsharp-mask strength; blurred capitals need it strong to come apart
WORD_BLOB_MIN_ASPECT = 1.2  # an ink blob this many times wider than high is a word, not a letter ...
WORD_BLOB_MAX_FILL = 0.5  # ... and when ink fills less of its box than this, a joined-up handwritten one
JOINED_WORD_LETTER_SHARE = 0.5  # its letters are about this share of its height (ascenders + descenders)
SOFT_SCALE = 3.0  # the soft image of an unsure card: enlarged this much (unsure cards carry small writing) ...
SOFT_MAX_SIDE = 1500  # px; ... but no larger than this
SOFT_BLUR = 0.7  # px of the crop: smoothing that joins grainy strokes, applied after enlarging
SOFT_INK_PERCENTILE = 1  # the soft stretch: this percentile of the card goes to black, the median paper to white


class Pin(NamedTuple):
    """A pin's centre and radius, in crop pixels."""

    x: float
    y: float
    r: float


@dataclass
class PreparedCrop:
    """Greyscale dark-on-white image for Tesseract, and how to map its pixels back to the crop."""

    image: np.ndarray
    scale: float  # prepared = crop * scale + pad
    pad: int

    def to_crop(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.pad) / self.scale, (y - self.pad) / self.scale


@dataclass
class CardInks:
    """What the card's own colours say: writing light or dark, ink and paper colour, pins (x, y, r)."""

    light_on_dark: bool
    ink: np.ndarray | None  # RGB, None when no writing was found
    paper: np.ndarray  # RGB
    pins: list[Pin]


def prepare_crop(rgb: np.ndarray) -> PreparedCrop:
    """Turn a card crop into dark-text-on-white greyscale at a good letter height."""
    return prepare_grey(_brightest_channel(rgb, card_inks(rgb).light_on_dark))


def prepare_versions(rgb: np.ndarray) -> list[PreparedCrop]:
    """The brightest-channel image and, when ink and paper colours are known, the colour-axis image
    with pins painted out, once as it is and once with only the stroke cores (blurred bold capitals
    run together into blobs that Tesseract reads as nothing). Tesseract reads all; `cardscan.ocr.base.reading_score`
    picks per card."""
    inks = card_inks(rgb)
    prepared = [prepare_grey(_brightest_channel(rgb, inks.light_on_dark))]
    if inks.ink is not None:
        axis = inks.paper - inks.ink
        if float(axis @ axis) > COLOUR_AXIS_MIN ** 2:
            along = (rgb.astype(np.float32) - inks.ink) @ (axis / float(axis @ axis))  # ink 0, paper 1
            # paper at 200, not 255: brighter paper and its grain must not clip, or the grain looks
            # like nil and the stretch turns low-light noise into hundreds of "letters"
            along = np.clip(along * COLOUR_AXIS_PAPER, 0, 255).astype(np.uint8)
            stretched = _stretch(along)  # the same for both: flattening is the costly part
            prepared.append(_finish(stretched.copy(), inks.pins))
            prepared.append(_finish(stretched, inks.pins, faint=THIN_FAINT_LEVEL))
    return prepared


def prepare_soft(rgb: np.ndarray) -> PreparedCrop:
    """A grey image without any cut to black and white, for cards every other image read unsurely.

    In low light the paper's grain is as strong as faint writing: cut into ink and paper, the
    strokes fall apart into specks (an oval card "VERDRÄNGUNG STOPPEN" was read as
    "swrnrziiye Rrsiyt)bl"). Enlarged and smoothed, the strokes join again and Tesseract's own
    thresholding reads them (the same card then came out right)."""
    import cv2

    inks = card_inks(rgb)
    grey = _brightest_channel(rgb, inks.light_on_dark)
    flat = _flatten(grey)
    ink, paper = float(np.percentile(flat, SOFT_INK_PERCENTILE)), float(np.median(flat))
    flat = np.clip((flat - ink) * 255 / max(paper - ink, 1.0), 0, 255).astype(np.uint8)
    flat = _paint_out_pins(flat, inks.pins)
    scale = min(SOFT_SCALE, SOFT_MAX_SIDE / max(flat.shape))
    flat = cv2.resize(flat, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    flat = cv2.GaussianBlur(flat, (0, 0), SOFT_BLUR * scale)
    pad = TARGET_LETTER_HEIGHT // 2
    return PreparedCrop(cv2.copyMakeBorder(flat, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255), scale, pad)


def _brightest_channel(rgb: np.ndarray, light_on_dark: bool) -> np.ndarray:
    if light_on_dark:
        return 255 - rgb.min(axis=2).astype(np.uint8)  # white marker is bright in every channel
    return rgb.max(axis=2).astype(np.uint8)  # paper is bright in some channel; marker is dark in all


def prepare_grey(grey: np.ndarray, pins: list[Pin] | tuple[()] = (),
                  faint: int = FAINT_LEVEL) -> PreparedCrop:
    """Dark-on-light grey → flattened, stretched, pins painted out, scaled to the target letter height."""
    return _finish(_stretch(grey), pins, faint)


def _stretch(grey: np.ndarray) -> np.ndarray:
    """Divide out uneven light and stretch ink to black, paper to white (all white: no ink)."""
    import cv2

    flat = np.clip(_flatten(grey), 0, 255).astype(np.uint8)
    # Paper level and its grain (robust: ink is a minority of the card). In low light the grain is
    # coarse; smooth it first, and count as ink only what is clearly darker than grainy paper.
    paper, grain = _paper_and_grain(flat)
    if grain > NOISY_PAPER_GRAIN:
        flat = cv2.medianBlur(flat, 3)
        paper, grain = _paper_and_grain(flat)
    paper_floor = min(255.0, paper - PAPER_GRAIN_CUT * max(grain, 1.0))
    darkest = float(np.percentile(flat, 0.5))
    if darkest > min(BLANK_PAPER_LEVEL, paper_floor - 10):  # no ink: stretching would make grain into "letters"
        flat[:] = 255
        return flat
    darkest = max(darkest, _ink_level(flat, darkest, paper_floor))
    return np.clip((flat.astype(np.float32) - darkest) * (255 / (paper_floor - darkest)), 0, 255).astype(np.uint8)


def _flatten(grey: np.ndarray) -> np.ndarray:
    """The grey divided by the paper's light (float, paper about 255): uneven light divided out."""
    return grey.astype(np.float32) / np.maximum(_paper_light(grey).astype(np.float32), 1) * 255


def _paper_light(grey: np.ndarray) -> np.ndarray:
    """The paper's brightness under uneven light: a large closing (removes strokes), smoothed."""
    import cv2

    h, w = grey.shape
    k = max(15, (min(h, w) // 6) | 1)
    background = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    return cv2.GaussianBlur(background, (0, 0), k / 4)


def _finish(flat: np.ndarray, pins: list[Pin] | tuple[()] = (), faint: int = FAINT_LEVEL) -> PreparedCrop:
    """Stretched grey → faint things whitened, pins painted out, scaled, padded and sharpened."""
    import cv2

    # Marker ink is the darkest thing on a card; pin shadows, card edges and paper grain are only
    # half as dark. Whiten them so Tesseract does not read a pin's shadow as "J" or "9".
    flat[flat > faint] = 255
    flat = _paint_out_pins(flat, pins)
    scale = TARGET_LETTER_HEIGHT / max(letter_height(flat), 4)
    scale = float(np.clip(scale, 0.25, 4.0))
    if abs(scale - 1) > 0.1:
        interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        flat = cv2.resize(flat, None, fx=scale, fy=scale, interpolation=interp)
    else:
        scale = 1.0
    pad = TARGET_LETTER_HEIGHT // 2
    image = _sharpen(cv2.copyMakeBorder(flat, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255))
    return PreparedCrop(image=image, scale=scale, pad=pad)


def _sharpen(grey: np.ndarray) -> np.ndarray:
    """Unsharp mask at the scale of a blurred stroke. Tesseract finds no text at all in blurred
    block capitals whose letters run together (it gets one grey bar per word, and skips it);
    sharpened, the gaps between letters open up. Sharp writing only gets crisper edges."""
    import cv2

    grey = grey.astype(np.float32)
    blurred = cv2.GaussianBlur(grey, (0, 0), SHARPEN_SIGMA)
    return np.clip(np.rint(grey * (1 + SHARPEN_AMOUNT) - blurred * SHARPEN_AMOUNT), 0, 255).astype(np.uint8)  # paper stays 255


def _paint_out_pins(flat: np.ndarray, pins: list[Pin] | tuple[()]) -> np.ndarray:
    """Paint each pin's body white, and every ink blob lying mostly within its shadow's reach.

    The shadow is as black as marker ink, so only its place tells it apart: next to the body.
    Letters the pin overlaps keep whatever lies outside the body."""
    import cv2

    if not pins:
        return flat
    near = np.zeros(flat.shape, np.uint8)
    for x, y, r in pins:
        cv2.circle(flat, (round(x), round(y)), int(np.ceil(r * PIN_BODY_GROW)), 255, -1)
        cv2.circle(near, (round(x), round(y)), int(np.ceil(r * PIN_SHADOW_REACH)), 1, -1)
    n, labels, stats, _ = cv2.connectedComponentsWithStats((flat < 255).astype(np.uint8), connectivity=8)
    if n > 1:
        inside = np.bincount(labels.ravel(), weights=near.ravel().astype(np.float64), minlength=n)
        shadow = inside / np.maximum(stats[:, cv2.CC_STAT_AREA], 1) >= 0.6
        shadow[0] = False
        flat[shadow[labels]] = 255
    return flat


def _ink_level(flat: np.ndarray, darkest: float, paper_floor: float) -> float:
    """The level that the stretch makes black: a low percentile of the pixels darker than paper.

    Not the darkest pixels of the card: those are often a pin's black shadow, and writing only
    half as dark then stayed grey, and the faint cut erased its lighter half (thin, blurred or
    grainy strokes lost pieces). At most 65 % of the way from the darkest pixel to the paper, though:
    where the paper clips at white its grain looks like nil, the paper floor lies just below
    white, JPEG noise just under it counts as "ink", and the whole board turned black."""
    ink = flat[flat < paper_floor]
    level = float(np.percentile(ink, INK_LEVEL_PERCENTILE)) if ink.size else darkest
    return min(level, darkest + INK_LEVEL_MAX_SHARE * (paper_floor - darkest))


def _paper_and_grain(flat: np.ndarray) -> tuple[float, float]:
    paper = float(np.median(flat))
    return paper, 1.4826 * float(np.median(np.abs(flat.astype(np.float32) - paper)))


def card_inks(rgb: np.ndarray) -> CardInks:
    """Light or dark writing, ink and paper colour, and pins, from the card shrunk to POLARITY_SIZE.

    Writing: more thin strokes stand out *above* the paper than below it on a dark card with light
    writing. Ink is the minority that differs from the paper around it, in strokes. Bright strokes
    are looked for in the darkest channel (white marker is bright in all three), dark ones in the
    brightest channel (black or blue marker is dark in all three). The paper level is a local
    median, so glare and vignetting do not count as ink, and only strokes thinner than a sixth of
    the card count: a pin (a bright blob) on a dark card is not taken for white writing, which a
    global split of bright and dark pixels did, and then read nothing. The card's rim is left out.

    Pins: blobs whose colour is neither the paper's nor the ink's, much thicker than the strokes.
    """
    import cv2

    big_h, big_w = rgb.shape[:2]
    shrink = min(1.0, POLARITY_SIZE / max(min(big_h, big_w), 1))
    small = cv2.resize(rgb, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA) if shrink < 1 else rgb
    h, w = small.shape[:2]
    mh, mw = int(h * 0.05), int(w * 0.05)  # card rim and board
    k = max(9, (min(h - 2 * mh, w - 2 * mw) // 6) | 1)
    stroke_size = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    strokes = []
    for channel, sign, hat in ((small.max(axis=2), -1, cv2.MORPH_BLACKHAT), (small.min(axis=2), 1, cv2.MORPH_TOPHAT)):
        above_paper = sign * (channel.astype(np.float32) - cv2.medianBlur(channel, 2 * k + 1))
        cut = max(12.0, 4 * 1.4826 * float(np.median(np.abs(above_paper[mh:h - mh, mw:w - mw]))))
        found = (above_paper > cut) & (cv2.morphologyEx(channel, hat, stroke_size) > cut)
        found[:mh] = found[h - mh:] = False
        found[:, :mw] = found[:, w - mw:] = False
        strokes.append(found)
    light = bool(strokes[1].sum() > strokes[0].sum())
    ink_mask = strokes[1] if light else strokes[0]
    pixels = small.reshape(-1, 3).astype(np.float32)
    paper = np.median(pixels[~ink_mask.ravel()], axis=0)
    if ink_mask.sum() < 20:
        return CardInks(light, None, paper, [])
    ink_pixels = pixels[ink_mask.ravel()]
    from_paper = np.linalg.norm(ink_pixels - paper, axis=1)
    ink = np.median(ink_pixels[from_paper >= np.median(from_paper)], axis=0)  # stroke cores, not their blurred edges
    pins = [Pin(x / shrink, y / shrink, r / shrink) for x, y, r in _find_pins(small, ink, paper, ink_mask, k)]
    return CardInks(light, ink, paper, pins)


def _find_pins(small: np.ndarray, ink: np.ndarray, paper: np.ndarray, ink_mask: np.ndarray,
               k: int) -> list[Pin]:
    """Centre and radius of pins: thick blobs in neither paper nor ink colour (a white pin on a white
    card, or a red one on a red card, is not found; its shadow may still be read as "J")."""
    import cv2

    colour = small.astype(np.float32)
    local_paper = np.dstack([cv2.medianBlur(np.ascontiguousarray(small[..., c]), 2 * k + 1) for c in range(3)])
    from_paper = np.linalg.norm(colour - local_paper.astype(np.float32), axis=2)
    from_ink = np.linalg.norm(colour - ink, axis=2)
    # A pin at the crop's edge fills the local median's window there; its hue still differs from the
    # card's paper (light and shade only scale the paper colour, so they do not count).
    brightness = np.clip(colour @ paper / float(paper @ paper), 0.3, 2.0)
    off_hue = np.linalg.norm(colour - brightness[..., None] * paper, axis=2)
    noise = 1.4826 * float(np.median(from_paper))
    cut = max(30.0, 4 * noise)
    other = ((from_paper > cut) | (off_hue > cut)) & (from_ink > max(30.0, 0.35 * float(np.linalg.norm(paper - ink))))
    other = cv2.morphologyEx(other.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels, _, _ = cv2.connectedComponentsWithStats(other, connectivity=8)
    if n <= 1:
        return []
    # thickness: distance to the blob's edge; the crop's border counts as edge (a pin may be cut off)
    depth = cv2.distanceTransform(cv2.copyMakeBorder(other, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0),
                                  cv2.DIST_L2, 5)[1:-1, 1:-1]
    ink_depth = cv2.distanceTransform(ink_mask.astype(np.uint8), cv2.DIST_L2, 5)
    stroke = 2 * float(np.median(ink_depth[ink_depth > 0]))  # ≈ half a stroke's width (depths run 0..half)
    deepest = np.zeros(n, np.float32)
    np.maximum.at(deepest, labels.ravel(), depth.ravel())
    pins = []
    thick = ((deepest >= max(PIN_MIN_RADIUS, PIN_STROKE_RATIO * stroke))
             & (deepest <= PIN_MAX_RADIUS * min(small.shape[:2])))
    thick[0] = False  # background
    for j in np.nonzero(thick)[0]:
        ys, xs = np.nonzero((labels == j) & (depth >= deepest[j] - 0.5))
        pins.append(Pin(float(xs.mean()), float(ys.mean()), float(deepest[j])))
    return pins


def letter_height(grey: np.ndarray) -> float:
    """Height of ink blobs that look like letters (70th percentile); the crop's scale is unknown otherwise.

    Blobs touching the crop's border are card edges or board, not writing. Small blurred writing
    merges into one blob per word, which is still one letter high, so wide blobs count (they did
    not, and a card with one blurred word was not scaled up at all). A joined-up handwritten word is
    a wide blob too, but a sparse one, and as tall as its ascenders and descenders together: it counts
    as half as high, or handwriting was scaled to small letters (on the tuning photos the character
    error rate of handwriting-like fonts went 0.227 → 0.214, block capitals unchanged; on the blind
    photos less: 0.257 → 0.254 overall, the dkg font 0.674 → 0.664)."""
    import cv2

    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = grey.shape
    x, y, bw, bh, area = (stats[1:, i] for i in range(5))
    inside = (x > 0) & (y > 0) & (x + bw < w) & (y + bh < h)
    keep = (area >= 12) & (bh >= 4) & (bh <= 0.6 * h) & inside
    if not keep.any():
        return TARGET_LETTER_HEIGHT
    bw, bh, area = bw[keep], bh[keep].astype(float), area[keep]
    joined_word = (bw > WORD_BLOB_MIN_ASPECT * bh) & (area < WORD_BLOB_MAX_FILL * bw * bh)
    return float(np.percentile(np.where(joined_word, JOINED_WORD_LETTER_SHARE * bh, bh), 70))

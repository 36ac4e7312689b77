import numpy as np
import pytest

from cardscan.colour import PALETTE, canonical_colour, parse_legend, srgb_to_lab
from cardscan.detect import classify_colour
from cardscan.exceptions import BadConfig


def test_legend_parses_and_canonicalises():
    assert parse_legend("gelb=Gruppe 4, Orange=Gruppe 3,hellgruen=Gruppe 5") == {
        "gelb": "Gruppe 4", "orange": "Gruppe 3", "hellgrün": "Gruppe 5"}
    assert parse_legend(None) == {}


@pytest.mark.parametrize("spec", ["gelb", "türkis=Gruppe 1", "gelb="])
def test_bad_legend_is_a_config_error(spec):
    with pytest.raises(BadConfig):
        parse_legend(spec)


def test_canonical_colour_accepts_ascii_spellings():
    assert canonical_colour("WEISS") == "weiß"


def test_lab_of_white_and_black():
    assert srgb_to_lab(np.array([255, 255, 255]))[0] == pytest.approx(100, abs=0.5)
    assert srgb_to_lab(np.array([0, 0, 0]))[0] == pytest.approx(0, abs=0.5)


@pytest.mark.parametrize("name", list(PALETTE))
def test_every_palette_tone_classifies_as_itself(name):
    assert classify_colour(srgb_to_lab(np.array(PALETTE[name])))[0] == name


def test_far_colour_is_unknown_not_guessed():
    name, dist = classify_colour(srgb_to_lab(np.array([10, 10, 10])))  # black is no card colour
    assert name is None and dist > 38


def _card_with_writing(paper, ink=(20, 20, 24)):
    crop = np.zeros((120, 300, 3), np.float64)
    crop[:] = paper
    crop[50:70, 40:260] = ink
    return crop


def test_glare_is_measured_on_the_ink_and_taken_off():
    from cardscan.colour import glare_from_ink, remove_glare

    crop = _card_with_writing(PALETTE["gelb"])
    veiled = crop + (255 - crop) * 0.5  # glare: half the way to white
    assert classify_colour(srgb_to_lab(veiled[10, 10]))[0] != "gelb"  # what a global balance sees
    glare = glare_from_ink(veiled)
    assert glare == pytest.approx(0.5, abs=0.05)
    assert classify_colour(srgb_to_lab(remove_glare(veiled[10, 10], glare)))[0] == "gelb"
    assert glare_from_ink(crop) < 0.05  # no glare, nothing taken off


def test_dim_photo_keeps_light_green_light():
    """Low light (x0.3 in sRGB, about x0.07 in linear light) must be brightened, not read as dark green."""
    from cardscan.colour import apply_balance, paper_balance

    names = ["hellgrün", "hellgrün", "gelb", "hellblau", "lila"]
    dim = np.array([PALETTE[n] for n in names], float) * 0.3
    gains = paper_balance(dim)
    assert [classify_colour(srgb_to_lab(apply_balance(p, gains)))[0] for p in dim] == names


def test_noise_in_a_dim_photo_is_not_taken_for_glare():
    from cardscan.colour import glare_from_ink

    rng = np.random.default_rng(0)
    crop = _card_with_writing(np.array(PALETTE["dunkelblau"]) * 0.5, ink=(245, 245, 245))  # white marker
    noisy = np.clip(crop + rng.normal(0, 9, crop.shape), 0, 255)
    assert glare_from_ink(noisy) < 0.06
    veiled = noisy + (255 - noisy) * 0.3
    assert glare_from_ink(veiled) > 0.25  # the paper itself is lifted: glare is still seen


def _uneven_board(names, tint, dim, per_colour=8, spread=0.15):
    """Papers of a board under coloured, dim light that falls off across the board (±spread in sRGB)."""
    shade = np.tile(np.linspace(1 - spread, 1 + spread, per_colour), len(names))
    cards = [n for n in names for _ in range(per_colour)]
    papers = np.array([PALETTE[n] for n in cards], float) * shade[:, None] * np.array(tint) * dim
    return cards, np.clip(papers, 0, 255)


def test_few_colours_under_dim_cool_light_keep_their_names():
    """Only yellow and white cards, cool and dim light, brighter towards one side of the board: at the
    right exposure the brighter yellow/white cards go a little past white. That must not make the
    balance prefer a wrong light under which white reads light blue and yellow light green."""
    from cardscan.colour import apply_balance, paper_balance

    cards, papers = _uneven_board(["gelb", "weiß"], tint=(0.84, 0.97, 1.12), dim=0.5)
    gains = paper_balance(papers)
    assert [classify_colour(srgb_to_lab(apply_balance(p, gains)))[0] for p in papers] == cards
    assert gains[0] > gains[1] > gains[2]  # cool light is undone by more red and less blue


def test_overexposure_grows_with_how_far_past_white():
    from cardscan.colour import OVEREXPOSURE_FULL, _overexposure

    lin = np.array([[0.5, 0.5, 0.5], [1.0, 0.9, 0.2], [1.2, 1.0, 0.3], [1.6, 1.2, 0.4],
                    [OVEREXPOSURE_FULL * 1.5, 1.0, 1.0]])
    over = _overexposure(lin)
    assert over[0] == over[1] == 0.0  # up to white costs nothing
    assert 0.0 < over[2] < over[3] < 1.0  # a little past white (uneven light) costs a little
    assert over[4] == 1.0  # far past white costs as much as a wrong colour



def test_a_cool_dim_board_is_not_read_as_a_warm_light_on_other_papers():
    """Lilac, yellow, dark blue and white under cool, dim, uneven light, each card a little off (seeded).
    A correction for *warm* light (less red, more blue) also fits these papers, as light blue, light
    green and dark blue cards; the light prior must prefer the blue–amber axis real light varies along."""
    from cardscan.colour import apply_balance, paper_balance

    dim = np.random.default_rng(53).uniform(0.4, 0.6)  # 0.40: dim
    rng = np.random.default_rng(53)
    names = ["lila", "gelb", "dunkelblau", "weiß"]
    cards = [n for n in names for _ in range(10)]
    shade = rng.uniform(1 - 0.2, 1 + 0.2, len(cards))
    papers = np.array([PALETTE[n] for n in cards], float) * shade[:, None] * np.array([0.84, 0.97, 1.12]) * dim
    papers = np.clip(papers * rng.uniform(0.94, 1.06, papers.shape), 0, 255)
    gains = paper_balance(papers)
    assert [classify_colour(srgb_to_lab(apply_balance(p, gains)))[0] for p in papers] == cards
    assert gains[0] > gains[1] > gains[2]  # cool light is undone by more red and less blue

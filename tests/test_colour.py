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

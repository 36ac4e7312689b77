"""cardscan.normalise.confusions: OCR's letter slips as pure functions."""
from cardscan.normalise.confusions import is_confusion_only, one_edit_inside, recase, sharp_s, single_edits, stray_capital


def test_single_edits_cover_lost_dots_and_missing_doubles():
    edits = dict(single_edits("stadteil", generic=False))
    assert edits["stadtteil"] == 1.0  # a missing double letter is cheap
    assert dict(single_edits("burger", generic=False))["bürger"] == 0.75


def test_confusion_only_tells_lookalikes_from_spelling():
    assert is_confusion_only("kornmunikation", "kommunikation")
    assert is_confusion_only("burger", "bürger")
    assert not is_confusion_only("stadteil", "stadtteil")


def test_word_shape_helpers():
    assert stray_capital("SponSoren") == "Sponsoren" and stray_capital("BürgerInnen") is None
    assert sharp_s("flieBen") == "fließen" and sharp_s("BERATUNG") is None
    assert recase("bürger", "BURGER") == "BÜRGER" and recase("straße", "STRASE") is None
    assert one_edit_inside("konferenz", "konlerenz") and not one_edit_inside("kümmerer", "kümmerei")

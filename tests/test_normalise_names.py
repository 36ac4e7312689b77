"""cardscan.normalise.names: short parts of names are left as written."""
from cardscan.normalise import Normaliser
from cardscan.normalise.names import part_of_name
from cardscan.normalise.tokens import token_pattern, tokenize


def _tokens(text: str):
    return tokenize(token_pattern(""), text)


def test_a_short_word_beside_an_unknown_capitalised_one_is_part_of_a_name():
    n = Normaliser()
    tokens = _tokens("Nay Pyi Taw")
    assert part_of_name(tokens, 0, n.vocabulary, lambda w: False)
    assert not part_of_name(tokens, 0, n.vocabulary, lambda w: True)  # a slipped neighbour is no name
    words = _tokens("Jahre Verlängerung")
    assert not part_of_name(words, 0, n.vocabulary, lambda w: False)  # a known neighbour

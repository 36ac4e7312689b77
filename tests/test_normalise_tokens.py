"""cardscan.normalise.tokens: typed tokens and the spacing of symbols."""
from cardscan.normalise.tokens import Token, symbol_text, token_pattern, tokenize


def _tokens(text: str) -> list[Token]:
    return tokenize(token_pattern(r"z\s?\.\s?B\."), text)


def test_tokens_are_typed_with_their_offsets():
    tokens = _tokens("z.B. Kita=>Schule")
    assert tokens[0] == Token("dotted", "z.B.", 0)
    assert [t.kind for t in tokens[2:]] == ["word", "arrow", "word"]
    assert tokens[3].text == "=>" and tokens[3].start == 9


def test_symbols_get_spaces_only_between_words():
    tokens = _tokens("Kita=>Schule")
    assert symbol_text(tokens, 1) == " → "
    assert symbol_text(_tokens("500€"), 1) == " €"
    plus = _tokens("Kita+Schule")
    assert symbol_text(plus, 1) == " + "
    assert symbol_text(_tokens("+49"), 0) == "+"  # a phone number, not a sum

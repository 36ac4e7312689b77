"""German word lists, in one place: which words are function words, filler, or old spelling.

Why one module: the same idea (a short word that carries no theme, or that OCR glues to its neighbour)
was written four times in different stages and the lists had begun to drift apart. Each list here
serves exactly one purpose, named below; a stage that needs a word list imports it from here instead
of keeping its own copy. All lists are lower case with umlauts kept, unless said otherwise.

- `LEMMA_STOP_WORDS`: function words and workshop filler left out of the word TF-IDF of
  `cardscan.embed` (``lemmas``/``compounds``), so cards are not matched on "für" and "den";
- `THEME_STOP_WORDS`: a wider set (also "usw", "ggf", "möglich", …) that is never a theme's name or
  keyword (`cardscan.themes`);
- `FUNCTION_WORDS`: prepositions, articles and conjunctions that are capitalised only at a sentence
  start: the normaliser writes "Coaching Für Initiativen" as "Coaching für Initiativen";
- `SUSPENDED_HYPHEN_NEXT`: words after a suspended hyphen ("Kinder- und Jugendarbeit"): the hyphen
  stands for a left-out word part and is kept;
- `CONTRACTIONS`: preposition and article run together ("fürs", "beim"); never part of a compound;
- `GLUED_FUNCTION_WORDS`: short words OCR glues to the word before ("Müllan den" → "Müll an den"),
  longest first; not "in" ("Quartiersmanagerin" is a word even when no dictionary lists it);
- `NO_COMPOUND_PART`, `NO_COMPOUND_TAIL`: words German builds no compound with (articles, pronouns,
  conjunctions, finite auxiliaries: "sind|nicht" is two words), and words that may head one but never end
  one ("Nicht|wähler", "Zusammen|arbeit"; not "kann|nicht", "Ausgangslagen|zusammen");
- `REFORMED_SPELLING`: old spelling → the spelling of the 1996/2006 reform that minutes use
  ("daß" → "dass", "Streß" → "Stress"); lower case keys, applied case-preserving by the normaliser.
"""
from __future__ import annotations

__all__ = ["LEMMA_STOP_WORDS", "THEME_STOP_WORDS", "FUNCTION_WORDS", "SUSPENDED_HYPHEN_NEXT", "CONTRACTIONS",
           "GLUED_FUNCTION_WORDS", "NO_COMPOUND_PART", "NO_COMPOUND_TAIL", "REFORMED_SPELLING", "VERB_PARTICLES"]

LEMMA_STOP_WORDS = frozenset("""
aber alle allem allen aller alles als also am an andere anderen auch auf aus bei beim bin bis bisher bitte
bleiben bleibt da dabei dafür dagegen daher damit dann daran darauf darum das dass dem den denn der deren des
dessen die dies diese diesem diesen dieser dieses doch dort du durch eher ein eine einem einen einer eines
er es etwa etwas euch für gar geben gegen gehen geht gibt gut haben hat hatte hier hin ich ihm ihn ihnen ihr
ihre im immer in ins ist ja je jede jedem jeden jeder jedes jetzt kann kein keine können könnte man mehr mit
muss müssen nach nicht nichts noch nun nur ob oder ohne schon sehr sein sich sie sind so soll sollen sollte
sowie über um und uns unser unter viel viele vom von vor was weil welche wenn wer werden wie wieder will wir
wird wo wollen wurde würde zu zum zur zwar zwischen machen mal neu klar wichtig genau ganz stark stärker
""".split())

THEME_STOP_WORDS = frozenset("""
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

FUNCTION_WORDS = frozenset("""für über und oder mit an auf aus bei nach von vor zu zum zur im in am vom ins
    den der die das dem des ein eine einen einem einer eines als wie durch gegen ohne um bis sowie bzw
    statt unter zwischen""".split())

SUSPENDED_HYPHEN_NEXT = frozenset({"und", "oder", "bzw", "sowie", "bis", "als", "wie", "u", "o"})

CONTRACTIONS = frozenset("fürs aufs beim ins ans ums vors übers durchs hinters unters".split())

GLUED_FUNCTION_WORDS = ("für", "zum", "zur", "und", "mit", "auf", "bei", "von", "vom", "an", "am", "im", "zu")

NO_COMPOUND_PART = frozenset("""der die das dem den des ein eine einem einen einer eines und oder aber denn doch
    dass wenn weil als wie sich sie ich wir ihr ihre ihnen ihm ihn uns euch du er es man sind wird hat
    hatte gibt bin wurde würde könnte sollte dies diese diesem diesen dieser dieses jede jedem
    jeden jeder jedes deren dessen auch noch nur sehr also dann dort hier bisher eher etwa etwas nichts
    jetzt zwar sowie bitte was wer wo werden wurden worden sein""".split())

# "Muss|kriterien", "Kann|bestimmung", "Soll|zustand", "Ist|wert", "Schon|raum", "Will|kür": these head
# compounds (so they are no NO_COMPOUND_PART), but end none ("kann|nicht" is two words)
NO_COMPOUND_TAIL = NO_COMPOUND_PART | frozenset("""nicht zusammen wieder immer ohne gegen über unter zwischen
    durch nach beim alle allem allen aller alles andere anderen dabei dafür dagegen daher damit daran darauf
    darum sowohl kann muss soll ist schon will""".split())

# Only words whose old form is unambiguous: "muß" is always "muss", but "Fluß"/"Fuß" differ ("Fuß" keeps
# its ß after a long vowel), so only listed words change, never a rule "ß after a short vowel".
# Also the first or last part of a compound ("Prozeß|begleitung", "Miß|verständnis"), see cardscan.normalise.
REFORMED_SPELLING: dict[str, str] = {
    "daß": "dass", "muß": "muss", "mußte": "musste", "mußten": "mussten", "müßte": "müsste",
    "müßten": "müssten", "mußt": "musst", "läßt": "lässt", "laß": "lass", "paßt": "passt", "gewußt": "gewusst",
    "wußte": "wusste", "wußten": "wussten", "bißchen": "bisschen", "biß": "biss", "faßt": "fasst",
    "erfaßt": "erfasst", "zusammengefaßt": "zusammengefasst", "streß": "stress", "prozeß": "prozess",
    "kongreß": "kongress", "fluß": "fluss", "schluß": "schluss", "abschluß": "abschluss",
    "anschluß": "anschluss", "beschluß": "beschluss", "ausschuß": "ausschuss", "zuschuß": "zuschuss",
    "überschuß": "überschuss", "einfluß": "einfluss", "genuß": "genuss", "verlaß": "verlass", "haß": "hass",
    "riß": "riss", "schloß": "schloss", "mißbrauch": "missbrauch", "mißverständnis": "missverständnis",
    "mißtrauen": "misstrauen", "mißerfolg": "misserfolg", "bewußt": "bewusst", "bewußtsein": "bewusstsein",
    "unbewußt": "unbewusst", "selbstbewußt": "selbstbewusst", "gewiß": "gewiss", "gewißheit": "gewissheit",
    "häßlich": "hässlich", "naß": "nass", "blaß": "blass", "kraß": "krass", "plazieren": "platzieren",
    "plaziert": "platziert", "numerieren": "nummerieren", "miß": "miss",
}

# Verb particles and prepositions that prefix German words ("an|listen", "Um|formulierung", "aus|geklappt",
# "Vor|bearbeitung"): a compound headed by one is no noun by its tail alone, and no slip's split point.
VERB_PARTICLES = frozenset("""ab an auf aus bei durch ein fest frei gegen her hin los mit nach über um unter vor weg
    weiter wieder zu zurück zusammen""".split())

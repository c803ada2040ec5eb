"""Text to search terms: case and accents folded, legal boilerplate dropped, Snowball stems.

National offence lists are written in legal language: "ART. 141 INC. 3", "C.P.", "Ley 20.000",
"el que …", "será castigado con …". None of that says *which* offence it is, so article and law
references, numbers, function words and the words of penal boilerplate are dropped before
stemming (PyStemmer's Snowball stemmers for English and Spanish). The article itself is kept
apart by :func:`article_key`: two offences of the same article usually map to the same code.
"""
import functools
import re

from ..search import fold  # lower case, accents off: one way, shared with iccs search

_WORD = re.compile(r"[^\W\d_]{2,}")
_REFERENCE = re.compile(  # article, paragraph and law references, with their numbers
    r"\b(?:art[ií]culos?|arts?|inc(?:iso)?s?|n[°º]|nros?|num|letras?|ley(?:es)?|lois?|al(?:in[ée]a)?s?|"
    r"d\.?\s?f\.?\s?l|d\.?\s?l|"
    r"d\.?\s?s|c\.?\s?p|section|sec|para|paragraph|chapter|act|s)\.?\s*"
    r"[\d][\w.°º\-/]*(?:\s*(?:bis|ter|qu[aá]ter|quinquies|sexies|septies|octies|y|e|a|al|and|to|-|,)"
    r"\s*[\d][\w.°º\-/]*)*"
    r"(?:\s+(?:bis|ter|qu[aá]ter|quinquies|sexies|septies|octies))?\b",
    re.IGNORECASE)
_ARTICLE = re.compile(r"\bart(?:[ií]culos?|s)?\.?\s*(\d+)\s*(bis|ter|qu[aá]ter)?\s*([a-z])?\b",
                      re.IGNORECASE)
_LAW = re.compile(r"\b(?:ley|d\.?\s?f\.?\s?l|d\.?\s?l|act)\.?\s*(?:n[°º.]?\s*)?(\d[\d.]*)", re.IGNORECASE)

STOP = {
    "en": set("""a about above after again against all also am an and any are as at be because been
        before being below between both but by can could did do does doing down during each either
        else for from further had has have having he her here hers him his how i if in into is it its
        itself just may me might more most must my no nor not of off on once only or our out over
        own same shall she should so some such than that the their them then there these they this
        those through to too under until up upon very was we were what when where whether which while
        who whom whose why will with within without would you your""".split()),
    "es": set("""a al algo algun alguna algunas alguno algunos ante antes aquel aquella aquellas aquello
        aquellos aqui asi aun bajo cada como con contra cual cuales cualquier cualquiera cuando de del
        desde donde dos durante el ella ellas ello ellos en entre era eran es esa esas ese eso esos esta
        estas este esto estos fue fuera fueren fuere fueron ha han hasta hay la las le les lo los mas
        me mediante mismo mi mis misma mismas mismos muy ni no nos o os para pero
        por porque que quien quienes se sea sean segun ser si sido siendo sin sino sobre su sus tal
        tales tambien tan tanto te toda todas todo todos tras un una unas uno unos y ya""".split()),
    "fr": set("""au aux avec ce ces cet cette celui celle ceux dans de des du elle elles en et eux il ils
        la le les leur leurs lui ma mais me meme mes moi mon ne ni nos notre nous on ou par pas pour
        qu que qui quoi sa se ses son sur ta te tes ton tu un une vos votre vous est sont soit sera
        ete etre ont ainsi apres avant dont lorsque lorsqu si sans sous tout toute tous toutes autre
        autres entre contre vers chez plus moins tres aupres afin selon""".split()),
}
# Words of penal boilerplate: they say that something is punished, not what. A rule for any
# national list, not for any one row.
BOILERPLATE = {
    "en": set("""offence offences offense offenses crime crimes criminal commit commits committed
        committing person persons punish punished punishable penalty penalties liable sentence
        imprisonment fine fines code penal law laws act provision provisions article articles section
        paragraph subsection chapter any whoever anyone one who""".split()),
    "es": set("""delito delitos crimen crimenes simple simples falta faltas infraccion infracciones
        pena penas castiga castigado castigada castigados castigara castigar sanciona sancionado
        sancionada sancionara sancionar presidio reclusion prision multa multas grado grados minimo
        medio maximo articulo articulos inciso incisos ley leyes codigo penal numero letra persona
        personas comete cometa cometiere cometido cometidos sujeto sujetos aquel cualquiera dispuesto
        establecido prescrito previsto respectivamente caso casos""".split()),
    "fr": set("""infraction infractions delit delits crime crimes contravention contraventions peine
        peines puni punie punis punissable reprime reprimee amende amendes emprisonnement reclusion
        article articles alinea code penal pen loi lois fait quiconque personne personnes commis
        commise commettre auteur cas""".split()),
}
STEMMERS = {"en": "english", "es": "spanish", "fr": "french"}  # Snowball's names of the languages
LANGS = tuple(STEMMERS)  # the languages a national list may be in
_STEMMERS = {}


def _stemmer(lang):
    stemmer = _STEMMERS.get(lang)
    if stemmer is None:
        try:
            import Stemmer
        except ImportError:
            from ..errors import ICCSError

            raise ICCSError("iccs map needs PyStemmer (pip install PyStemmer)") from None

        stemmer = _STEMMERS[lang] = Stemmer.Stemmer(STEMMERS[lang])
    return stemmer


# a reference glued to the words around it, as catalogues pasted from legal texts have them:
# "A MENORESART. 5BIS", "ART. 322 BISEl que", "INC.2°El que", "ART. 110Falsificar"
_GLUED = re.compile(
    r"[^\W\d_]{3}(?=ARTS?\.\s*\d)"
    r"|(?:\d\s*(?:BIS|TER|QU[AÁ]TER|QUINQUIES|SEXIES|SEPTIES|OCTIES)|\d|[°º])"
    r"(?=[A-ZÁÉÍÓÚÑÀÈÇÔÂÊÎÛ][a-záéíóúñàèçôâêîûœ])")


def unglue(text):
    """A space where a reference is glued to the words around it: 'MENORESART. 5' → 'MENORES ART. 5',
    'ART. 322 BISEl que' → 'ART. 322 BIS El que'."""
    return _GLUED.sub(r"\g<0> ", text) if text else ""


def strip_references(text):
    """Article, paragraph and law references out: 'ART. 141 INC. 1 y 2 Robo' → ' Robo'."""
    return _REFERENCE.sub(" ", unglue(text))


def terms(text, lang, boilerplate=True):
    """The search terms of a text: stems of its content words, in order (repeats kept)."""
    if not text:
        return []
    return list(_terms(text, lang, boilerplate))


@functools.lru_cache(maxsize=1 << 16)
def _terms(text, lang, boilerplate):
    """``terms``, kept for the texts met again (the ICCS texts that match, offence after offence)."""
    words = _WORD.findall(strip_references(text).casefold())
    stop = STOP[lang]
    drop = BOILERPLATE[lang] if boilerplate else ()
    kept = []
    for w in words:
        f = fold(w)
        if f in stop or f in drop:
            continue
        kept.append(w)
    return tuple(fold(s) for s in _stemmer(lang).stemWords(kept))


# a national residual offence: "Otros delitos contra la propiedad", "12. Other offences", "Hurto -
# otros", "Cualquier otro delito", "Delitos no clasificados en otra parte", "Autres délits"
_RESIDUAL_WORDS = "otro otra otros otras demas resto restantes other others autre autres"
_RESIDUAL = re.compile(
    r"^\W*(?:(?:\d+|[a-z])[.):\-]\s*|\d+\s+)?"  # a number or letter of a list
    r"(?:(?:los|las|les|the|all|any|cualquier|todos los|todas las|toute|toutes|tout|d')\s*)?"
    r"(?:otr[oa]s?|demas|resto|restantes|others?|autres?)\b"
    r"(?!['’]|\s+(?:persons?|personas?|personnes?|party|parte|partie|people|gente))"
    r"|[-–(,]\s*(?:otr[oa]s|others?|autres)\W*$"
    r"|\bno clasificad[oa]s? en otra parte\b|\bnot elsewhere classified\b|\bn\.\s?e\.\s?c\b"
    r"|\bnon class[ée]e?s? ailleurs\b")
_NOT_SAID = ("no clasificados en otra parte not elsewhere classified nec non classees ailleurs "
             "cualquier todos any toute tout")


def is_residual(label):
    """Whether a national offence's name says it is a residual: "OTROS DELITOS CONTRA LA
    PROPIEDAD", "12. Other offences against property", "Hurto - otros", "Delitos no clasificados
    en otra parte", "Autres délits"; not "Other person's property, damage to"."""
    return bool(_RESIDUAL.search(fold((label or "").casefold())))


def chapter_residual(label, family, lang):
    """Whether an offence is the residual of its national chapter: a residual whose other words
    are the chapter's ("OTROS DELITOS CONTRA LA PROPIEDAD" in the chapter "DELITOS CONTRA LA
    PROPIEDAD"), so that it holds whatever the chapter holds beyond the offences it lists, and
    not a residual of one kind ("Other burglary" in "Theft and burglary")."""
    if not is_residual(label):
        return False
    said = set(terms(f"{_RESIDUAL_WORDS} {_NOT_SAID}", lang))  # what says "residual", not what
    own = set(terms(label, lang)) - said
    chapter = set(terms(family, lang)) - said
    return bool(own) and own <= chapter and len(own) >= 0.75 * len(chapter)


# letters one of the languages writes and the others do not
_LETTERS = {"en": "", "es": "ñ¿¡áíóú", "fr": "çèêëâîôûùœ"}


def detect_lang(texts):
    """'en', 'es' or 'fr', by the function words only one of them uses ('the', 'del', 'des') and
    the letters only one of them writes ('ñ', 'ç'), whichever are more frequent in the texts;
    English when nothing tells (a short list of bare names: give ``--lang``)."""
    only = {lang: STOP[lang].difference(*(STOP[o] for o in LANGS if o != lang)) for lang in LANGS}
    counts = {lang: 0 for lang in LANGS}
    for text in texts:
        lower = text.casefold()
        for lang, letters in _LETTERS.items():
            counts[lang] += sum(lower.count(ch) for ch in letters)
        for w in _WORD.findall(fold(text)):
            for lang in LANGS:
                if w in only[lang]:
                    counts[lang] += 1
    return max(LANGS, key=lambda lang: (counts[lang], lang == "en"))


def article_key(*texts):
    """Which article of which law an offence is under: 'ley 20000 art 3', 'art 141' (the Penal
    Code when no law is named), or '' when the texts cite no article."""
    for text in map(unglue, texts):
        if not text:
            continue
        art = _ARTICLE.search(text)
        if art:
            law = _LAW.search(text)
            number = art.group(1) + (fold(art.group(2)) if art.group(2) else "")
            prefix = f"ley {law.group(1).replace('.', '')} " if law else ""
            return f"{prefix}art {number}"
    return ""

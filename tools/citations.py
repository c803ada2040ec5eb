"""The check of citations: every code the publication cites, read against the words before it.

    python3 tools/citations.py              # the citations the check flags, their scores and decisions
    python3 tools/citations.py --undecided  # only those no erratum decides (the build refuses them)

A code the ICCS cites can exist and still be the wrong one ("theft of pets (05025)", where 05025
is theft of livestock): no shape sees that. This reads, in both editions, every citation of
Table I (definitions, inclusions, exclusions), of the alphabetical index, and of the footnotes a
note names ("as defined in footnote 48"), and compares the words that stand before it with what
the publication itself says of each category:

- a **phrase** ("theft of pets (05025)", "Robbery as defined in 0401", an index term and its code)
  is scored against the texts of every category: its label, the items of its definition and
  inclusions, its index terms and the phrases other notes cite it for, and those of the
  categories below it (a group cited for one of its classes is cited right). The score of a text
  is the share of the two sides' distinct word stems they have in common, each weighted by how
  rare it is among the category texts (weighted Dice); a category's score is its best text's.
  The citation is flagged when a category that is neither above nor below the cited one scores
  clearly more (``MARGIN``). The citation's own text, and its copies citing the same code (a
  slip copied into three sibling rows must not vouch for itself), are left out of the cited
  code's texts;
- a **structural** citation ("apply all exclusions listed in 02012", "not described or
  classified in categories 02021 - 02022") has no words of its own: it is flagged when the cited
  code is not in the citing category's family (itself, a category above or below it, or a
  child of one above it), or is the citing category itself;
- a **footnote** named in a note is flagged when the term before it is none of the terms the
  footnote defines.

Every flagged citation must have a decision in ``data/errata.csv``: a row of the same table,
key and field whose ``printed`` value is the code (or a phrase holding it), with action
``correct`` (the graph links the corrected code), ``note`` (a fault recorded, the print kept) or
``keep`` (the citation was read and is right; the reason says why). ``tools/build_graph.py``
refuses to build while one has none, and ``tests/test_citations.py`` checks the same.
"""
import argparse
import csv
import math
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from iccs.mapping.text import terms  # noqa: E402  (case, accents, stop words, Snowball stems)

LANGS = ("en", "es")
MARGIN = 0.2  # how much better another category must match the words for a citation to be flagged
NOTE_FIELDS = ("definition", "inclusions", "exclusions")

# A cited number: "(0206)", "in 0103", "01041 - 01049", "02021 a 02022", "040121 y 040129".
CODE_RE = re.compile(r"(?<![\w.])(\d+)(?:\s*(?:[-–]|\sa\s|\sy\s)\s*(\d+))?(?![\w])")
NOT_A_CODE_AFTER = {"footnote", "nota", "article", "artículo", "of", "de"}
# The words before a citation that make it structural: it names categories, not acts.
STRUCTURAL_RE = re.compile(
    r"(?:(?:listed|enumerad[oa]s?|classified|clasificad[oa]s?|described|descrit[oa]s?|describen|clasifican)"
    r"\s+(?:in|en|by|por)"
    r"(?:\s+(?:categories|category|categor[ií]as?|las\s+categor[ií]as|la\s+categor[ií]a))?"
    r"|(?:apply|aplicar)\s+(?:all|todas)\s+(?:the\s+|las\s+)?(?:inclusions|exclusions|inclusiones|exclusiones)"
    r"(?:\s+(?:listed|enumeradas))?(?:\s+(?:in|en))?)\s*$", re.IGNORECASE)
APPLY_RE = re.compile(r"(?:apply|aplicar)\b", re.IGNORECASE)
# "Robbery as defined in 0401", "Difamación o insulto, tal como se describen en 0209": a term
# and the category that defines it (a phrase, though "described in" is also structural)
AS_DEFINED_RE = re.compile(r"(?:\bas|\bcomo)\s+(?:se\s+)?(?:defined|described|define|definen|describe|describen)"
                           r"\s+(?:in|en)\s*$", re.IGNORECASE)
DEFINED_RE = re.compile(r"[,\s]*(?:tal\s+)?(?:como\s+)?(?:as\s+)?(?:se\s+)?(?:defined|described|define|"
                        r"definen|describe|describen)\s+(?:in|en)\s*$", re.IGNORECASE)
FOOTNOTE_RE = re.compile(r"(?:^|-)\s*([^-]+?)[,\s]+(?:tal\s+)?(?:como\s+)?(?:as\s+)?(?:se\s+)?"
                         r"(?:defined|define|definen)\s+(?:in|en)\s+(?:footnote|la\s+nota)\s+(\d+)",
                         re.IGNORECASE)
# Where the words of one cited phrase begin: after the previous item, citation or sentence.
PHRASE_START_RE = re.compile(r".*(?:[;)]|\.\s|\s-\s|^-|:)", re.DOTALL)


@dataclass(frozen=True)
class Citation:
    source: str  # the table: table1-en, index-es, ...
    key: str  # the row: a category's code, or an index term
    field: str  # definition, inclusions, exclusions; code for the index
    code: str  # the code as printed (after an erratum that corrects the row's own code)
    kind: str  # phrase, structural, footnote
    words: str  # the words the code is cited for (for a structural one, "apply all exclusions listed in")

    @property
    def lang(self):
        return self.source.rsplit("-", 1)[1]


@dataclass
class Flag:
    citation: Citation
    reason: str  # why it is flagged, in one line
    best: str = ""  # the category the words match better, for a phrase
    cited_score: float = 0.0
    best_score: float = 0.0
    decision: str = ""  # the erratum that decides it, once one does

    def to_row(self):
        c = self.citation
        return {"source": c.source, "key": c.key, "field": c.field, "code": c.code, "kind": c.kind,
                "words": c.words, "best": self.best, "cited_score": f"{self.cited_score:.2f}",
                "best_score": f"{self.best_score:.2f}", "reason": self.reason, "decision": self.decision}


def read_table(data, name):
    with open(Path(data) / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def row_codes(rows, errata, source):
    """Table rows with their own code corrected where an erratum corrects it (E004: 01042 → 01049)."""
    fixes = {e["key"]: e["corrected"] for e in errata
             if e["source"] == source and e["field"] == "code" and e["action"] == "correct"}
    return [dict(r, code=fixes.get(r["code"], r["code"])) for r in rows]


# -- reading the citations ---------------------------------------------------------------------

def note_citations(source, code, field, text):
    """The citations of one note, with the words each is cited for."""
    out = []
    for m in FOOTNOTE_RE.finditer(text):
        out.append(Citation(source, code, field, "footnote " + m.group(2), "footnote", m.group(1).strip()))
    for m in CODE_RE.finditer(text):
        before = text[:m.start()]
        last = before.split()[-1].strip("(").casefold() if before.split() else ""
        if last in NOT_A_CODE_AFTER or not is_code(m.group(1)):
            continue
        cited = [m.group(1)] + ([m.group(2)] if m.group(2) and is_code(m.group(2)) else [])
        structural = STRUCTURAL_RE.search(before)
        if structural and not AS_DEFINED_RE.search(before):
            for c in cited:  # the words are kept: "apply all ..." and "not classified in" differ
                out.append(Citation(source, code, field, c, "structural", structural.group(0).strip()))
            continue
        # "(0701) or (0502)", "(0701 or 0502)": the second code is cited for the same words
        before = re.sub(r"(?:\(\s*\d+\s*\)\s*(?:or|o|and|y)\s*\(?\s*|\(\s*\d+\s*(?:or|o|and|y|,)\s*)$",
                        "", before)
        start = PHRASE_START_RE.match(before)
        words = before[start.end():] if start else before
        words = DEFINED_RE.sub("", words.rstrip(" (")).strip(" ,")
        words = re.sub(r"^(?:and|or|y|o|e|u)\s+", "", words.strip(), flags=re.IGNORECASE)
        for c in cited:
            out.append(Citation(source, code, field, c, "phrase", words))
    return out


def is_code(number):
    return len(number) in (2, 4, 5, 6) and not (len(number) == 4 and 1800 <= int(number) <= 2099)


def citations(data):
    """Every citation of Table I, the index and the footnotes named in notes, in both editions."""
    errata = read_table(data, "errata")
    out = []
    for lang in LANGS:
        source = f"table1-{lang}"
        for row in row_codes(read_table(data, source), errata, source):
            for field in NOTE_FIELDS:
                out += note_citations(source, row["code"], field, row[field])
        source = f"index-{lang}"
        for row in read_table(data, source):
            if row["code"]:
                out.append(Citation(source, row["term"], "code", row["code"], "phrase", row["term"]))
    return out


# -- what the publication says of each category -------------------------------------------------

def items(text):
    """The items of a note ("Murder; honour killing; ..."), without the citations and the
    "apply all ... listed in" sentences, which name categories, not acts."""
    text = re.sub(r"\([^)]*\d[^)]*\)", " ", text)
    out = []
    for part in re.split(r";|\s-\s|\.\s", text):
        if re.search(r"\d", part) and STRUCTURAL_RE.search(CODE_RE.split(part)[0] + " "):
            continue
        part = part.strip(" .,")
        if part and not re.match(r"(?:apply all|aplicar todas)", part, re.IGNORECASE):
            out.append(part)
    return out


class Texts:
    """The texts of each category of one edition, as stem sets, and how rare each stem is."""

    def __init__(self, data, lang, codes, cited):
        errata = read_table(data, "errata")
        self.lang = lang
        self.codes = codes
        self.texts = []  # (code, stems, origin)
        table1 = row_codes(read_table(data, f"table1-{lang}"), errata, f"table1-{lang}")
        for row in read_table(data, f"structure-{lang}") + table1:
            self.add(row["code"], row["label"], ("label", row["code"]))
        for row in table1:
            for field in ("definition", "inclusions"):
                for item in items(row[field]):
                    self.add(row["code"], item, (field, row["code"]))
        for row in read_table(data, f"index-{lang}"):
            code = linked(Citation(f"index-{lang}", row["term"], "code", row["code"], "phrase", ""), errata)
            if code:
                self.add(code, row["term"], ("index", row["term"]))
        for c in cited:  # what other notes cite each category for, as the graph links it
            if c.kind == "phrase" and c.source == f"table1-{lang}" and linked(c, errata):
                self.add(linked(c, errata), c.words, (c.source, c.key, c.field))
        df = Counter(s for _, stems, _ in self.texts for s in stems)
        self.idf = {s: math.log(1 + len(self.texts) / d) for s, d in df.items()}
        self.unseen = math.log(2 + len(self.texts))
        self.postings = defaultdict(list)
        for i, (_, stems, _) in enumerate(self.texts):
            for s in stems:
                self.postings[s].append(i)
        self.weights = [self.weight(stems) for _, stems, _ in self.texts]

    def add(self, code, text, origin):
        stems = frozenset(terms(text, self.lang, boilerplate=False))
        if stems and code in self.codes:
            self.texts.append((code, stems, origin))

    def weight(self, stems):
        return sum(self.idf.get(s, self.unseen) for s in stems)

    def scores(self, stems, leave_out):
        """Each category's best weighted Dice of ``stems`` with one of its texts or a text of a
        category below it, leaving out the texts for which ``leave_out(stems, origin, code)``."""
        own = defaultdict(float)
        total = self.weight(stems)
        for i in sorted({i for s in stems for i in self.postings.get(s, ())}):
            code, text, origin = self.texts[i]
            if leave_out(text, origin, code):
                continue
            dice = 2 * self.weight(stems & text) / (total + self.weights[i])
            own[code] = max(own[code], dice)
        out = defaultdict(float)
        for code, score in own.items():
            for n in range(2, len(code) + 1):
                if code[:n] in self.codes:
                    out[code[:n]] = max(out[code[:n]], score)
        return out


def family(code, other, codes, siblings=True):
    """Whether ``other`` is ``code``, above or below it, or a child of a category above it. With
    ``siblings=False`` (what "apply all exclusions listed in" may cite) the last only for a
    residual category ("Other ...", a code ending in 9, or one below such): 0409 applies the
    exclusions of 0401, 10099 those of 1001 - 1004; 05043 has no reason to apply 05042's. A
    definition's "not described or classified in categories 02041 - 02043" names siblings."""
    if code.startswith(other) or other.startswith(code):
        return True
    parent = parent_of(other, codes)
    if parent is None or not code.startswith(parent):
        return False
    return siblings or any(code[:n] in codes and code[:n].endswith("9") for n in range(len(parent) + 1, len(code) + 1))


def parent_of(code, codes):
    return next((code[:n] for n in (5, 4, 2) if n < len(code) and code[:n] in codes), None)


# -- the check ----------------------------------------------------------------------------------

def check(data, margin=MARGIN):
    """Every citation the check flags, with the erratum that decides it (``decision``) if any."""
    cited = citations(data)
    errata = read_table(data, "errata")
    codes = {r["code"] for lang in LANGS for r in read_table(data, f"structure-{lang}")}
    footnote_terms = {lang: {r["number"]: [t for t in r["term"].split("; ") if t]
                             for r in read_table(data, f"footnotes-{lang}")} for lang in LANGS}
    texts = {lang: Texts(data, lang, codes, cited) for lang in LANGS}
    flags = []
    for c in cited:
        flag = None
        if c.kind == "footnote":
            defined = footnote_terms[c.lang].get(c.code.split()[-1], [])
            said = set(terms(c.words, c.lang, boilerplate=False))
            if not any(said & set(terms(t, c.lang, boilerplate=False)) for t in defined):
                flag = Flag(c, f"'{c.words}' is not a term footnote {c.code.split()[-1]} defines "
                               f"({'; '.join(defined) or 'none'})")
        elif c.code not in codes:
            continue  # a code that does not exist: the shapes report it, the errata correct it
        elif c.kind == "structural" or not terms(c.words, c.lang, boilerplate=False):
            if c.source.startswith("table1") and c.code == c.key:
                flag = Flag(c, "the category cites itself")
            elif c.source.startswith("table1") and not family(c.key, c.code, codes,
                                                               siblings=not APPLY_RE.match(c.words)):
                flag = Flag(c, f"{c.code} is outside the family of {c.key} (not above or below it, "
                               "nor a child of a category above it for a residual category)")
        else:
            flag = phrase_flag(c, texts[c.lang], codes, margin)
        if flag:
            flag.decision = decision(c, errata)
            flags.append(flag)
    return flags


def phrase_flag(c, texts, codes, margin):
    if c.source.startswith("table1") and c.code == c.key:
        return Flag(c, "the category cites itself")
    stems = frozenset(terms(c.words, c.lang, boilerplate=False))
    index = c.source.startswith("index")

    def itself(text, origin, code):
        # An index term is not matched against itself; nor a note against the other citations of
        # its own row, which are the distinctions the row draws ("... not amounting to war crime").
        return origin == ("index", c.key) if index else origin[:2] == (c.source, c.key)

    def own(text, origin, code):  # nor is a citation, nor its copies for the same code
        if itself(text, origin, code):
            return True
        return text == stems and code.startswith(c.code) and origin[0].startswith("table1")

    cited_score = texts.scores(stems, own)[c.code]
    others = texts.scores(stems, itself)
    best, best_score = "", 0.0
    for other in sorted(others, key=lambda o: (-others[o], -len(o), o)):
        # Not the cited code's line, nor the citing category or one above it (an exclusion of
        # 0903 matches the words of 0903 and of section 09: that says nothing of where the act
        # goes). One below it does count: an exclusion that its own class includes contradicts.
        if family_line(c.code, other) or (not index and c.key.startswith(other)):
            continue
        best, best_score = other, others[other]
        break
    if best_score >= cited_score + margin:
        return Flag(c, f"the words match {best} ({best_score:.2f}) better than {c.code} ({cited_score:.2f})",
                    best, cited_score, best_score)
    return None


def family_line(code, other):
    """Whether ``other`` is ``code`` or above or below it."""
    return code.startswith(other) or other.startswith(code)


def deciding(c, errata):
    """The erratum that decides a citation: one of the same table, row and field whose printed
    value is the code or a phrase holding it; None if there is none."""
    code = c.code.split()[-1] if c.code else ""
    for e in errata:
        if e["source"] == c.source and e["key"] == c.key and e["field"] == c.field and (
                re.search(rf"(?<!\d){re.escape(code)}(?!\d)", e["printed"]) if code else not e["printed"]):
            # a phrase decides only the citation of those words ("theft of pets (05025)", not
            # "theft of livestock (05025)" in the same cell)
            said = re.sub(r"\s*\([^)]*\)\s*$", "", e["printed"]).strip()
            if c.kind == "phrase" and " " in e["printed"] and said.casefold() not in c.words.casefold():
                continue
            return e
    return None


def decision(c, errata):
    """The id of the erratum that decides a flagged citation, or ""."""
    e = deciding(c, errata)
    return e["id"] if e else ""


def linked(c, errata):
    """The code the graph links for a citation: the corrected one where an erratum corrects it,
    "" where one drops it."""
    e = deciding(c, errata)
    if e is None or e["action"] in ("note", "keep"):
        return c.code
    return e["corrected"] if e["action"] == "correct" else ""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    ap.add_argument("--undecided", action="store_true", help="only the flags no erratum decides")
    args = ap.parse_args(argv)
    flags = check(args.data)
    columns = list(Flag(Citation("", "", "", "", "", ""), "").to_row())
    w = csv.DictWriter(sys.stdout, columns, lineterminator="\n")
    w.writeheader()
    for f in flags:
        if not (args.undecided and f.decision):
            w.writerow(f.to_row())
    undecided = sum(1 for f in flags if not f.decision)
    print(f"{len(flags)} citations flagged, {undecided} without a decision in data/errata.csv", file=sys.stderr)
    return 1 if undecided else 0


if __name__ == "__main__":
    sys.exit(main())

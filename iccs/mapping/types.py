"""The records the mapping works with: an offence of a national list, a suggestion, its evidence."""
from dataclasses import dataclass, field


@dataclass
class Evidence:
    """Why a code is suggested: an ICCS text that matched (``kind`` label, index term, inclusion,
    definition), an exclusion of another category (``via``) that sends such acts here, or an
    accepted decision on a similar national offence (``via`` its national code), its family or
    article."""

    kind: str
    text: str
    lang: str = ""
    via: str = None
    weight: float = 0.0  # how much it added to the score (not shown in the outputs)

    def to_dict(self):
        return {"kind": self.kind, "text": self.text, "lang": self.lang, "via": self.via}

    def brief(self):
        """One short readable line: ``index term 'asesinato'``, ``0102 excludes '…' → here``."""
        text = self.text if len(self.text) <= 70 else self.text[:69] + "…"
        if self.kind == "exclusion":
            return f"{self.via} excludes '{text}' → here"
        if self.kind == "accepted":
            return f"accepted {self.via} '{text}'" if self.via else f"accepted: {text}"
        if self.kind == "meaning":  # the closest ICCS text by the sentence encoder
            return f"close in meaning to '{text}' (excluded by {self.via} → here)" if self.via \
                else f"close in meaning to '{text}'"
        if self.via:  # a subcategory's text
            return f"{self.kind} of {self.via} '{text}'"
        return f"{self.kind} '{text}'"


@dataclass
class Suggestion:
    rank: int
    iccs_code: str
    iccs_label: str
    score: float  # calibrated: the estimated probability that this code is the right one
    evidence: list = field(default_factory=list)
    raw: float = 0.0  # the evidence score before calibration (not in the outputs)
    runner_up: float = 0.0  # the raw score of the next candidate, shown or not
    strength: float = 0.0  # how much of the ICCS words the offence's best code matched (before scaling)
    closeness: float = 0.0  # cosine similarity of this code's closest text in meaning (0: none close)
    evidence_line: str = ""  # the evidence as a suggestions CSV gave it, in one line (when read back)

    def to_dict(self):
        return {"rank": self.rank, "iccs_code": self.iccs_code, "iccs_label": self.iccs_label,
                "score": round(self.score, 4), "evidence": [e.to_dict() for e in self.evidence]}

    def evidence_text(self):
        """The evidence in one line, as the suggest CSV writes it (``index term 'asesinato';
        0102 excludes '…' → here``)."""
        return self.evidence_line or "; ".join(e.brief() for e in self.evidence)

    def evidence_lines(self):
        """The evidence, one item a line (for a screen)."""
        if self.evidence:
            return [e.brief() for e in self.evidence]
        return [self.evidence_line] if self.evidence_line else []


@dataclass
class Offence:
    """One offence of a national list, with its suggestions once ranked. ``decided`` when its code
    came from the accepted decisions."""

    national_code: str
    label: str = ""
    description: str = ""
    family: str = ""
    line: int = 0
    decided: bool = False
    suggestions: list = field(default_factory=list)

    @property
    def code(self):
        """The national code (the name a review uses)."""
        return self.national_code

    @property
    def top(self):
        return self.suggestions[0] if self.suggestions else None

    @property
    def confidence(self):
        """The score of the first suggestion (0 when there is none): how sure the toolkit is."""
        return self.top.score if self.top else 0.0

    def to_dict(self):
        return {"national_code": self.national_code, "label": self.label,
                "description": self.description, "family": self.family, "decided": self.decided,
                "suggestions": [s.to_dict() for s in self.suggestions]}


CSV_COLUMNS = ["national_code", "rank", "iccs_code", "iccs_label", "score", "evidence"]


def rows(offences):
    """The CSV rows (one per suggestion) of ranked offences, as dicts of ``CSV_COLUMNS``."""
    out = []
    for o in offences:
        for s in o.suggestions:
            out.append({"national_code": o.national_code, "rank": s.rank, "iccs_code": s.iccs_code,
                        "iccs_label": s.iccs_label, "score": f"{s.score:.4f}",
                        "evidence": s.evidence_text()})
    return out

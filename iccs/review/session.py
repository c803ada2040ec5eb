"""A review without a screen: which offence is shown, the decisions, and the table they go to.

    >>> review = Review(read_suggestions("suggestions.json"), "table.csv", reviewer="ana")
    >>> review.current.code            # the first offence not yet in the table
    >>> review.decide("0101")          # written to table.csv at once; moves to the next undecided
    >>> review.undo()                  # the table as it was before; back on that offence

Every change to the table is written at once, atomically (:func:`iccs.correspondence.save_table`),
so a review that is quit or killed loses nothing, and a new :class:`Review` over the same table
starts at the first offence the table does not hold. Relation, tags and note set on an offence
not yet decided are kept for it (in memory) and written with the decision; on a decided offence
they change its rows at once.

``method`` of each row: ``accepted`` when the code is the toolkit's top suggestion, ``corrected``
when it is another code, ``manual`` when there was no suggestion at all; ``suggested_code``,
``score`` and ``evidence`` are always those of the top suggestion (what the toolkit proposed).
"""
from dataclasses import dataclass, field

from ..correspondence.table import RELATIONS, Mapping, load_table, now_utc, save_table
from ..correspondence.table import parse_tags as split_tags
from ..errors import ICCSError, InputError

ORDERS = ("input", "confidence")


def build(suggestions, table, offences=None, code_col="code", label_col="label", description_col=None,
          **options):
    """A :class:`Review` from file names: the suggestions (CSV or JSON), the table, and the
    national list when given (see :func:`~iccs.mapping.inputs.read_offences`); ``options`` go to
    :class:`Review` (reviewer, order, lang, classification, clock)."""
    import os

    from ..mapping.inputs import read_offences, read_suggestions

    folder = os.path.dirname(os.path.abspath(str(table)))
    if not os.path.isdir(folder):
        raise InputError(f"no folder {folder} for the table", file=table)
    listed = read_offences(offences, code_col, label_col, description_col) if offences else None
    return Review(read_suggestions(suggestions, listed), table, **options)


class ReviewError(ICCSError):
    """An action the review refuses (an unknown code, a tag value the ICCS does not have); the
    interface shows the message and nothing changes."""


@dataclass
class Draft:
    """What will go with the next decision on an offence."""

    relation: str = "exact"
    tags: str = ""
    note: str = ""


@dataclass
class Candidate:
    """A line of the list the reviewer picks from: a suggestion (with its rank), or a code found
    by search or typed (rank None)."""

    code: str
    label: str = ""
    rank: int = None
    score: float = None
    evidence: list = field(default_factory=list)  # lines of text


def parse_tags(text, classification):
    """``"cy=1; sv=2"`` → ``"Cy=1;SV=2"``: each acronym and value checked against the ICCS tags
    (:meth:`Classification.tags`); ReviewError naming what is unknown."""
    tags = {t["acronym"].casefold(): t for t in classification.tags()}
    out = {}
    for name, value in split_tags(text).items():
        tag = tags.get(name.casefold())
        if tag is None:
            known = ", ".join(t["acronym"] for t in tags.values())
            raise ReviewError(f"unknown tag {name!r}; the tags are {known}")
        codes = [c["code"] for c in tag["codes"]]
        if value not in codes:
            raise ReviewError(f"{tag['acronym']} has no value {value!r}; its values are {', '.join(codes)}")
        out[tag["acronym"]] = value
    return ";".join(f"{k}={v}" for k, v in out.items())


class Review:
    """The review of ``offences`` (from :func:`~iccs.mapping.inputs.read_suggestions`) into the
    correspondence table at ``table`` (created on the first decision when it does not exist).

    ``order``: ``input`` (the order of the list) or ``confidence`` (least certain first: lowest
    top score, offences without suggestions first). ``clock``: a function giving ``decided_at``.
    """

    def __init__(self, offences, table, reviewer=None, classification=None, order="input", lang="en",
                 clock=now_utc):
        if order not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
        if not offences:
            raise ReviewError("no offences to review")
        if classification is None:
            from ..classification import load

            classification = load()
        self.classification = classification
        self.table = str(table)
        self.reviewer = reviewer or _user()
        self.lang = lang
        self.order = order
        self._clock = clock
        self._input_order = {o.code: i for i, o in enumerate(offences)}
        self.offences = list(offences)
        if order == "confidence":
            self.offences.sort(key=lambda o: o.confidence)
        self._read()
        self._drafts = {}
        self._extra = {}  # national code -> codes found by search or typed
        self._undo = []  # (national code, rows before, position before)
        first = self.first_undecided()
        self.position = 0 if first is None else first

    # -- where we are ---------------------------------------------------------------------------
    @property
    def total(self):
        return len(self.offences)

    @property
    def decided(self):
        return sum(1 for o in self.offences if self._rows.get(o.code))

    @property
    def done(self):
        return self.decided == self.total

    @property
    def current(self):
        return self.offences[self.position]

    def rows(self, code=None):
        """The table's rows for an offence (the current one by default)."""
        return list(self._rows.get(code or self.current.code, []))

    def is_decided(self, code=None):
        return bool(self._rows.get(code or self.current.code))

    def first_undecided(self, start=0):
        """The position of the first offence the table does not hold, from ``start`` on and then
        from the beginning; None when all are decided."""
        n = self.total
        for i in list(range(start, n)) + list(range(0, min(start, n))):
            if not self._rows.get(self.offences[i].code):
                return i
        return None

    def go(self, position):
        self.position = max(0, min(self.total - 1, position))
        return self.current

    def find(self, national_code):
        """Go to an offence by its national code (exact, else ignoring case and spaces)."""
        wanted = str(national_code).strip()
        codes = [o.code for o in self.offences]
        if wanted not in codes:
            loose = [c for c in codes if "".join(c.split()).casefold() == "".join(wanted.split()).casefold()]
            if not loose:
                raise ReviewError(f"no national code {wanted!r} in the list")
            wanted = loose[0]
        return self.go(codes.index(wanted))

    def back(self):
        return self.go(self.position - 1)

    def forward(self):
        return self.go(self.position + 1)

    def skip(self):
        """Leave the offence undecided and go to the next undecided one."""
        nxt = self.first_undecided(self.position + 1)
        if nxt is not None and nxt != self.position:
            self.position = nxt
        elif self.position + 1 < self.total:
            self.position += 1
        return self.current

    # -- what is shown --------------------------------------------------------------------------
    def candidates(self, offence=None):
        """The suggestions by rank, then the codes found or typed and the codes decided that are
        not among them."""
        offence = offence or self.current
        out = [Candidate(s.iccs_code, s.iccs_label or self._label(s.iccs_code), s.rank, s.score,
                         s.evidence_lines()) for s in offence.suggestions]
        seen = {c.code for c in out}
        decided = [m.iccs_code for m in self._rows.get(offence.code, [])]
        for code in self._extra.get(offence.code, []) + decided:
            if code not in seen:
                seen.add(code)
                out.append(Candidate(code, self._label(code)))
        return out

    def add_candidate(self, code):
        """A code typed or found by search, checked, added to the current offence's list; its
        position in :meth:`candidates`."""
        code = self.check_code(code)
        if code not in [c.code for c in self.candidates()]:
            self._extra.setdefault(self.current.code, []).append(code)
        return [c.code for c in self.candidates()].index(code)

    def check_code(self, code):
        """The ICCS code, normalised (``"ICCS 0101"`` → ``"0101"``); ReviewError when unknown."""
        category = self.classification.get(str(code or "").strip())
        if category is None or not str(code or "").strip():
            near = self.classification.suggest(code) if str(code or "").strip() else []
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise ReviewError(f"unknown ICCS code {str(code or '').strip()!r}{hint}")
        return category.code

    def draft(self, code=None):
        """Relation, tags and note: of the decision when the offence is decided, else what was
        set for its coming decision."""
        code = code or self.current.code
        rows = self._rows.get(code)
        if rows:
            return Draft(rows[-1].relation or "exact", rows[-1].tags, rows[0].note)
        return self._drafts.get(code) or Draft()

    # -- decisions ------------------------------------------------------------------------------
    def decide(self, iccs_code, add=False):
        """Map the current offence to ``iccs_code`` with its draft relation, tags and note, and
        write the table. ``add``: add a partial mapping and stay on the offence (the offence's
        other rows must be partial too); else the offence's rows are replaced by this one and the
        review goes on to the next undecided offence. Returns the rows of the offence."""
        code = self.check_code(iccs_code)
        offence = self.current
        draft = self.draft()
        old = self.rows()
        if add:
            if any(m.iccs_code == code for m in old):
                raise ReviewError(f"{offence.code} is already mapped to {code}")
            whole = [m for m in old if m.relation != "partial"]
            if whole:
                raise ReviewError(f"{offence.code} is mapped {whole[0].relation} to {whole[0].iccs_code}: "
                                  "set its relation to partial first to add another category")
            new = old + [self._mapping(offence, code, "partial", draft)]
        else:
            new = [self._mapping(offence, code, draft.relation, draft)]
        self._change(offence.code, new)
        self._drafts.pop(offence.code, None)
        if not add:
            nxt = self.first_undecided(self.position + 1)
            if nxt is not None:
                self.position = nxt
            elif self.position + 1 < self.total:
                self.position += 1
        return new

    def set_relation(self, relation):
        if relation not in RELATIONS:
            raise ReviewError(f"relation must be one of {', '.join(RELATIONS)}, not {relation!r}")
        rows = self.rows()
        if len(rows) > 1 and relation != "partial":
            raise ReviewError(f"{self.current.code} has {len(rows)} partial mappings: undo them or "
                              f"decide again to map it {relation}")
        self._set(relation=relation)

    def next_relation(self):
        """The relation after the current one, in the order exact, broader, narrower, partial."""
        now = self.draft().relation
        relation = RELATIONS[(RELATIONS.index(now) + 1) % len(RELATIONS)] if now in RELATIONS else "exact"
        self.set_relation(relation)
        return relation

    def set_tags(self, text):
        self._set(tags=parse_tags(text, self.classification))

    def set_note(self, text):
        self._set(note=" ".join(str(text).split()))

    def _set(self, **changes):
        code = self.current.code
        rows = self.rows()
        if rows:
            self._change(code, [m.with_(**changes, reviewer=self.reviewer, decided_at=self._clock())
                                for m in rows])
        else:
            d = self.draft()
            self._drafts[code] = Draft(**{**d.__dict__, **changes})

    def undo(self):
        """Take back the last change to the table (of this session) and go to its offence;
        returns that offence's code, or None when there is nothing to undo."""
        if not self._undo:
            return None
        code, rows, position = self._undo.pop()
        undone = self.rows(code)
        self._store(code, rows)
        if undone and not rows:  # a decision taken back: what went with it is set again
            self._drafts[code] = Draft(undone[-1].relation, undone[-1].tags, undone[0].note)
        self.position = position
        return code

    def _change(self, code, rows):
        self._undo.append((code, self.rows(code), self.position))
        try:
            self._store(code, rows)
        except BaseException:
            self._undo.pop()
            raise

    def _read(self):
        """The table as it is on disk now: rows of the list's offences by code, and the others."""
        self._rows = {}  # national code -> [Mapping] of this list's offences
        self._others = []  # rows of national codes not in the list: kept as they are
        for m in load_table(self.table, missing_ok=True):
            if m.national_code in self._input_order:
                self._rows.setdefault(m.national_code, []).append(m)
            else:
                self._others.append(m)

    def _store(self, code, rows):
        """Set the rows of one offence and write the table. The table is read again first, so
        that rows changed meanwhile by someone else (another review, a spreadsheet) are kept."""
        self._read()
        if rows:
            self._rows[code] = list(rows)
        else:
            self._rows.pop(code, None)
        try:
            self.save()
        except BaseException:  # the table on disk is unchanged: so is the review
            self._read()
            raise

    def save(self):
        """Write the table: the list's offences in the order of the list, then the rows of other
        national codes it held, as they were."""
        ordered = sorted(self._rows, key=self._input_order.__getitem__)
        save_table(self.table, [m for code in ordered for m in self._rows[code]] + self._others)

    def _mapping(self, offence, code, relation, draft):
        top = offence.top
        method = "manual" if top is None else ("accepted" if code == top.iccs_code else "corrected")
        return Mapping(
            national_code=offence.code, national_label=offence.label, iccs_code=code, relation=relation,
            tags=draft.tags, note=draft.note, reviewer=self.reviewer, decided_at=self._clock(), method=method,
            suggested_code=top.iccs_code if top else "", score=_number(top.score) if top else "",
            evidence=top.evidence_text() if top else "")

    def _label(self, code):
        category = self.classification.get(code)
        return category.label(self.lang) if category is not None else ""


def _number(x):
    return f"{x:.4f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def _user():
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (a container)
        return "reviewer"

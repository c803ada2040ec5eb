"""``evaluate``: how well suggestions agree with a reviewed correspondence table (the gold).

Figures: top-1 exact, top-K recall, same division and same section of the first suggestion, mean
reciprocal rank, a confusion summary by section, and precision against coverage: how many
offences could be accepted automatically above a score threshold while keeping 90% or 95% of
them right (the autocoding practice of occupation coders such as CASCOT and NIOCCS). Calibration
is measured too (Brier score, expected calibration error of the first suggestion's score).
Offences that came ``decided`` from accepted decisions are left out: they were not suggested.
"""
from collections import Counter
from dataclasses import asdict, dataclass, field


@dataclass
class Evaluation:
    offences: int = 0
    missing: int = 0  # gold codes with no suggestion at all
    decided: int = 0
    top: int = 0
    top1: float = 0.0
    topk: float = 0.0
    same_division: float = 0.0
    same_section: float = 0.0
    mrr: float = 0.0
    brier: float = 0.0
    ece: float = 0.0
    coverage: dict = field(default_factory=dict)  # "90%" → {"threshold", "coverage", "offences"}
    sections: list = field(default_factory=list)

    def to_dict(self):
        return asdict(self)

    def to_text(self):
        pct = lambda x: f"{100 * x:5.1f}%"  # noqa: E731
        left_out = f" ({self.decided} decided left out)" if self.decided else ""
        lines = [f"offences evaluated   {self.offences}{left_out}",
                 *([f"  of which without any suggestion: {self.missing} (counted wrong)"] if self.missing else []),
                 f"top-1 exact          {pct(self.top1)}",
                 f"top-{self.top} recall         {pct(self.topk)}",
                 f"same division        {pct(self.same_division)}",
                 f"same section         {pct(self.same_section)}",
                 f"mean reciprocal rank {self.mrr:.3f}",
                 f"calibration          Brier {self.brier:.3f}, ECE {self.ece:.3f}"]
        for level, c in self.coverage.items():
            if c["threshold"] is None:
                lines.append(f"automatic at {level} precision: none")
            else:
                noun = "offence" if c["offences"] == 1 else "offences"
                lines.append(f"automatic at {level} precision: {c['offences']} {noun} "
                             f"({pct(c['coverage']).strip()}) with score >= {c['threshold']:.3f}")
        lines.append("by section (gold): offences, top-1 exact, same section, most frequent wrong section")
        for s in self.sections:
            lines.append(f"  {s['section']}  {s['offences']:4d}  {pct(s['top1'])}  {pct(s['same_section'])}  "
                         f"{s['confused_with'] or '-'}")
        return "\n".join(lines)


def evaluate(gold, offences, top=None):
    """``gold``: national code → ICCS code. ``offences``: Offence objects with suggestions (from
    ``suggest`` or ``read_suggestions``)."""
    by_code = {o.national_code: o for o in offences}
    e = Evaluation()
    firsts, ranks, scored = [], [], []
    section_rows = {}
    k = top or max((len(o.suggestions) for o in offences), default=0)
    e.top = k
    for national, truth in gold.items():
        o = by_code.get(national)
        if o is not None and o.decided:
            e.decided += 1
            continue
        codes = [s.iccs_code for s in o.suggestions[:k]] if o else []
        first = codes[0] if codes else ""
        e.missing += 0 if codes else 1
        rank = codes.index(truth) + 1 if truth in codes else 0
        firsts.append((truth, first))
        ranks.append(rank)
        if codes:
            scored.append((o.suggestions[0].score, first == truth))
        section_rows.setdefault(truth[:2], []).append((truth, first))
    n = len(firsts)
    e.offences = n
    if not n:
        return e
    e.top1 = sum(1 for r in ranks if r == 1) / n
    e.topk = sum(1 for r in ranks if r) / n
    e.same_division = sum(1 for t, f in firsts if f and f[:4] == t[:4]) / n
    e.same_section = sum(1 for t, f in firsts if f and f[:2] == t[:2]) / n
    e.mrr = sum(1 / r for r in ranks if r) / n
    if scored:
        e.brier = sum((p - ok) ** 2 for p, ok in scored) / len(scored)
        e.ece = _ece(scored)
    e.coverage = {level: _coverage(scored, target, n) for level, target in (("90%", 0.9), ("95%", 0.95))}
    for section in sorted(section_rows):
        pairs = section_rows[section]
        wrong = Counter(f[:2] for t, f in pairs if f[:2] != t[:2] and f)
        e.sections.append({"section": section, "offences": len(pairs),
                           "top1": sum(1 for t, f in pairs if t == f) / len(pairs),
                           "same_section": sum(1 for t, f in pairs if f[:2] == t[:2]) / len(pairs),
                           "confused_with": wrong.most_common(1)[0][0] if wrong else None})
    return e


def _coverage(scored, target, n):
    """The lowest score threshold whose accepted offences are right at least ``target`` of the time,
    and how many offences (share of all ``n``) it accepts."""
    best = {"threshold": None, "coverage": 0.0, "offences": 0}
    right = 0
    ordered = sorted(scored, key=lambda x: -x[0])
    for i, (score, ok) in enumerate(ordered, start=1):
        right += ok
        if i < len(ordered) and ordered[i][0] == score:
            continue  # ties go together
        if right / i >= target:
            best = {"threshold": round(score, 4), "coverage": i / n, "offences": i}
    return best


def _ece(scored, bins=10):
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(p, ok) for p, ok in scored if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if inside:
            total += len(inside) * abs(sum(p for p, _ in inside) / len(inside)
                                       - sum(ok for _, ok in inside) / len(inside))
    return total / len(scored)

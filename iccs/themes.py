"""Thematic views of the ICCS after the UN crime mandate areas (organized crime, trafficking,
corruption, terrorism, cybercrime, ...): whole categories, tag rules, partial members and the
categories a theme leaves out; ``find`` resolves a theme from the words a user types.

A theme's answer for an offence (``Theme.contains``) is the best of its own answer and its
sub-themes' answers ("exact" > "partial" > None). Its own answer:

- None when the offence's category (or an ancestor) is one the theme explicitly leaves out;
- "exact" when the category (or an ancestor) is a whole member, or a tag rule matches: every
  variable the rule names carries one of the rule's codes (AND across variables, OR within one),
  and, for a rule scoped to a category, the offence is in that category or below it;
- "partial" when only some offences of the category belong: a partial member (or below one), an
  ancestor of a member, or a category a scoped rule applies to when the offence's tags do not say
  (a tag the rule needs is missing);
- None otherwise.
"""
from .errors import ICCSError, shown
from .search import words

EXACT, PARTIAL = "exact", "partial"


class Theme:
    def __init__(self, classification, data, themes):
        self._c, self._d, self._themes = classification, data, themes

    id = property(lambda self: self._d["id"])
    instruments = property(lambda self: [dict(i) for i in self._d["instruments"]])

    def __repr__(self):
        return f"<Theme {self.id}>"

    def label(self, lang="en"):
        return self._d["label"].get(lang, "")

    def definition(self, lang="en"):
        return self._d["definition"].get(lang, "")

    @property
    def parents(self):
        """The themes that hold this one (a theme may have several, or none: top level)."""
        return [self._themes[t] for t in self._d["parents"]]

    @property
    def parent(self):
        """The first of ``parents`` (by id), or None for a top-level theme."""
        return self.parents[0] if self.parents else None

    @property
    def subthemes(self):
        return [self._themes[t] for t in self._d["subthemes"]]

    def family(self):
        """This theme and all the themes below it, each once."""
        if "_family" not in self.__dict__:
            out, queue = [], [self]
            while queue:
                t = queue.pop(0)
                if t not in out:
                    out.append(t)
                    queue.extend(t.subthemes)
            self.__dict__["_family"] = out
        return list(self.__dict__["_family"])

    def _all(self, key):
        out = []
        for t in self.family():
            for item in t._d[key]:
                item = dict(item, theme=t.id) if isinstance(item, dict) else item
                if item not in out:
                    out.append(item)
        return out

    def categories(self):
        """Codes of the whole categories that belong, with those of the sub-themes; a code below
        another one listed is not repeated (no double count)."""
        codes = set(self._all("categories"))
        return sorted(c for c in codes if not any(c != o and c.startswith(o) for o in codes))

    def _whole(self, code):
        return any(code.startswith(c) for c in self.categories())

    def rules(self):
        """Tag rules, with those of the sub-themes: dicts with ``scope`` (a category code, or None
        for any category), ``conditions`` ([{tag, value, label}]: AND across tags, OR within one),
        ``note`` and ``theme`` (the theme that states it). A rule says nothing more, and is not
        listed, when it is scoped to a category the theme holds whole, or when another rule of the
        theme or a sub-theme already takes every offence it takes: a scope that is the same, above
        it or none, and no condition it does not meet (of two such rules alike, the first is
        kept: cyber-enabled crime's "any category: Cy = 1" makes online child sexual
        exploitation's "03022 and below: Cy = 1" say nothing more in *Cybercrime*)."""
        found = [r for r in self._all("rules") if not (r["scope"] and self._whole(r["scope"]))]
        return [r for i, r in enumerate(found)
                if not any(j != i and _implies(o, r) and (j < i or not _implies(r, o))
                           for j, o in enumerate(found))]

    def partial_members(self):
        """Categories that belong only in part ({code, basis, note, theme}), with the sub-themes',
        except those the theme holds whole anyway; a category with the same basis in several
        themes of the family is listed once, as the first of them (the topmost) states it."""
        out, seen = [], set()
        for p in self._all("partial"):
            key = (p["code"], tuple(p["basis"]))
            if not self._whole(p["code"]) and key not in seen:
                seen.add(key)
                out.append(p)
        return out

    def left_out(self):
        """Codes this theme or a sub-theme explicitly leaves out and that no other part of the
        theme holds ({code, theme})."""
        out = []
        for t in self.family():
            for c in t._d["leaves_out"]:
                if c not in {x["code"] for x in out} and self.contains(c) is None:
                    out.append({"code": c, "theme": t.id})
        return out

    def contains(self, code, tags=None):
        """Does an offence coded ``code``, carrying ``tags`` ({"Cy": "1"}; a value may be a list),
        belong to the theme? "exact", "partial" or None (see the module's docstring)."""
        category = self._c[code]
        lineage = {c.code for c in category.path}
        carried = {}
        for tag, value in (tags or {}).items():
            values = value if isinstance(value, (list, tuple, set)) else [value]
            carried[tag.casefold()] = {str(v) for v in values}
        best = None
        for theme in self.family():
            found = theme._own(category.code, lineage, carried)
            if found == EXACT:
                return EXACT
            best = best or found
        return best

    def _sets(self):
        if "_own_sets" not in self.__dict__:
            d = self._d
            parts = frozenset(p["code"] for p in d["partial"])
            self.__dict__["_own_sets"] = (frozenset(d["leaves_out"]), frozenset(d["categories"]), parts,
                                      parts | frozenset(d["categories"]))
        return self.__dict__["_own_sets"]

    def _own(self, code, lineage, carried):
        leaves_out, whole, parts, related = self._sets()
        if lineage & leaves_out:
            return None
        if lineage & whole:
            return EXACT
        found = None
        for rule in self._d["rules"]:
            match, scope = _match(rule["conditions"], carried), rule["scope"]
            if (scope is None or scope in lineage) and match:
                return EXACT
            if scope is not None and match is not False and (scope in lineage or scope.startswith(code)):
                found = PARTIAL
        if lineage & parts or any(m != code and m.startswith(code) for m in related):
            return PARTIAL
        return found

    def to_dict(self, lang="en"):
        def brief(code):
            return {"code": code, "label": self._c[code].label(lang)}

        def rule(r):
            scope = brief(r["scope"]) if r["scope"] else None
            conditions = [{"tag": c["tag"], "value": c["value"], "label": c["label"].get(lang, "")}
                          for c in r["conditions"]]
            return {"theme": r["theme"], "scope": scope, "conditions": conditions, "note": r["note"]}

        # A theme without a text in ``lang`` shows the English one (definitions are English only).
        return {
            "id": self.id, "lang": lang, "label": self.label(lang) or self.label("en"),
            "definition": self.definition(lang) or self.definition("en"),
            "parents": list(self._d["parents"]), "subthemes": list(self._d["subthemes"]),
            "instruments": self.instruments,
            "categories": [brief(c) for c in self.categories()],
            "rules": [rule(r) for r in self.rules()],
            "partial": [dict(brief(p["code"]), basis=p["basis"], note=p["note"], theme=p["theme"])
                        for p in self.partial_members()],
            "left_out": [dict(brief(x["code"]), theme=x["theme"]) for x in self.left_out()],
        }


def _values(rule):
    out = {}
    for c in rule["conditions"]:
        out.setdefault(c["tag"].casefold(), set()).add(c["value"])
    return out


def _implies(wide, narrow):
    """Does every offence that rule ``narrow`` takes also meet rule ``wide``? ``wide``'s scope is
    none, or ``narrow``'s or above it, and each tag ``wide`` names is named by ``narrow`` with
    codes among ``wide``'s."""
    if wide["scope"] and not (narrow["scope"] and narrow["scope"].startswith(wide["scope"])):
        return False
    mine, theirs = _values(wide), _values(narrow)
    return all(tag in theirs and theirs[tag] <= values for tag, values in mine.items())


def _match(conditions, carried):
    """True when the offence's tags meet every condition, False when a tag it carries says no,
    None when a tag the conditions need is missing."""
    wanted = {}
    for c in conditions:
        wanted.setdefault(c["tag"].casefold(), set()).add(c["value"])
    result = True
    for tag, values in wanted.items():
        if tag not in carried:
            result = None
        elif not carried[tag] & values:
            return False
    return result


def _words(text):
    return words(text)


def find(themes, name):
    """A theme by its id or label (in any case, accents optional), else by the words typed: every
    word starts a word of the theme's id or label ("wildlife crime", "cyber"). Among several, a
    theme that holds the others wins, then the one top-level theme; else ICCSError listing them."""
    wanted = _words(name)
    if not wanted:
        raise ICCSError("no theme name given; the themes are " + ", ".join(sorted(themes)))

    def names(t):
        return [_words(t.id)] + [_words(v) for v in t._d["label"].values() if v]

    exact = [t for t in themes.values() if wanted in names(t)]
    if len(exact) == 1:
        return exact[0]
    found = [t for t in themes.values()
             if any(all(any(w.startswith(q) for w in n) for q in wanted) for n in names(t))]
    below = {t.id for f in found for t in f.family()[1:]}
    found = sorted((t for t in found if t.id not in below), key=lambda t: t.id)
    top = [t for t in found if not t.parents]
    if len(found) == 1 or len(top) == 1:
        return found[0] if len(found) == 1 else top[0]
    if found:
        raise ICCSError(f"theme {shown(name)} is ambiguous: " + ", ".join(t.id for t in found))
    raise ICCSError(f"no theme {shown(name)}; the themes are " + ", ".join(sorted(themes)))

"""Thematic views of the ICCS after the UN crime mandate areas (organized crime, trafficking,
corruption, terrorism, cybercrime, ...): whole categories, tag rules and partial members."""
from .errors import ICCSError

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
    def parent(self):
        return self._themes[self._d["parent"]] if self._d["parent"] else None

    @property
    def subthemes(self):
        return [self._themes[t] for t in self._d["subthemes"]]

    def _all(self, key):
        out = list(self._d[key])
        for sub in self.subthemes:
            out += [x for x in sub._all(key) if x not in out]
        return out

    def categories(self):
        """Codes of the whole categories that belong, with those of the sub-themes."""
        return sorted(set(self._all("categories")))

    def rules(self):
        """Tag rules ({tag, value, label, note}), with those of the sub-themes."""
        return self._all("rules")

    def partial_members(self):
        """Categories that belong only in part ({code, basis, note}), with the sub-themes'."""
        return self._all("partial")

    def contains(self, code, tags=None):
        """Does an offence coded ``code``, carrying ``tags`` ({"Cy": "1"}; a value may be a list),
        belong to the theme? ``"exact"`` when its category (or an ancestor) is a member or a tag
        rule matches; ``"partial"`` when only some offences of its category belong (a partial
        member, or a category above a member); otherwise None."""
        category = self._c[code]
        lineage = {c.code for c in category.path}
        members = set(self.categories())
        if lineage & members:
            return EXACT
        carried = {}
        for tag, value in (tags or {}).items():
            values = value if isinstance(value, (list, tuple, set)) else [value]
            carried[tag.casefold()] = {str(v) for v in values}
        if any(r["value"] in carried.get(r["tag"].casefold(), ()) for r in self.rules()):
            return EXACT
        if lineage & {p["code"] for p in self.partial_members()}:
            return PARTIAL
        if any(m.startswith(category.code) for m in members | {p["code"] for p in self.partial_members()}):
            return PARTIAL
        return None

    def to_dict(self, lang="en"):
        def brief(code):
            return {"code": code, "label": self._c[code].label(lang)}

        return {
            "id": self.id, "label": self.label(lang), "definition": self.definition(lang),
            "parent": self._d["parent"], "subthemes": list(self._d["subthemes"]),
            "instruments": self.instruments,
            "categories": [brief(c) for c in self.categories()],
            "rules": [{"tag": r["tag"], "value": r["value"], "label": r["label"].get(lang, ""), "note": r["note"]}
                      for r in self.rules()],
            "partial": [dict(brief(p["code"]), basis=p["basis"], note=p["note"]) for p in self.partial_members()],
        }


def find(themes, name):
    """A theme by its id, its label, or any unambiguous part of either, in any case."""
    wanted = name.strip().casefold()

    def names(t):
        return [t.id.casefold()] + [v.casefold() for v in t._d["label"].values()]

    for test in (lambda n: n == wanted, lambda n: wanted in n,
                 lambda n: wanted.replace(" ", "-") in n or wanted.replace("-", " ") in n):
        found = sorted((t for t in themes.values() if any(test(n) for n in names(t))), key=lambda t: t.id)
        if len(found) == 1:
            return found[0]
        if found:
            raise ICCSError(f"theme {name!r} is ambiguous: " + ", ".join(t.id for t in found))
    raise ICCSError(f"no theme {name!r}; the themes are " + ", ".join(sorted(themes)))

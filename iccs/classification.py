"""The ICCS as a tree of categories: sections, divisions, groups and classes.

Built from the compiled graph (see ``cache``); the rdflib graph itself is loaded only when asked
for (``Classification.graph()``).
"""
import re

from .cache import unpack
from .errors import UnknownCode

LANGS = ("en", "es")
_CODE_PREFIX = re.compile(r"^\s*(?:ICCS)?[\s_:-]*", re.IGNORECASE)


def normalize_code(text):
    """``"ICCS0101"``, ``"iccs 0101"``, ``" 0101 "`` → ``"0101"``; dots and spaces inside a code
    are dropped (``"01.01"``)."""
    text = _CODE_PREFIX.sub("", str(text))
    return re.sub(r"[\s.]", "", text)


def check_lang(lang):
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


class Category:
    """One category of the ICCS. Texts are exactly as the publication prints them."""

    __slots__ = ("_c", "_data")

    def __init__(self, classification, data):
        self._c = classification
        self._data = data

    code = property(lambda self: self._data["code"])
    level = property(lambda self: self._data["level"], doc="section, division, group or class")
    depth = property(lambda self: len(self.ancestors) + 1)

    def __repr__(self):
        return f"<Category {self.code} {self.label('en')!r}>"

    def __eq__(self, other):
        return isinstance(other, Category) and other.code == self.code

    def __hash__(self):
        return hash(self.code)

    def _text(self, field, lang):
        return self._data[field].get(check_lang(lang), "")

    def label(self, lang="en"):
        return self._text("label", lang)

    def definition(self, lang="en"):
        return self._text("definition", lang)

    def inclusions(self, lang="en"):
        return self._text("inclusions", lang)

    def exclusions(self, lang="en"):
        return self._text("exclusions", lang)

    def index_terms(self, lang="en"):
        return list(self._data["index"].get(check_lang(lang), []))

    def footnotes(self, lang="en"):
        """``(number, term, text)`` of the footnotes on this category; term is empty unless the
        footnote defines one."""
        return [tuple(f) for f in self._data["footnotes"].get(check_lang(lang), [])]

    @property
    def parent(self):
        code = self._data["parent"]
        return self._c[code] if code else None

    @property
    def children(self):
        return [self._c[code] for code in self._data["children"]]

    @property
    def ancestors(self):
        """From the parent up to the section."""
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    @property
    def path(self):
        """From the section down to this category."""
        return list(reversed(self.ancestors)) + [self]

    @property
    def refers_to(self):
        """Categories cited in this category's definition and inclusions."""
        return [self._c.get(code) or code for code in self._data["refers_to"]]

    @property
    def excludes(self):
        """Categories cited in this category's exclusions as where the excluded acts belong (never
        the category itself or an ancestor: see ``applies_exclusions_of``)."""
        return [self._c.get(code) or code for code in self._data["excludes"]]

    @property
    def applies_exclusions_of(self):
        """Categories whose exclusions also apply here ("Apply all exclusions listed in 0205")."""
        return [self._c.get(code) or code for code in self._data.get("applies_exclusions_of", [])]

    def inherited_exclusions(self, lang="en"):
        """The exclusions that apply to this category besides its own: ``(category, text)`` for
        each category whose exclusions it applies, followed transitively ("apply all exclusions
        listed in 02029", which applies those of 0202), nearest first, each once."""
        out, seen, queue = [], {self.code}, list(self.applies_exclusions_of)
        while queue:
            source = queue.pop(0)
            if not isinstance(source, Category) or source.code in seen:
                continue
            seen.add(source.code)
            if source.exclusions(lang):
                out.append((source, source.exclusions(lang)))
            queue.extend(source.applies_exclusions_of)
        return out

    def errata(self, lang="en"):
        """The errata about this category's texts and links in edition ``lang`` that change or
        record a fault (correct, drop, note; not the citations checked and kept)."""
        lang = check_lang(lang)
        return [e for e in self._c.errata() if e["category"] == self.code and e["action"] != "keep"
                and e["table"].endswith(f"-{lang}")]

    def to_dict(self, lang="en"):
        def brief(c):
            return {"code": c.code, "label": c.label(lang)} if isinstance(c, Category) else {"code": c}

        return {
            "code": self.code,
            "lang": lang,
            "level": self.level,
            "label": self.label(lang),
            "path": [brief(c) for c in self.path],
            "parent": self.parent.code if self.parent else None,
            "children": [brief(c) for c in self.children],
            "definition": self.definition(lang),
            "inclusions": self.inclusions(lang),
            "exclusions": self.exclusions(lang),
            "refers_to": [brief(c) for c in self.refers_to],
            "excludes": [brief(c) for c in self.excludes],
            "inherited_exclusions": [dict(brief(c), text=text) for c, text in self.inherited_exclusions(lang)],
            "index_terms": self.index_terms(lang),
            "footnotes": [{"number": n, "term": t, "text": x} for n, t, x in self.footnotes(lang)],
            "errata": [{k: e[k] for k in ("id", "action", "table", "field", "printed", "corrected")}
                       for e in self.errata(lang)],
        }


class Classification:
    """All categories of the ICCS, looked up by code (``c["0101"]``, ``c["ICCS0101"]``)."""

    def __init__(self, compiled):
        self._compiled = compiled
        self._raw = compiled["categories"]  # code -> data, or marshal bytes decoded when asked for
        self._categories = {}
        self._order = compiled["order"]
        self._themes = None

    def title(self, lang="en"):
        return self._compiled["title"].get(check_lang(lang), "")

    def version(self):
        """The ICCS version the graph holds ("1.0")."""
        return self._compiled.get("version", "")

    def __len__(self):
        return len(self._raw)

    def __iter__(self):
        return (self._category(code) for code in self._order)

    def __contains__(self, code):
        return normalize_code(code) in self._raw

    def _category(self, code):
        found = self._categories.get(code)
        if found is None:
            found = self._categories[code] = Category(self, unpack(self._raw[code]))
        return found

    def get(self, code, default=None):
        code = normalize_code(code)
        return self._category(code) if code in self._raw else default

    def __getitem__(self, code):
        found = self.get(code)
        if found is None:
            raise UnknownCode(str(code).strip(), self.suggest(code))
        return found

    def suggest(self, code, n=5):
        """Codes close to one that does not exist: its nearest existing ancestor, and look-alikes."""
        import difflib

        code = normalize_code(code)[:12]
        out = []
        ancestor = next((code[:size] for size in (5, 4, 2) if len(code) > size and code[:size] in self._raw), None)
        if ancestor and code.isdigit():
            # the codes of the same length under the nearest existing ancestor, nearest first:
            # 0100 → 0101, 0102, ...; then the ancestor itself
            same = [c for c in self._order if len(c) == len(code) and c.startswith(ancestor)]
            out += sorted(same, key=lambda c: (abs(int(c) - int(code)), c))[:n - 1]
            out.append(ancestor)
        for near in difflib.get_close_matches(code, self._order, n=n, cutoff=0.6):
            if near not in out:
                out.append(near)
        return out[:n]

    def errata(self):
        """Where the publication contradicts itself or cites what does not exist, and what the
        graph uses instead: a list of dicts (id, table, key, field, printed, corrected, page_en,
        page_es, reason, category)."""
        return [dict(e) for e in unpack(self._compiled["errata"])]

    def tags(self):
        """The disaggregating variables (Tables A and II): a list of dicts with acronym, group,
        label and definition by language, and their codes."""
        return [dict(t) for t in unpack(self._compiled["tags"])]

    def tag(self, acronym):
        for t in self.tags():
            if t["acronym"].casefold() == acronym.strip().casefold():
                return dict(t)
        from .errors import ICCSError, shown

        known = ", ".join(t["acronym"] for t in self.tags())
        raise ICCSError(f"unknown tag {shown(acronym)}; the tags are {known}")

    def tree(self, code=None, depth=None):
        """The categories from ``code`` down (all sections when None), parents before children,
        at most ``depth`` levels below the start."""
        out = []

        def walk(c, below):
            out.append(c)
            if depth is None or below < depth:
                for child in c.children:
                    walk(child, below + 1)

        for root in ([self[code]] if code else self.sections()):
            walk(root, 0)
        return out

    def themes(self):
        """The thematic views (UN crime mandate areas), by id."""
        if self._themes is None:
            from .themes import Theme

            self._themes = {}
            for data in unpack(self._compiled["themes"]):
                self._themes[data["id"]] = Theme(self, data, self._themes)
        return dict(self._themes)

    def theme(self, name):
        """A theme by its id, its label, or any unambiguous part of either, in any case."""
        from .themes import find

        return find(self.themes(), name)

    def sections(self):
        return [c for c in self if c.parent is None]

    def level(self, name):
        return [c for c in self if c.level == name]

    def search(self, text, lang="en", limit=20):
        from .search import search

        return search(self, text, lang=lang, limit=limit)

    def graph(self):
        """The shipped graph as an rdflib Graph."""
        from .graph import load_graph

        return load_graph()

    def to_networkx(self):
        """The tree as a networkx DiGraph, edges from parent to child."""
        import networkx as nx

        tree = nx.DiGraph()
        for c in self:
            tree.add_node(c.code, label=c.label("en"), level=c.level)
            if c.parent:
                tree.add_edge(c.parent.code, c.code)
        return tree


def load():
    """The ICCS v1.0 as shipped with this package."""
    from .cache import load_compiled

    return Classification(load_compiled())

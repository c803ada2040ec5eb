"""Binding parameters into a query as a ``VALUES`` block: the terms are serialized RDF terms
(N-Triples syntax, escaped by Oxigraph), placed as the first element of the query's outer
``WHERE`` group, so FILTERs of that group see them. The text of a value never becomes syntax.

The scanner reads just enough SPARQL to find that group: it skips comments, strings, IRIs,
variables, prefixed names and language tags, and counts braces.
"""
import re

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_LANGTAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def _tokens(text):
    """``(position, token)`` for the braces and keywords at any depth, with the depth."""
    i, n, depth = 0, len(text), 0
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif ch in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else ch
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
        elif ch == "<":
            match = re.compile(r"<[^<>\"{}|^`\\\s]*>").match(text, i)
            i = match.end() if match else i + 1
        elif ch == "{":
            yield i, "{", depth
            depth += 1
            i += 1
        elif ch == "}":
            depth -= 1
            yield i, "}", depth
            i += 1
        elif ch in "?$":
            match = _WORD.match(text, i + 1)
            i = match.end() if match else i + 1
        elif ch == "@":  # a language tag ("x"@en): not a keyword
            match = _LANGTAG.match(text, i)
            i = match.end() if match else i + 1
        else:
            match = _WORD.match(text, i)
            if not match:
                i += 1
                continue
            end = match.end()
            prev = text[i - 1] if i else " "
            if prev not in ":" and (end >= n or text[end] != ":"):
                yield i, match.group().upper(), depth
            i = end if end < n and text[end] != ":" else end + 1
            # a prefixed name's local part is skipped with it
            if end < n and text[end] == ":":
                local = re.compile(r"[A-Za-z0-9_.%-]*").match(text, i)
                i = local.end()


def query_form(text):
    """SELECT, ASK, CONSTRUCT or DESCRIBE (None when the text has none of them)."""
    for _, token, depth in _tokens(text):
        if depth == 0 and token in FORMS:
            return token
    return None


def where_brace(text):
    """The position of the opening brace of the query's outer WHERE group (None if none)."""
    after_where = False
    form = None
    for pos, token, depth in _tokens(text):
        if depth != 0:
            continue
        if token in FORMS and form is None:
            form = token
        elif token == "WHERE":
            after_where = True
        elif token == "{" and (after_where or form in ("SELECT", "ASK", "DESCRIBE")):
            return pos
    return None


def bind_values(text, bound):
    """``text`` with ``VALUES (?a ?b) { (t1 t2) }`` opening its WHERE group; ``bound`` maps
    variable names to pyoxigraph terms."""
    if not bound:
        return text
    from ..errors import InputError

    pos = where_brace(text)
    if query_form(text) == "CONSTRUCT" and _short_construct(text):
        raise InputError("parameters cannot be bound in the short form CONSTRUCT WHERE { … }; "
                         "write CONSTRUCT { … } WHERE { … }")
    if pos is None:
        raise InputError("parameters need a query with a WHERE group to bind them in")
    names = list(bound)
    block = (" VALUES (" + " ".join("?" + n for n in names) + ") { ("
             + " ".join(str(bound[n]) for n in names) + ") } ")
    return text[:pos + 1] + block + text[pos + 1:]


def _short_construct(text):
    """CONSTRUCT WHERE { … }: the WHERE comes right after CONSTRUCT, with no template."""
    tokens = [t for _, t, depth in _tokens(text) if depth == 0]
    i = tokens.index("CONSTRUCT")
    return i + 1 < len(tokens) and tokens[i + 1] == "WHERE"

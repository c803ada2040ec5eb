"""The terminal interface of the review (Textual): a screen over a :class:`~iccs.review.Review`.

One national offence at a time: its code, label, family and legal text on top; on the left the
ranked suggestions (and codes found or typed), the evidence of the highlighted one below them; on
the right the ICCS text of the highlighted code (path, definition, inclusions, exclusions); then
the decision, a prompt line when one is open, and the status line (decided / total, the top
suggestion's confidence, messages). Keys are listed in the footer and in ``docs/review.md``.
Every decision goes through the Review, which writes the table at once.
"""
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from ..errors import ICCSError

PROMPTS = {
    "search": "Search the ICCS (Enter: list the matches, Esc: cancel)",
    "code": "ICCS code (Enter: add it to the list, Esc: cancel)",
    "tags": "Tags, e.g. Cy=1;SV=2 (empty: none)",
    "note": "Note (empty: none)",
    "goto": "National code to go to",
}


INTERRUPTED = 130  # the exit code of a command stopped by Ctrl-C


class ReviewApp(App):
    """``ReviewApp(review).run()``; ``review`` is a :class:`~iccs.review.Review`."""

    TITLE = "iccs map review"
    CSS = """
    #offence_box { height: auto; max-height: 30%; background: $boost; }
    #offence { height: auto; padding: 0 1; }
    #body { height: 1fr; }
    #left { width: 45%; }
    #candidates { height: 2fr; text-wrap: nowrap; text-overflow: ellipsis; }
    #evidence { height: 1fr; padding: 0 1; border-top: solid $primary; }
    #iccs { width: 55%; padding: 0 1; border-left: solid $primary; }
    #decision { height: auto; padding: 0 1; background: $boost; }
    #prompt { display: none; }
    #prompt.open { display: block; }
    #status { height: 1; padding: 0 1; background: $primary-background; }
    """
    # Priority bindings: each runs as its key is read, before the next key is, so keys typed fast
    # (or pasted) after one that opens a prompt go to the prompt. While a prompt is open they are
    # switched off (check_action), except Esc, and the keys go to the prompt.
    BINDINGS = [Binding(keys, action, text, show=show, priority=True) for keys, action, text, show in [
        ("a,enter", "accept", "accept", True),
        ("p", "partial", "add partial", True),
        ("slash", "prompt('search')", "search", True),
        ("c", "prompt('code')", "code", True),
        ("r", "relation", "relation", True),
        ("t", "prompt('tags')", "tags", True),
        ("n", "prompt('note')", "note", True),
        ("s", "skip", "skip", True),
        ("g", "prompt('goto')", "go to", True),
        ("b,left", "back", "back", True),
        ("f,right", "forward", "forward", False),
        ("u", "undo", "undo", True),
        ("escape", "cancel", "cancel", False),
        ("pagedown", "scroll('#iccs', 1)", "ICCS text down", False),
        ("pageup", "scroll('#iccs', -1)", "ICCS text up", False),
        ("ctrl+down", "scroll('#offence_box', 1)", "legal text down", False),
        ("ctrl+up", "scroll('#offence_box', -1)", "legal text up", False),
        ("q", "quit", "quit", True),
        ("ctrl+c", "interrupt", "interrupt", False),
    ] + [(str(i), f"rank({i})", f"rank {i}", False) for i in range(1, 10)]]

    def __init__(self, review, **kwargs):
        super().__init__(**kwargs)
        self.review = review
        self._prompt = None  # the open prompt: search, code, tags, note
        self._hits = None  # search results shown in the list instead of the candidates
        self._message = ("", "")

    def compose(self) -> ComposeResult:
        yield VerticalScroll(Static(id="offence"), id="offence_box")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield OptionList(id="candidates")
                yield VerticalScroll(Static(id="evidence_text"), id="evidence")
            yield VerticalScroll(Static(id="iccs_text"), id="iccs")
        yield Static(id="decision")
        yield Input(id="prompt")
        yield Static(id="status")
        yield Footer()

    def on_mount(self):
        for scroll in self.query(VerticalScroll):
            scroll.can_focus = False
        self.show_offence()
        self.candidates_list.focus()
        self._exit_on_hangup()

    def _exit_on_hangup(self):
        """SIGTERM, or SIGHUP when the terminal goes away, end the review at once: every decision
        is already in the table. (Without this an orphaned review kept running, spinning on a
        terminal that was gone.)"""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            try:
                loop.add_signal_handler(sig, self.exit)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread (tests)
                pass
        # A terminal that is closed without a hangup (its other end simply gone) stops being one.
        if _is_terminal():
            self.set_interval(1.0, lambda: None if _is_terminal() else self.exit())

    # -- drawing ----------------------------------------------------------------------------------
    @property
    def candidates_list(self):
        return self.query_one("#candidates", OptionList)

    def show_offence(self, highlight=None):
        """Draw the current offence; highlight a line of its list (its decided code, else rank 1)."""
        review, offence = self.review, self.review.current
        self._hits = None
        self._message = ("", "")  # a message is about what was just done: said after this
        head = Text()
        head.append(f"{offence.code}  ", style="bold")
        head.append(offence.label or "(no label)", style="bold")
        if offence.family:
            head.append(f"   [{offence.family}]", style="dim")
        if offence.decided:
            head.append("   (decided in the accepted table given to suggest)", style="italic")
        if offence.description:
            head.append("\n" + offence.description)
        self.query_one("#offence", Static).update(head)
        self.query_one("#offence_box", VerticalScroll).scroll_home(animate=False)
        candidates = review.candidates()
        options = []
        for c in candidates:
            rank = f"{c.rank}." if c.rank is not None else "+ "
            score = f"{c.score:6.2f}" if c.score is not None else "      "
            line = Text(f"{rank:>3} {c.code:<7}{score}  ", no_wrap=True, overflow="ellipsis")
            line.append(c.label)
            options.append(Option(line))
        self.candidates_list.set_options(options)
        if highlight is None:
            decided = [m.iccs_code for m in review.rows()]
            codes = [c.code for c in candidates]
            highlight = codes.index(decided[-1]) if decided and decided[-1] in codes else 0
        if options:
            self.candidates_list.highlighted = highlight
        self.show_category()
        self.show_decision()
        self.show_status()

    def highlighted_code(self):
        index = self.candidates_list.highlighted
        if self._hits is not None:
            return self._hits[index].category.code if index is not None and self._hits else None
        candidates = self.review.candidates()
        return candidates[index].code if index is not None and index < len(candidates) else None

    def show_category(self):
        code = self.highlighted_code()
        evidence, text = Text(), Text()
        if self._hits is None:
            index = self.candidates_list.highlighted
            candidates = self.review.candidates()
            if index is not None and index < len(candidates):
                c = candidates[index]
                if c.evidence:
                    evidence.append("Evidence\n", style="bold")
                    for line in c.evidence:
                        evidence.append(f"• {line}\n")
                elif c.rank is None:
                    evidence.append("Found or typed by the reviewer: not a suggestion.", style="italic")
        else:
            index = self.candidates_list.highlighted
            if self._hits and index is not None:
                evidence.append("Search match in: " + ", ".join(self._hits[index].matched), style="italic")
        category = self.review.classification.get(code) if code else None
        if category is None:
            text.append("No ICCS category highlighted." if not code else f"{code}: not an ICCS code",
                        style="italic")
        else:
            lang = self.review.lang
            text.append(f"{category.code}  {category.label(lang)}", style="bold")
            text.append(f"  ({category.level})\n", style="dim")
            if category.ancestors:
                text.append(" > ".join(f"{c.code} {c.label(lang)}" for c in category.path[:-1]) + "\n",
                            style="dim")
            for title, body in (("Definition", category.definition(lang)),
                                ("Inclusions", category.inclusions(lang)),
                                ("Exclusions", category.exclusions(lang))):
                if body:
                    text.append(f"\n{title}\n", style="bold")
                    text.append(body + "\n")
            notes = category.footnotes(lang)
            if notes:
                text.append("\nNotes\n", style="bold")
                for number, term, body in notes:
                    text.append(f"{number}. " + (f"{term}: " if term else "") + body + "\n")
            if category.children:
                text.append("\nSubcategories\n", style="bold")
                for child in category.children:
                    text.append(f"  {child.code} {child.label(lang)}\n")
        self.query_one("#evidence_text", Static).update(evidence)
        self.query_one("#iccs_text", Static).update(text)
        self.query_one("#iccs", VerticalScroll).scroll_home(animate=False)

    def show_decision(self):
        review = self.review
        rows, draft = review.rows(), review.draft()
        text = Text()
        if rows:
            text.append("Decided: ", style="bold green")
            text.append("; ".join(f"{m.iccs_code} {m.relation}" + (f" {m.tags}" if m.tags else "")
                                  + f" ({m.method})" for m in rows))
            if rows[0].note:
                text.append(f"   note: {rows[0].note}")
        else:
            text.append("Undecided", style="bold yellow")
            text.append(f" — next decision: {draft.relation}")
            text.append(f", tags {draft.tags or '–'}, note {draft.note or '–'}")
        self.query_one("#decision", Static).update(text)

    def show_status(self):
        review = self.review
        offence = review.current
        text = Text()
        text.append(f"decided {review.decided}/{review.total}", style="bold")
        text.append(f" · offence {review.position + 1} of {review.total}")
        confidence = f"{offence.confidence:.2f}" if offence.suggestions else "none"
        text.append(f" · confidence {confidence}")
        text.append(f" · {review.reviewer}")
        if review.done:
            text.append(" · all decided", style="bold green")
        message, style = self._message
        if message:
            text.append("  " + message, style=style)
        self.query_one("#status", Static).update(text)

    def say(self, message, error=False):
        self._message = (message, "bold red" if error else "green")
        self.show_status()

    # -- events -----------------------------------------------------------------------------------
    def on_option_list_option_highlighted(self, event):
        self.show_category()

    def check_action(self, action, parameters):
        if self._prompt is not None:
            return action in ("cancel", "interrupt")
        return True

    def action_interrupt(self):
        """Ctrl-C ends the review as an interruption (exit code 130, as every command): every
        decision is in the table already."""
        self.exit(return_code=INTERRUPTED)

    def on_option_list_option_selected(self, event):  # a click: a search match is added, nothing decided
        if self._hits is not None:
            self._pick_hit(event.option_index)

    def on_input_submitted(self, event):
        kind, value = self._prompt, event.value.strip()
        self._close_prompt()
        try:
            if kind == "search":
                if value:
                    self._search(value)
                return
            if kind == "code":
                if value:
                    self.show_offence(highlight=self.review.add_candidate(value))
                    self.say(f"{self.highlighted_code()} added: Enter or a to decide")
                return
            if kind == "goto":
                if value:
                    self.review.find(value)
                    self.show_offence()
                return
            if kind == "tags":
                self._keep_highlight(lambda: self.review.set_tags(value))
                self.say("tags: " + (self.review.draft().tags or "none"))
            elif kind == "note":
                self._keep_highlight(lambda: self.review.set_note(value))
                self.say("note set" if value else "note cleared")
        except ICCSError as e:
            self.say(str(e), error=True)

    # -- actions ----------------------------------------------------------------------------------
    def _busy(self):
        return self._prompt is not None

    def action_accept(self):
        if self._busy():
            return
        if self._hits is not None:
            self._pick_hit(self.candidates_list.highlighted)
            return
        self._decide(add=False)

    def action_partial(self):
        if self._busy() or self._hits is not None:
            return
        self._decide(add=True)

    def _decide(self, add):
        code = self.highlighted_code()
        if code is None:
            self.say("nothing to decide: search (/) or type a code (c)", error=True)
            return
        offence = self.review.current
        try:
            rows = self.review.decide(code, add=add)
        except ICCSError as e:
            self.say(str(e), error=True)
            return
        if add:
            self.show_offence(highlight=self.candidates_list.highlighted)
        else:
            self.show_offence()
        self.say(f"{offence.code} → {', '.join(m.iccs_code + ' ' + m.relation for m in rows)} (saved)")

    def action_rank(self, n):
        if self._busy():
            return
        candidates = self.review.candidates() if self._hits is None else self._hits
        if n <= len(candidates):
            self.candidates_list.highlighted = n - 1

    def action_relation(self):
        if self._busy():
            return
        try:
            relation = self._keep_highlight(self.review.next_relation)
            self.say(f"relation: {relation}")
        except ICCSError as e:
            self.say(str(e), error=True)

    def action_scroll(self, pane, direction):
        """Scroll a pane the keyboard cannot focus (the ICCS text, the legal text) by a page."""
        box = self.query_one(pane, VerticalScroll)
        if direction > 0:
            box.scroll_page_down(animate=False)
        else:
            box.scroll_page_up(animate=False)

    def action_skip(self):
        if not self._busy():
            self.review.skip()
            self.show_offence()
            self.say("skipped: left undecided")

    def action_back(self):
        if not self._busy():
            self.review.back()
            self.show_offence()

    def action_forward(self):
        if not self._busy():
            self.review.forward()
            self.show_offence()

    def action_undo(self):
        if self._busy():
            return
        code = self.review.undo()
        self.show_offence()
        self.say(f"undone: {code} as it was (saved)" if code else "nothing to undo", error=code is None)

    def action_prompt(self, kind):
        if self._busy():
            return
        prompt = self.query_one("#prompt", Input)
        prompt.placeholder = PROMPTS[kind]
        draft = self.review.draft()
        prompt.value = {"tags": draft.tags, "note": draft.note}.get(kind, "")
        self._prompt = kind
        prompt.add_class("open")
        self.set_focus(prompt)  # at once: keys typed right after go to the prompt

    def action_cancel(self):
        if self._prompt is not None:
            self._close_prompt()
        elif self._hits is not None:
            self.show_offence()

    def _close_prompt(self):
        prompt = self.query_one("#prompt", Input)
        prompt.remove_class("open")
        self._prompt = None
        self.set_focus(self.candidates_list)

    def _keep_highlight(self, change):
        index = self.candidates_list.highlighted
        result = change()
        self.show_offence(highlight=index)
        return result

    def _search(self, text):
        hits = self.review.classification.search(text, lang=self.review.lang, limit=30)
        if not hits:
            self.say(f"no ICCS category matches {text!r}", error=True)
            return
        self._hits = hits
        options = []
        for h in hits:
            line = Text(f"  {h.category.code:<7}{h.score:6.2f}  ", no_wrap=True, overflow="ellipsis")
            line.append(h.category.label(self.review.lang))
            options.append(Option(line))
        self.candidates_list.set_options(options)
        self.candidates_list.highlighted = 0
        self.show_category()
        self.say(f"{len(hits)} matches for {text!r}: Enter adds one to the list, Esc goes back")

    def _pick_hit(self, index):
        if index is None or not self._hits:
            return
        code = self._hits[index].category.code
        self.show_offence(highlight=self.review.add_candidate(code))
        self.say(f"{code} added: Enter or a to decide")


def _is_terminal():
    import os
    import sys

    try:
        return os.isatty(sys.__stdin__.fileno())
    except (AttributeError, OSError, ValueError):
        return False

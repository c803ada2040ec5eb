"""The review's terminal interface: driven headless through Textual's own pilot (``App.run_test``,
run with ``asyncio.run``), and as a real process on a pseudo-terminal that is killed mid-review."""
import asyncio
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from test_review import OFFENCES_CSV, SUGGESTIONS_CSV

from iccs.correspondence.table import load_table
from iccs.review import build
from iccs.review.app import ReviewApp

SIZE = (100, 30)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "s.csv").write_text(SUGGESTIONS_CSV, encoding="utf-8")
    (tmp_path / "o.csv").write_text(OFFENCES_CSV, encoding="utf-8")
    return tmp_path


def shown(app, widget):
    return str(app.query_one(widget).render())


def test_accept_correct_undo_quit_resume(files, classification):
    table = files / "t.csv"

    def new_app():
        return ReviewApp(build(files / "s.csv", table, offences=files / "o.csv", reviewer="ana",
                               classification=classification))

    first = new_app()
    found = {}

    async def first_session():
        async with first.run_test(size=SIZE) as pilot:
            assert "N1  Murder" in shown(first, "#offence") and "ART. 391" in shown(first, "#offence")
            assert "decided 0/4" in shown(first, "#status") and "confidence 0.91" in shown(first, "#status")
            assert classification["0101"].definition("en")[:60] in shown(first, "#iccs_text")
            pane = first.query_one("#iccs")
            assert pane.max_scroll_y > 0  # 0101's notes are longer than the pane
            await pilot.press("pagedown")  # the ICCS text scrolls by the keyboard
            assert pane.scroll_y > 0
            await pilot.press("2")  # highlight rank 2: its ICCS text (from the top) and evidence
            assert pane.scroll_y == 0
            assert classification["0102"].definition("en")[:60] in shown(first, "#iccs_text")
            assert "index: attempted murder" in shown(first, "#evidence_text")
            await pilot.press("enter")  # N1 → 0102, corrected
            assert [(m.iccs_code, m.method) for m in load_table(table)] == [("0102", "corrected")]
            assert "N2  Computer fraud" in shown(first, "#offence") and "decided 1/4" in shown(first, "#status")
            await pilot.press("a", "u")  # N2 → 0701, accepted, and taken back: on N2 again
            assert [m.national_code for m in load_table(table)] == ["N1"]
            assert "N2" in shown(first, "#offence") and "undone" in shown(first, "#status")
            await pilot.press("t", *"Cy=9", "enter")  # tags refused: Cy has no value 9
            assert "Cy has no value '9'" in shown(first, "#status")
            await pilot.press("t", *"Cy=1", "enter", "r", "r")  # tags; relation exact → broader → narrower
            assert "next decision: narrower, tags Cy=1" in shown(first, "#decision")
            await pilot.press("enter", "c", *"9999", "enter")  # N2 → 0701 narrower Cy=1; an unknown code
            assert "unknown ICCS code '9999'" in shown(first, "#status")
            await pilot.press("slash", *"theft", "enter")  # the ICCS searched: the matches replace the list
            hit = found["hit"] = first.highlighted_code()
            assert hit == classification.search("theft", limit=1)[0].category.code
            await pilot.press("enter", "enter", "q")  # the match added to N3's list, decided; quit
        assert first.return_code in (0, None)

    asyncio.run(first_session())
    hit = found["hit"]
    rows = load_table(table)
    assert [(m.national_code, m.iccs_code, m.relation, m.tags, m.method) for m in rows] == [
        ("N1", "0102", "exact", "", "corrected"),
        ("N2", "0701", "narrower", "Cy=1", "accepted"),
        ("N3", hit, "exact", "", "corrected" if hit != "0501" else "accepted"),
    ]
    assert all(m.reviewer == "ana" and m.decided_at.endswith("Z") for m in rows)

    again = new_app()

    async def second_session():
        async with again.run_test(size=SIZE) as pilot:  # resumes at the first undecided offence
            assert "N4  Vagrancy" in shown(again, "#offence")
            assert "decided 3/4" in shown(again, "#status") and "confidence none" in shown(again, "#status")
            await pilot.press("g", *"N2", "enter")  # to a decided offence: its decision is shown
            assert "N2  Computer fraud" in shown(again, "#offence")
            assert "0701 narrower Cy=1" in shown(again, "#decision")
            await pilot.press("g", *"N3", "enter", "f", "b")  # forward to N4 and back to N3
            assert "Decided: " in shown(again, "#decision") and hit in shown(again, "#decision")
            await pilot.press("f", "r", "r", "r")  # N4: relation partial
            # two partial mappings, staying on the offence
            await pilot.press("c", *"0703", "enter", "p", "c", *"0704", "enter", "p")
            assert "N4" in shown(again, "#offence")
            assert "0703 partial (manual); 0704 partial" in shown(again, "#decision")
            await pilot.press("n", *"old law", "enter")
            assert "all decided" in shown(again, "#status")
            await pilot.press("q")

    asyncio.run(second_session())
    last = [(m.national_code, m.iccs_code, m.relation, m.method, m.note) for m in load_table(table)[-2:]]
    assert last == [("N4", "0703", "partial", "manual", "old law"),
                    ("N4", "0704", "partial", "manual", "old law")]


def _wait(condition, what, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _review_on_a_terminal(files, *extra):
    """A real ``iccs map review`` of the fixtures on a pseudo-terminal: (process, master fd,
    screen bytes so far), with a thread that keeps reading the screen (or the app would block
    writing to a full terminal)."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(SIZE[0]), LINES=str(SIZE[1]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "iccs.entry", "map", "review", str(files / "s.csv"), "--offences",
         str(files / "o.csv"), "--table", str(files / "t.csv"), *extra],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True)
    os.close(slave)
    screen = bytearray()

    def drain():
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            screen.extend(data)

    threading.Thread(target=drain, daemon=True).start()
    try:
        _wait(lambda: b"decided 0/4" in screen or proc.poll() is not None, "the review's first screen")
        assert proc.poll() is None, screen.decode(errors="replace")[-2000:]
    except BaseException:
        proc.kill()
        os.close(master)
        raise
    return proc, master, screen


def test_kill_mid_review_loses_no_decision(files):
    """A real ``iccs map review`` on a pseudo-terminal, keys typed, then SIGKILL: every decision
    the table showed before the kill is in it, and a new review starts at the next offence."""
    table = files / "t.csv"
    proc, master, _ = _review_on_a_terminal(files, "--reviewer", "ana")
    try:
        decided = []
        for keys, code in ((b"a", "0101"), (b"2a", "0401"), (b"bn", None), (b"checked\r", None)):
            os.write(master, keys)
            if code:
                decided.append(code)
                _wait(lambda: table.exists() and len(load_table(table)) == len(decided), f"decision {code}")
        _wait(lambda: table.exists() and load_table(table)[-1].note == "checked" or False, "the note")
        assert proc.poll() is None  # still reviewing
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        os.close(master)
    assert proc.returncode == -signal.SIGKILL
    rows = load_table(table)
    assert [(m.national_code, m.iccs_code, m.method) for m in rows] == [("N1", "0101", "accepted"),
                                                                         ("N2", "0401", "corrected")]
    assert rows[1].note == "checked"
    resumed = build(files / "s.csv", table, offences=files / "o.csv")
    assert (resumed.current.code, resumed.decided) == ("N3", 2)


@pytest.mark.parametrize("ending", ["terminal closed", "SIGTERM"])
def test_a_review_ends_when_its_terminal_goes_or_it_is_told_to(files, ending):
    """An orphaned review (its terminal gone without a hangup) or a SIGTERM ends the process,
    instead of leaving it spinning."""
    proc, master, _ = _review_on_a_terminal(files)
    try:
        if ending == "SIGTERM":
            proc.send_signal(signal.SIGTERM)
        else:
            os.close(master)
            master = None
        proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
        if master is not None:
            os.close(master)


def test_ctrl_c_ends_the_review_as_an_interruption(files, classification):
    """Ctrl-C, as a key (a prompt open or not), ends the review with 130, as an interrupted
    command; the decisions made are in the table."""
    table = files / "t.csv"
    app = ReviewApp(build(files / "s.csv", table, offences=files / "o.csv", reviewer="ana",
                          classification=classification))

    async def session():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("a", "n", *"half", "ctrl+c")

    asyncio.run(session())
    assert app.return_code == 130
    assert [m.national_code for m in load_table(table)] == ["N1"]

"""iccs map suggest / evaluate on the command line: the CSV and JSON contract, each input variant,
bad input (one line, exit 2, nothing written), --accepted, --gold and evaluate."""
import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from iccs.cli import cli
from iccs.mapping import CSV_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "offences.csv"
ENGLISH = ROOT / "data" / "mapping" / "english-check.csv"


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result


@pytest.fixture(scope="module")
def example_csv():
    result = run("map", "suggest", EXAMPLE, "--top", "3")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def parse(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_contract(example_csv, classification):
    rows = parse(example_csv)
    assert example_csv.splitlines()[0] == ",".join(CSV_COLUMNS)
    with open(EXAMPLE, encoding="utf-8") as f:
        codes = [r["code"] for r in csv.DictReader(f)]
    assert [r["national_code"] for r in rows if r["rank"] == "1"] == codes
    for r in rows:
        assert r["iccs_code"] in classification and r["iccs_code"] == classification[r["iccs_code"]].code
        assert r["iccs_label"] == classification[r["iccs_code"]].label("en")
        assert 0.0 <= float(r["score"]) <= 1.0 and r["evidence"]
        assert 1 <= int(r["rank"]) <= 3


def test_json_contract(tmp_path):
    out = tmp_path / "s.json"
    result = run("map", "suggest", EXAMPLE, "-o", out, "--top", "2")
    assert result.exit_code == 0 and "wrote" in result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data) == 20
    for o in data:
        assert set(o) == {"national_code", "label", "description", "family", "decided", "suggestions"}
        assert o["decided"] is False
        for s in o["suggestions"]:
            assert set(s) == {"rank", "iccs_code", "iccs_label", "score", "evidence"}
            for e in s["evidence"]:
                assert set(e) == {"kind", "text", "lang", "via"}
                assert e["kind"] in {"label", "index term", "inclusion", "definition", "exclusion", "accepted",
                                     "meaning"}


def _write_variants(tmp_path):
    with open(EXAMPLE, encoding="utf-8") as f:
        rows = list(csv.reader(f))
    # an accent that Windows-1252 and UTF-8 write differently (the sentence encoder reads accents)
    text = "\n".join(",".join(f'"{c}"' for c in r) for r in rows).replace("Murder", "Murdér") + "\n"
    (tmp_path / "utf8.csv").write_text(text, encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    variants = {
        "bom.csv": ("\ufeff" + text).encode("utf-8"),
        "semicolon.csv": "\n".join(";".join(f'"{c}"' for c in r) for r in rows).encode("utf-8"),
        "tab.tsv": "\n".join("\t".join(r) for r in rows).encode("utf-8"),
        "cp1252.csv": text.encode("cp1252"),
    }
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
    import openpyxl

    book = openpyxl.Workbook()
    for r in rows:
        book.active.append(r)
    book.save(tmp_path / "book.xlsx")
    renamed = [["Offence number", "Offence name", "Legal text", "Chapter"]] + rows[1:]
    (tmp_path / "renamed.csv").write_text("\n".join(",".join(f'"{c}"' for c in r) for r in renamed), encoding="utf-8")
    return list(variants) + ["book.xlsx"]


def test_input_variants_give_the_same_suggestions(tmp_path):
    names = _write_variants(tmp_path)
    want = parse(run("map", "suggest", tmp_path / "utf8.csv", "--top", "3").stdout)
    assert want
    for name in names:
        result = run("map", "suggest", tmp_path / name, "--top", "3")
        assert result.exit_code == 0, (name, result.stderr)
        got = parse(result.stdout)
        assert [(r["national_code"], r["iccs_code"]) for r in got] == \
            [(r["national_code"], r["iccs_code"]) for r in want], name
    result = run("map", "suggest", tmp_path / "renamed.csv", "--top", "3", "--code-col", "Offence number",
                 "--label-col", "Offence name", "--description-col", "Legal text", "--family-col", "Chapter")
    assert result.exit_code == 0, result.stderr
    assert parse(result.stdout) == want


def _bad_inputs(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header-only.csv").write_text("code,label\n", encoding="utf-8")
    (tmp_path / "no-label-col.csv").write_text("code,name\n1,Murder\n", encoding="utf-8")
    (tmp_path / "no-label.csv").write_text("code,label\n1,Murder\n2,\n", encoding="utf-8")
    (tmp_path / "twice.csv").write_text("code,label\n1,Murder\n1,Theft\n", encoding="utf-8")
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:
        f.write(b"code,label\n1,Murder\n")
        f.truncate(100 * 1024 * 1024)  # 100 MB (sparse: instant)
    (tmp_path / "folder").mkdir()
    (tmp_path / "bom-only.csv").write_bytes(b"\xef\xbb\xbf")
    (tmp_path / "bom-newline.csv").write_bytes(b"\xef\xbb\xbf\r\n")
    # UTF-8 letters, then a byte UTF-8 cannot read: a damaged UTF-8 file, not Windows-1252
    (tmp_path / "damaged.csv").write_bytes("code,label\n1,Homicidio con alevosía\n2,Robo ".encode() + b"\x81 grave\n")
    # the first letter beyond ASCII far down the file, and not UTF-8 either
    (tmp_path / "late-damaged.csv").write_bytes(
        b"code,label\n" + b"".join(b"%d,Robo simple %d\n" % (i, i) for i in range(3000))
        + "Y1,Homicidio con alevosía\n".encode() + b"Y2,Robo \xed grave\n")
    (tmp_path / "unquoted.csv").write_text("code,label\n1,Murder, with a comma\n2,Theft\n", encoding="utf-8")
    (tmp_path / "utf16.csv").write_bytes("code,label\n1,Murder\n".encode("utf-16"))
    (tmp_path / "binary.csv").write_bytes(bytes(range(256)) * 4)
    return {"empty.csv": "empty file", "header-only.csv": "no offences", "no-label-col.csv": "no label column",
            "no-label.csv": "line 3, column label", "twice.csv": "appears twice", "big.csv": "too large",
            "folder": "folder", "bom-only.csv": "empty file", "bom-newline.csv": "empty file",
            "damaged.csv": "line 3, column label: not UTF-8 text (byte 0x81)",
            "late-damaged.csv": "line 3003, column label: not UTF-8 text (byte 0xed)",
            "unquoted.csv": "line 2: 3 fields where the header has 2", "utf16.csv": "UTF-16 is not supported",
            "binary.csv": "binary data"}


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    out = tmp_path / "out.csv"
    for name, said in _bad_inputs(tmp_path).items():
        result = run("map", "suggest", tmp_path / name, "-o", out)
        assert result.exit_code == 2, (name, result.stdout, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and said in result.stderr, (name, result.stderr)
        assert "Traceback" not in result.stderr
        assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_a_windows_1252_list_whose_first_accent_comes_late_is_read(tmp_path):
    """The encoding is told by the first bytes beyond ASCII, wherever they are: not refused as
    bad UTF-8 because the first 64 kB were plain ASCII."""
    rows = "code,label\n" + "".join(f"{i},Robo simple {i}\n" for i in range(3000)) + "Y1,Homicidio con alevosía\n"
    (tmp_path / "late.csv").write_bytes(rows.encode("cp1252"))
    (tmp_path / "utf8.csv").write_bytes(rows.encode("utf-8"))
    got = [run("map", "suggest", tmp_path / name, "--top", "1", "--words-only", "--format", "json")
           for name in ("late.csv", "utf8.csv")]
    assert [r.exit_code for r in got] == [0, 0], got[0].stderr
    late, utf8 = (json.loads(r.stdout) for r in got)
    assert late[-1]["label"] == "Homicidio con alevosía" and late == utf8


def test_windows_1252_is_read_as_windows_reads_it(tmp_path):
    """Its five unassigned bytes are C1 controls, as Windows and browsers read them, not an
    error; an accent cut by the end of the first 64 kB is not taken for cut UTF-8."""
    (tmp_path / "c1.csv").write_bytes(b"code,label\nA,Homicidio con alevos\xeda\nB,Robo \x81 grave\n")
    result = run("map", "suggest", tmp_path / "c1.csv", "--words-only", "--top", "1", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [o["label"] for o in json.loads(result.stdout)] == ["Homicidio con alevosía", "Robo \x81 grave"]
    rows = b"code,label\n" + b"".join(b"%d,Robo simple\n" % i for i in range(4000))
    rows = rows[:rows.rindex(b"\n", 0, 65400) + 1]
    rows += b"Z," + b"a" * (65534 - len(rows) - 2) + b"\xe9x\n"  # the first accent at the sample's end
    assert rows.index(b"\xe9") == 65534
    (tmp_path / "end.csv").write_bytes(rows)
    result = run("map", "suggest", tmp_path / "end.csv", "--words-only", "--top", "1", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[-1]["label"].endswith("aaaéx")


def test_a_row_over_several_lines_is_named_by_its_first(tmp_path):
    (tmp_path / "extra.csv").write_text('code,label\nA,"Murder,\nfirst degree",oops\nB,Theft\n', encoding="utf-8")
    result = run("map", "suggest", tmp_path / "extra.csv", "--words-only")
    assert result.exit_code == 2 and "line 2: 3 fields where the header has 2" in result.stderr, result.stderr
    # a bad byte inside a cell over several lines: its line, and no column (it cannot be told)
    (tmp_path / "bad.csv").write_bytes(b'code,label,note\nA,"line one\nline two \xc3\xa9 and \xff",x\nB,y,z\n')
    result = run("map", "suggest", tmp_path / "bad.csv", "--words-only")
    assert result.exit_code == 2 and result.stderr.strip().endswith(
        "bad.csv, line 3: not UTF-8 text (byte 0xff): save the file as UTF-8"), result.stderr


def test_devices_and_pipes_are_outputs_like_any(tmp_path):
    """/dev/null twice, or /dev/stdout when it is a pipe, are not files an output replaces."""
    import subprocess
    import sys

    counts, table = ROOT / "examples" / "counts.csv", ROOT / "examples" / "correspondence.csv"
    result = run("convert", counts, "-c", table, "-o", "/dev/null", "--report", "/dev/null")
    assert result.exit_code == 0, result.stderr
    piped = subprocess.run([sys.executable, "-m", "iccs.entry", "map", "suggest", str(EXAMPLE), "--words-only",
                            "--top", "1", "-o", "/dev/stdout"], capture_output=True, text=True)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.splitlines()[0] == ",".join(CSV_COLUMNS)


def test_the_library_reads_suggestions_of_any_scores_unless_asked_to_evaluate(tmp_path, classification):
    from iccs.errors import InputError
    from iccs.mapping.inputs import read_suggestions

    path = tmp_path / "s.csv"
    path.write_text("national_code,rank,iccs_code,iccs_label,score,evidence\nA,1,0101,x,87.5,\n", encoding="utf-8")
    assert read_suggestions(path)[0].suggestions[0].score == 87.5
    with pytest.raises(InputError, match="score '87.5' is not a probability from 0 to 1"):
        read_suggestions(path, classification=classification)


def test_a_workbook_that_unpacks_too_large_is_refused(tmp_path):
    """A small XLSX can hold a sheet of gigabytes: its unpacked size is checked before reading."""
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["code", "label"])
    book.active.append(["1", "PLACEHOLDER"])
    book.save(tmp_path / "small.xlsx")
    with zipfile.ZipFile(tmp_path / "small.xlsx") as small, \
            zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in small.infolist():
            before, _, after = small.read(item.filename).partition(b"PLACEHOLDER")
            with bomb.open(item.filename, "w") as part:  # a cell of 220 MB, written a MB at a time
                part.write(before)
                if after:
                    for _ in range(220):
                        part.write(b"a" * 1_000_000)
                part.write(after)
    assert (tmp_path / "bomb.xlsx").stat().st_size < 1_000_000
    result = run("map", "suggest", tmp_path / "bomb.xlsx", "--words-only")
    assert result.exit_code == 2 and "unpacks to 220 MB" in result.stderr, result.stderr


def test_an_output_never_replaces_an_input(tmp_path):
    import os
    import shutil

    shutil.copy(EXAMPLE, tmp_path / "in.csv")
    before = (tmp_path / "in.csv").read_bytes()
    os.symlink(tmp_path / "in.csv", tmp_path / "link.csv")
    accepted = tmp_path / "acc.csv"
    accepted.write_text("national_code,iccs_code\nA101,0101\n", encoding="utf-8")
    for extra in (["-o", tmp_path / "in.csv"], ["-o", tmp_path / "link.csv"],
                  ["--accepted", accepted, "-o", accepted], ["--gold", accepted, "-o", accepted]):
        result = run("map", "suggest", tmp_path / "in.csv", "--words-only", *extra)
        assert result.exit_code == 2 and "would overwrite an input" in result.stderr, (extra, result.stderr)
    assert (tmp_path / "in.csv").read_bytes() == before
    assert accepted.read_text(encoding="utf-8") == "national_code,iccs_code\nA101,0101\n"
    counts, table = ROOT / "examples" / "counts.csv", tmp_path / "corr.csv"
    shutil.copy(ROOT / "examples" / "correspondence.csv", table)
    result = run("convert", counts, "-c", table, "-o", table)
    assert result.exit_code == 2 and "would overwrite an input" in result.stderr
    result = run("convert", counts, "-c", table, "-o", tmp_path / "o.csv", "--report", tmp_path / "o.csv")
    assert result.exit_code == 2 and "-o and --report name the same file" in result.stderr
    assert table.read_bytes() == (ROOT / "examples" / "correspondence.csv").read_bytes()


def test_a_file_replaced_keeps_its_permissions_and_a_failed_write_names_it(tmp_path):
    import os
    import stat

    private = tmp_path / "private.csv"
    private.write_text("old\n", encoding="utf-8")
    private.chmod(0o600)
    assert run("map", "suggest", EXAMPLE, "--words-only", "-o", private).exit_code == 0
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o600 and private.read_text(encoding="utf-8") != "old\n"
    result = run("map", "suggest", EXAMPLE, "--words-only", "-o", "/dev/full")
    assert result.exit_code == 2 and result.stderr.strip() == "Error: /dev/full: cannot write: No space left on device"
    result = run("map", "suggest", EXAMPLE, "--words-only", "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 2 and "CSV or JSON" in result.stderr


@pytest.mark.parametrize("table, said", [
    ("national_code,iccs_code\nA101,0101\nA101,0102\n",
     "line 3, column iccs_code: national code 'A101' is given 0102 here and 0101 on line 2"),
    ("national_code,iccs_code\nZ9,0101\n", "line 2: national code 'Z9' is not in the list and has no label"),
    ("national_code,iccs_code\nA101,\n", "line 2, column iccs_code: no ICCS code"),
    ("national_code,code_x\nA101,0101\n", "no iccs_code column: name it 'iccs_code' (the columns"),
])
def test_accepted_decisions_that_cannot_be_used(tmp_path, table, said):
    accepted = tmp_path / "acc.csv"
    accepted.write_text(table, encoding="utf-8")
    result = run("map", "suggest", EXAMPLE, "--words-only", "--accepted", accepted)
    assert result.exit_code == 2 and said in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "--iccs_code-col" not in result.stderr


def test_partial_mappings_and_repeated_rows_are_accepted(tmp_path):
    accepted = tmp_path / "acc.csv"
    accepted.write_text("national_code,iccs_code,relation\nA101,0101,partial\nA101,0102,partial\n"
                        "A101,0101,partial\nA102,0102,exact\nA102,0102,exact\n", encoding="utf-8")
    result = run("map", "suggest", EXAMPLE, "--words-only", "--accepted", accepted, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = {o["national_code"]: o for o in json.loads(result.stdout)}
    assert data["A101"]["suggestions"][0]["iccs_code"] == "0101"  # the first of its partial mappings
    assert data["A102"]["decided"] is True


def test_a_gold_table_of_another_list_and_suggestions_that_are_not_the_tools(tmp_path):
    gold = tmp_path / "gold.csv"
    gold.write_text("national_code,iccs_code\nXX1,0101\nXX2,0102\n", encoding="utf-8")
    result = run("map", "suggest", EXAMPLE, "--words-only", "--gold", gold)
    assert result.exit_code == 2 and "none of its 2 national codes is in" in result.stderr
    out = tmp_path / "s.csv"
    assert run("map", "suggest", EXAMPLE, "--words-only", "-o", out).exit_code == 0
    result = run("map", "evaluate", gold, out)
    assert result.exit_code == 2 and "none of its 2 national codes is in" in result.stderr
    gold.write_text("national_code,iccs_code\nA101,0101\n", encoding="utf-8")
    lines = out.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")
    (tmp_path / "unknown.csv").write_text("\n".join([lines[0], ",".join(first[:2] + ["9999"] + first[3:])]) + "\n",
                                          encoding="utf-8")
    result = run("map", "evaluate", gold, tmp_path / "unknown.csv")
    assert result.exit_code == 2 and "line 2, column iccs_code: unknown ICCS code '9999'" in result.stderr
    (tmp_path / "s.json").write_text('[{"national_code": "A101", "suggestions": '
                                     '[{"rank": 1, "iccs_code": "0101", "score": 2}]}]', encoding="utf-8")
    result = run("map", "evaluate", gold, tmp_path / "s.json")
    assert result.exit_code == 2 and "score 2 is not a probability from 0 to 1" in result.stderr


def test_unknown_column_and_unknown_accepted_code(tmp_path):
    result = run("map", "suggest", EXAMPLE, "--label-col", "nope")
    assert result.exit_code == 2 and "no column 'nope'" in result.stderr
    accepted = tmp_path / "acc.csv"
    accepted.write_text("national_code,iccs_code\nA101,0101\nA102,9999\n", encoding="utf-8")
    result = run("map", "suggest", EXAMPLE, "--accepted", accepted)
    assert result.exit_code == 2 and "line 3" in result.stderr and "9999" in result.stderr


def test_accepted_table(tmp_path):
    accepted = tmp_path / "acc.csv"
    # a spreadsheet dropped the leading zero of 0101; Z1 is not in the input: its label is used
    accepted.write_text("national_code,iccs_code,national_label\nA101,101,\nZ1,050231,Stealing from a supermarket\n",
                        encoding="utf-8")
    result = run("map", "suggest", EXAMPLE, "--accepted", accepted, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = {o["national_code"]: o for o in json.loads(result.stdout)}
    assert data["A101"]["decided"] is True
    assert [(s["iccs_code"], s["score"]) for s in data["A101"]["suggestions"]] == [("0101", 1.0)]
    assert data["A102"]["decided"] is False


@pytest.mark.parametrize("name", ["s.csv", "s.json"])
def test_gold_and_evaluate_agree(tmp_path, name):
    out = tmp_path / name
    result = run("map", "suggest", ENGLISH, "--lang", "en", "-o", out, "--gold", ENGLISH, "--format", "json")
    assert result.exit_code == 0, result.stderr
    on_suggest = json.loads(result.stdout)
    result = run("map", "evaluate", ENGLISH, out, "--format", "json")
    assert result.exit_code == 0, result.stderr
    on_evaluate = json.loads(result.stdout)
    for key in ("offences", "top1", "topk", "same_division", "same_section", "mrr"):
        assert on_suggest[key] == pytest.approx(on_evaluate[key], abs=1e-9), key
    text = run("map", "evaluate", ENGLISH, out).stdout
    assert "top-1 exact" in text and "automatic at 90% precision" in text


def test_evaluate_leaves_decided_offences_out(tmp_path):
    accepted = tmp_path / "acc.csv"
    accepted.write_text("national_code,iccs_code\nE001,0101\nE002,0102\n", encoding="utf-8")
    for name in ("s.csv", "s.json"):
        out = tmp_path / name
        assert run("map", "suggest", ENGLISH, "--accepted", accepted, "-o", out).exit_code == 0
        result = json.loads(run("map", "evaluate", ENGLISH, out, "--format", "json").stdout)
        assert result["decided"] == 2 and result["offences"] == 68, name


def test_folds_needs_gold():
    result = run("map", "suggest", EXAMPLE, "--folds", "5")
    assert result.exit_code == 2 and "--folds needs --gold" in result.stderr


def test_no_progress_bar_when_piped():
    result = run("map", "suggest", ENGLISH, "--top", "1")
    assert result.exit_code == 0 and result.stderr == ""


def test_progress_bars_on_a_terminal(tmp_path):
    """On a terminal, a long list shows the encoding of its texts, then the suggesting; the
    suggestions still go whole to the file."""
    import os
    import subprocess
    import sys

    main, other = os.openpty()
    env = dict(os.environ, ICCS_CACHE_DIR=str(tmp_path / "cache"))  # texts not met before
    out = tmp_path / "s.csv"
    done = subprocess.run([sys.executable, "-m", "iccs.entry", "map", "suggest", str(ENGLISH), "-o", str(out)],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=other, env=env, timeout=120)
    os.close(other)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal is closed once all is read
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert done.returncode == 0
    text = shown.decode("utf-8", "replace")
    assert "encoding" in text and "suggesting" in text and text.index("encoding") < text.index("suggesting")
    assert len({r["national_code"] for r in parse(out.read_text(encoding="utf-8"))}) == 70


@pytest.mark.parametrize("text, said", [
    ("national_code,rank,iccs_code,iccs_label,score,evidence\nE001,1,0101,x,high,\n",
     "line 2, column score: score 'high' is not a probability from 0 to 1"),
    ("national_code,rank,iccs_code,iccs_label,score\nE001,1,0101,x,0.5\n", "no column 'evidence'"),
    ('[{"national_code": "E001",', "not valid JSON"),
])
def test_evaluate_reads_suggestions_with_the_review_reader(tmp_path, text, said):
    """evaluate and review read suggestion files with one reader: the same strict errors."""
    path = tmp_path / ("s.json" if text.startswith("[") else "s.csv")
    path.write_text(text, encoding="utf-8")
    result = run("map", "evaluate", ENGLISH, path)
    assert result.exit_code == 2 and said in result.stderr and str(path) in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_title_above_the_header_is_skipped(tmp_path, example_csv):
    """A national list exported with a title and a blank line above its header (as spreadsheets
    are) reads as the plain list."""
    titled = tmp_path / "titled.csv"
    titled.write_text("Catalogue of offences, 2026 edition\n\n" + EXAMPLE.read_text(encoding="utf-8"),
                      encoding="utf-8")
    result = run("map", "suggest", titled, "--top", "3")
    assert result.exit_code == 0, result.stderr
    assert parse(result.stdout) == parse(example_csv)

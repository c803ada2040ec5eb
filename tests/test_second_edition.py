"""The second edition of the graph and the rough edges a new user hit (issue 6), each as found."""
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from conftest import ROOT, read_csv
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from iccs import namespaces as ns
from iccs.cli import cli

N = ns.rdflib_namespaces()
ICCS, XKOS, DCT, PROV, DCAT = N["iccs"], N["xkos"], N["dcterms"], N["prov"], N["dcat"]
APPLY = re.compile(r"(?:apply all exclusions(?: listed)?(?: in)?|aplicar todas las exclusiones enumeradas en)\s*(\d+)",
                   re.IGNORECASE)
# "apply all exclusions listed in X" where an erratum corrects X (E134: 020219 cites 02012, means 02021)
CORRECTED = {(e["source"].rsplit("-", 1)[-1], e["key"], e["printed"]): e["corrected"] for e in read_csv("errata")
             if e["source"].startswith("table1-") and e["field"] == "exclusions" and e["action"] == "correct"}


def cat(code):
    return URIRef(ns.category_iri(code))


# ---------------------------------------------------------------- exclusions


def test_excludes_never_points_to_itself_or_an_ancestor(classification):
    for c in classification:
        ancestors = {a.code for a in c.ancestors} | {c.code}
        assert not ancestors & {x.code for x in c.excludes if hasattr(x, "code")}, c.code


@pytest.mark.parametrize("lang", ["en", "es"])
def test_apply_all_exclusions_is_its_own_relation(classification, lang):
    """Every "apply all exclusions listed in X" of the notes, in either edition, is a link to X's
    exclusions, and the library shows X's exclusions among those that apply."""
    seen = 0
    for c in classification:
        for first in APPLY.findall(c.exclusions(lang)):
            seen += 1
            first = CORRECTED.get((lang, c.code, first), first)
            assert first in {x.code for x in c.applies_exclusions_of}, (c.code, first)
            inherited = dict((x.code, text) for x, text in c.inherited_exclusions(lang))
            if classification[first].exclusions(lang):
                assert inherited[first] == classification[first].exclusions(lang)
    assert seen > 200


def test_inherited_exclusions_follow_the_chain(classification, run_cli):
    """020299 applies 02029's exclusions, which apply 0202's: both are shown, nearest first."""
    inherited = [x.code for x, _ in classification["020299"].inherited_exclusions("en")]
    assert inherited[:2] == ["02029", "0202"]
    out = run_cli("show", "020299")
    assert "Also excluded (from 0202): Slavery and exploitation (0203)" in " ".join(out.split())
    d = json.loads(run_cli("show", "020299", "--format", "json"))
    assert [x["code"] for x in d["inherited_exclusions"]][:2] == ["02029", "0202"]


def test_coercion_in_0309_links_0205_and_keeps_the_print(classification):
    c = classification["0309"]
    assert "0205" in {x.code for x in c.excludes}
    assert "coercion (0203)" in c.exclusions("en") and "coacción (0203)" in c.exclusions("es")
    assert "0203" in {x.code for x in c.excludes}  # cited rightly later in the same cell


# ---------------------------------------------------------------- errata


def test_errata_say_their_kind_whether_applied_and_why(run_cli):
    rows = {e["id"]: e for e in json.loads(run_cli("errata", "--format", "json"))}
    data = {e["id"]: e for e in read_csv("errata")}
    assert rows.keys() == data.keys()
    for key, e in rows.items():
        assert e["action"] == data[key]["action"]
        assert e["applied"] is (data[key]["action"] in ("correct", "drop"))
        assert e["reason"] == data[key]["reason"]
    text = run_cli("errata")
    assert re.search(r"E015\s+correct: applied in the graph", text)
    note = next(k for k, e in data.items() if e["action"] == "note")
    assert re.search(rf"{note}\s+note: recorded only", text)
    assert max(len(line) for line in text.splitlines()) <= 200


# ---------------------------------------------------------------- tags, homicide, metadata


def test_table_II_headings_are_alternative_labels(shipped_graph):
    checked = 0
    for row in read_csv("tags"):
        scheme = URIRef(f"{ns.EDITION}tag/{row['acronym']}")
        labels = set(shipped_graph.objects(scheme, SKOS.altLabel)) | set(shipped_graph.objects(scheme, SKOS.prefLabel))
        for lang in ("en", "es"):
            for column in ("table2_name", "table2_also_name"):
                if row[f"{column}_{lang}"]:
                    assert Literal(row[f"{column}_{lang}"], lang=lang) in labels, (row["acronym"], column, lang)
                    checked += 1
    assert checked >= 54


def test_table_V_is_a_correspondence_to_icd10(shipped_graph):
    rows = [r for r in read_csv("homicide") if r["icd10"]]
    correspondence = URIRef(f"{ns.EDITION}correspondence/homicide-V-icd10")
    assert (correspondence, RDF.type, XKOS.Correspondence) in shipped_graph
    associations = list(shipped_graph.objects(correspondence, XKOS.madeOf))
    assert len(associations) == len(rows) == 25
    pairs = {(str(shipped_graph.value(a, XKOS.sourceConcept)), str(shipped_graph.value(a, XKOS.targetConcept)))
             for a in associations}
    assert pairs == {(f"{ns.EDITION}homicide/{r['path']}", ns.ICD10 + r["icd10"]) for r in rows}
    for r in read_csv("homicide"):  # codes are out of every label, V.2.3 too
        assert not re.search(r"\([XY]\d\d\)", r["label_en"] + r["label_es"]), r["path"]


def test_the_rdf_edition_is_a_dataset_of_this_project(shipped_graph):
    dataset = URIRef(f"{ns.EDITION}dataset")
    assert (dataset, RDF.type, DCAT.Dataset) in shipped_graph
    creator = shipped_graph.value(dataset, DCT.creator)
    assert creator is not None and "UNODC" not in " ".join(shipped_graph.objects(creator, None))
    scheme_sources = set(shipped_graph.objects(URIRef(ns.SCHEME), DCT.source))
    assert set(shipped_graph.objects(dataset, PROV.wasDerivedFrom)) == scheme_sources and len(scheme_sources) == 2
    rights = " ".join(shipped_graph.objects(dataset, DCT.rights))
    assert "non-profit" in rights and "not an open licence" in rights
    unit = shipped_graph.value(URIRef(ns.SCHEME), XKOS.coversExhaustively)
    assert unit == shipped_graph.value(URIRef(ns.SCHEME), XKOS.coversMutuallyExclusively)
    assert Literal("the act that constitutes a criminal offence", lang="en") in set(shipped_graph.objects(unit, SKOS.prefLabel))


# ---------------------------------------------------------------- checking a copy, exporting


def test_an_export_checks_with_the_shipped_graph(tmp_path):
    """(Checked alone, a copy is what test_a_deletion_... checks, less one definition.)"""
    out = tmp_path / "iccs.ttl"
    assert CliRunner().invoke(cli, ["export", "-o", str(out)]).exit_code == 0
    both = CliRunner().invoke(cli, ["check", str(out), "--with-iccs", "--format", "json"])
    assert both.exit_code == 0  # no doubled list of levels
    assert [f["code"] for f in json.loads(both.output)["findings"]] == ["CopyCheckedWithShippedGraph"]


def test_a_deletion_in_a_modified_copy_is_seen_when_checked_alone(tmp_path):
    text = CliRunner().invoke(cli, ["export", "--format", "nt"]).stdout_bytes.decode()
    kept = [line for line in text.splitlines()
            if not (line.startswith(f"<{ns.category_iri('0105')}>") and "/2004/02/skos/core#definition>" in line)]
    copy = tmp_path / "copy.nt"
    copy.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(copy), "--format", "json"])
    assert result.exit_code == 1
    found = json.loads(result.output)["findings"]
    assert {f["code"] for f in found} == {"DefinitionEnglish", "DefinitionSpanish"}  # that deletion, nothing else
    assert {f["focus"] for f in found} == {"0105"}


def test_xlsx_export_keeps_codes_as_text(tmp_path, classification):
    from openpyxl import load_workbook

    out = tmp_path / "iccs.xlsx"
    assert CliRunner().invoke(cli, ["export", "--format", "xlsx", "-o", str(out)]).exit_code == 0
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("code", "level", "parent")
    codes = [r[0] for r in rows[1:]]
    assert codes == [c.code for c in classification] and "0101" in codes
    assert rows[1 + codes.index("0101")][rows[0].index("label_es")] == classification["0101"].label("es")


# ---------------------------------------------------------------- errors in one line


@pytest.mark.parametrize("args,says", [
    (["show", "0101", "--lang", "fr"], "'fr' is not one of 'en', 'es'"),
    (["search", "theft", "--limit", "0"], "--limit"),
    (["check", "{tmp}"], "is a directory"),
    (["export", "-o", "{tmp}"], "is a directory"),
    (["export", "-o", ""], "needs a file name"),
    (["export", "--format", "xlsx"], "add -o FILE.xlsx"),
    (["tree", "--depth", "x"], "'x' is not a valid integer"),
])
def test_usage_errors_are_one_line_exit_2(tmp_path, args, says):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and says in lines[0], result.output


def test_unknown_codes_are_cut_and_near_codes_suggested():
    long = CliRunner().invoke(cli, ["show", "9" * 10_000])
    assert long.exit_code == 2 and len(long.output) < 200
    near = CliRunner().invoke(cli, ["show", "0100"])
    assert "did you mean 0101, 0102, 0103, 0104, 01?" in near.output


def test_a_turtle_error_is_readable(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix x: <http://x/> .\nx:a x:b "café"\nx:c x:d x:e .\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(bad)])
    assert result.exit_code == 2
    assert "b'" not in result.output and "line 3" in result.output and "expected '.'" in result.output


def test_bare_iccs_prints_help_and_exits_0():
    result = subprocess.run([sys.executable, str(ROOT / "cli.py")], capture_output=True, text=True)
    assert result.returncode == 0 and "Commands:" in result.stdout and result.stderr == ""


def test_version_names_the_toolkit_and_the_graph():
    import iccs

    out = CliRunner().invoke(cli, ["--version"]).output
    assert iccs.__version__ in out and "ICCS version 1.0" in out


def test_help_summaries_are_whole_sentences():
    out = CliRunner().invoke(cli, ["--help"]).output
    summaries = {}
    for line in out.split("Commands:")[1].splitlines():
        m = re.match(r"  (\S+)\s+(.*)", line)
        if m:
            name = m.group(1)
            summaries[name] = m.group(2)
        elif line.strip():
            summaries[name] += " " + line.strip()
    for name in ("show", "tags", "errata", "export", "check", "search", "tree"):
        assert summaries[name].endswith(".") and "..." not in summaries[name], (name, summaries[name])


def test_the_top_level_cli_py_is_the_command_line(run_cli):
    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "show", "0101"], capture_output=True,
                            text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0 and result.stdout == run_cli("show", "0101") + "\n"


# ---------------------------------------------------------------- signals and atomic writes


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    from iccs import files

    target = tmp_path / "out.ttl"
    target.write_text("before")

    def killed(fd):
        raise SystemExit(143)  # what the SIGTERM handler raises

    monkeypatch.setattr(files.os, "fsync", killed)
    with pytest.raises(SystemExit):
        files.write_atomic(target, "after")
    assert target.read_text() == "before" and [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_a_file_written_piece_by_piece_is_whole_or_not_there(tmp_path):
    from iccs import files

    target = tmp_path / "table.npy"
    target.write_bytes(b"before")
    with pytest.raises(ValueError):
        with files.atomic_file(target) as f:
            f.write(b"half")
            raise ValueError("the writer failed half-way")
    assert target.read_bytes() == b"before" and [p.name for p in tmp_path.iterdir()] == ["table.npy"]
    with files.atomic_file(target) as f:
        f.write(b"after, ")
        f.write(b"in two pieces")
    assert target.read_bytes() == b"after, in two pieces"
    assert [p.name for p in tmp_path.iterdir()] == ["table.npy"]


def test_a_failed_write_is_one_input_error_and_an_interruption_stays_one(tmp_path):
    from iccs import files
    from iccs.errors import InputError

    target = tmp_path / "table.npy"
    target.write_bytes(b"before")
    with pytest.raises(InputError, match="cannot write: No space left on device"):
        with files.atomic_file(target) as f:
            f.write(b"half")
            raise OSError(28, "No space left on device")
    assert target.read_bytes() == b"before" and [p.name for p in tmp_path.iterdir()] == ["table.npy"]
    if os.path.exists("/dev/full"):  # a device that is always full: the flush at close fails
        with pytest.raises(InputError, match="/dev/full"):
            files.write_atomic("/dev/full", b"x")
        with pytest.raises(KeyboardInterrupt):  # not turned into the failure of the flush
            with files.atomic_file("/dev/full") as f:
                f.write(b"x")
                raise KeyboardInterrupt


@pytest.mark.parametrize("sig,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signals_end_a_run_with_the_usual_codes(tmp_path, sig, code):
    """The export writes to a named pipe that nobody reads, so the run cannot end before the
    signal, whenever it comes."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "export", "--format", "nt", "-o", str(fifo)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    time.sleep(1.0)
    proc.send_signal(sig)
    try:
        proc.wait(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == code
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # nothing left beside it


# ---------------------------------------------------------------- text output


def test_spanish_show_has_spanish_headings(run_cli):
    out = run_cli("show", "0101", "--lang", "es")
    assert out.splitlines()[0] == "0101  Homicidio intencional  (división)"
    assert "Definición: " in out and "Definition" not in out and "Exclusiones: " in out


def test_wrapping_keeps_hyphenated_words_whole():
    from iccs.render import wrap

    text = " ".join(["cyber-related non-intentional"] * 40)
    assert all(not line.endswith("-") for line in wrap("Note", text).splitlines())


def test_no_match_prints_no_empty_table(run_cli):
    result = CliRunner().invoke(cli, ["search", "zzzzqqq"])
    assert result.exit_code == 1 and result.stdout == "" and "no match" in result.output


# ---------------------------------------------------------------- search


def test_words_match_whole_not_as_prefixes():
    from iccs.search import same_word

    assert not same_word("car", "care") and same_word("car", "cars") and same_word("homicidio", "homicidios")
    assert same_word("vehicle", "vehicles") and not same_word("theft", "thefts-and-more")


def test_stolen_car_is_about_cars(classification):
    hits = classification.search("stolen car", limit=5)
    assert "020611" not in [h.category.code for h in hits]
    assert "040121" in [h.category.code for h in hits[:3]]  # Robbery of a car or vehicle


@pytest.mark.parametrize("query,lang,first", [("homicidio", "es", "0101"), ("intentional homicide", "en", "0101"),
                                              ("robo", "es", "0401"), ("fraud", "en", "0701")])
def test_the_category_named_by_the_query_comes_first(classification, query, lang, first):
    assert classification.search(query, lang=lang, limit=1)[0].category.code == first


@pytest.fixture
def run_cli():
    def run(*args):
        result = CliRunner().invoke(cli, list(args))
        assert result.exit_code == 0, result.output
        return result.output.rstrip("\n")

    return run


def test_a_tags_codes_are_listed_whole_and_wrapped(classification, monkeypatch):
    """`iccs tags X`: every code once, its definition whole (wrapped, not cut), children under
    their parent."""
    monkeypatch.setenv("COLUMNS", "100")
    for tag in classification.tags():
        out = CliRunner().invoke(cli, ["tags", tag["acronym"]]).output
        assert max(len(line) for line in out.splitlines()) <= 100 or tag["acronym"] in ("Geo", "DaT")
        flat = " ".join(out.split())
        for code in tag["codes"]:
            assert f"{code['code']} {code['label']['en']}" in flat
            assert " ".join(code["definition"].get("en", "").split()) in flat
        order = [line.split()[0] for line in out.splitlines()[3:] if line and not line.startswith("    ")
                 and line.lstrip().split()[0] in {c["code"] for c in tag["codes"]}]
        for code in tag["codes"]:
            if code["parent"]:
                assert order.index(code["code"]) > order.index(code["parent"])


# ---------------------------------------------------------------- found by a second reading


def test_a_quote_never_closed_is_an_error_at_its_line(tmp_path):
    """A quote opened and never closed would make one cell of every row below it: the one table
    reader says where instead (suggest, validate, convert and check all read through it)."""
    from iccs.errors import InputError
    from iccs.tables import read_table

    path = tmp_path / "offences.csv"
    path.write_text('code,label\nA1,Murder\nA2,"Theft\nA3,Fraud\nA4,Arson\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        list(read_table(path))
    assert e.value.row == 3 and "never closed" in str(e.value)
    path.write_text('code,label\nA1,"Murder,\nwith a line break"\nA2,Theft\n', encoding="utf-8")
    assert [(r.line, r["code"]) for r in read_table(path)] == [(3, "A1"), (4, "A2")]  # a real multi-line cell


def test_show_into_a_closed_pipe_is_quiet():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(f"'{sys.executable}' '{ROOT / 'cli.py'}' show 0101 --format json | (exec 0<&-; sleep 0.5)",
                          shell=True, capture_output=True, text=True, env=env)
    assert "Traceback" not in proc.stderr and "Error" not in proc.stderr


def test_the_search_index_lives_with_its_classification():
    import gc
    import weakref

    import iccs

    c = iccs.load()
    c.search("homicide")
    ref = weakref.ref(c)
    del c
    gc.collect()
    assert ref() is None  # nothing module-level keeps a loaded classification alive


def test_a_parse_error_on_the_first_line_says_line_1(tmp_path):
    bad = tmp_path / "foo.xyz"
    bad.write_text("hello", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(bad)])
    assert result.exit_code == 2 and ", line 1: not valid turtle" in result.output


@pytest.mark.parametrize("args", [["theme"], ["tags"], ["show"]])
def test_a_pasted_page_is_not_echoed_back(args):
    result = CliRunner().invoke(cli, args + ["x" * 100_000])
    assert result.exit_code == 2 and len(result.output) < 1000

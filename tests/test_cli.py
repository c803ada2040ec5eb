"""The command line: each command's output in each format, and its exit codes."""
import csv
import io
import json

import pytest
from click.testing import CliRunner

from iccs.cli import cli


@pytest.fixture(scope="module")
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_show_text(run, classification):
    c = classification["0101"]
    result = run("show", "0101")
    assert result.exit_code == 0
    assert result.output.startswith(f"0101  {c.label('en')}  (division)")
    flat = " ".join(result.output.split())
    assert c.definition("en") in flat
    assert c.inclusions("en") in flat
    assert c.exclusions("en") in flat
    for excluded in c.excludes:
        assert f"Exclusions cite: {excluded.code} {excluded.label('en')}" in result.output


def test_show_json_is_the_library_dict(run, classification):
    for lang in ("en", "es"):
        result = run("show", "ICCS010321", "--format", "json", "--lang", lang)
        assert result.exit_code == 0
        assert json.loads(result.output) == classification["010321"].to_dict(lang)


def test_show_unknown_code_exits_2_with_suggestions(run):
    result = CliRunner().invoke(cli, ["show", "01019"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "unknown ICCS code '01019'" in result.output and "0101" in result.output
    assert "Traceback" not in result.output


def test_tree_depth(run, classification):
    result = run("tree", "01", "--depth", "1")
    lines = result.output.splitlines()
    assert lines[0].startswith("01  ")
    assert [line.split()[0] for line in lines[1:]] == [c.code for c in classification["01"].children]
    assert all(line.startswith("  ") for line in lines[1:])


def test_tree_csv_and_json_agree(run, classification):
    rows = list(csv.DictReader(io.StringIO(run("tree", "--format", "csv").output)))
    data = json.loads(run("tree", "--format", "json").output)
    assert len(rows) == len(data) == len(classification)
    assert [r["code"] for r in rows] == [d["code"] for d in data]
    assert rows[0] == {k: str(v) for k, v in data[0].items()}


def test_search_ranks_labels_first(run, classification):
    result = run("search", "intentional", "homicide", "--format", "json")
    hits = json.loads(result.output)
    assert hits[0]["code"] == "0101"
    assert "label" in hits[0]["matched"]


def test_search_spanish_ignores_accents(run, classification):
    label = classification["0101"].label("es")
    unaccented = label.translate(str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")).upper()
    hits = json.loads(run("search", unaccented, "--lang", "es", "--format", "json").output)
    assert hits[0]["code"] == "0101"


def test_search_no_match_exits_1(run):
    result = CliRunner().invoke(cli, ["search", "zzzzqqq"])
    assert result.exit_code == 1


def test_check_shipped_graph(run):
    result = run("check", "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 0, report["findings"][:5]
    assert report["valid"] and report["errors"] == 0


def test_check_unreadable_file_exits_2(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(bad)])
    assert result.exit_code == 2
    assert str(bad) in result.output and "Traceback" not in result.output
    missing = CliRunner().invoke(cli, ["check", str(tmp_path / "nope.ttl")])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_export_csv(run, classification):
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").output)))
    assert len(rows) == len(classification)
    row = next(r for r in rows if r["code"] == "0101")
    assert row["label_es"] == classification["0101"].label("es")
    assert row["exclusions_en"] == classification["0101"].exclusions("en")


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_export_round_trips(tmp_path, shipped_graph, fmt, parser):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    out = tmp_path / f"iccs.{fmt}"
    result = CliRunner().invoke(cli, ["export", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0
    assert isomorphic(Graph().parse(out, format=parser), shipped_graph)
    assert out.read_bytes().endswith(b"\n")  # a text file ends its last line
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("args", [
    ["show", "0101"], ["show", "ICCS0101", "--lang", "es"], ["show", "--format=json", "010321"],
    ["show", "02", "--format", "json", "--lang=es"],
])
def test_fast_show_prints_what_click_prints(run, capsys, args):
    from iccs.entry import main, parse_show

    assert parse_show(args[1:]) is not None
    assert main(args) == 0
    assert capsys.readouterr().out == run(*args).output


@pytest.mark.parametrize("args", [["--help"], ["--lang", "fr", "0101"], ["0101", "0102"], ["0101", "--lang"],
                                  ["--verbose", "0101"], []])
def test_fast_show_leaves_the_rest_to_click(args):
    from iccs.entry import parse_show

    assert parse_show(args) is None


def test_entry_unknown_code_goes_to_click(capsys):
    from iccs.entry import main

    assert main(["show", "9999"]) == 2
    assert "unknown ICCS code '9999'" in capsys.readouterr().err


def test_search_exit_codes_are_the_same_in_every_format():
    for fmt in ("table", "csv", "json"):
        assert CliRunner().invoke(cli, ["search", "zzzzqqq", "--format", fmt]).exit_code == 1
    result = CliRunner().invoke(cli, ["search", "!!!"])
    assert result.exit_code == 2 and "nothing to search for" in result.output


def test_check_empty_and_non_utf8_files_exit_2(tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("")
    result = CliRunner().invoke(cli, ["check", str(empty)])
    assert result.exit_code == 2 and "empty file" in result.output
    latin = tmp_path / "latin.ttl"
    latin.write_bytes(b'@prefix x: <http://x/> .\nx:a x:b "caf\xe9" .\n')
    result = CliRunner().invoke(cli, ["check", str(latin)])
    assert result.exit_code == 2 and "line 2, column 13: not UTF-8" in result.output


def test_check_an_extension_with_the_shipped_graph(tmp_path):
    ext = tmp_path / "ext.ttl"
    ext.write_text("""@prefix iccs: <https://w3id.org/iccs/def#> .
@prefix xkos: <http://rdf-vocabulary.ddialliance.org/xkos#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://example.org/a> a iccs:IndexEntry ; rdfs:label "Carjacking"@en ;
    xkos:classifiedUnder <https://w3id.org/iccs/1.0/category/040121> .
<http://example.org/b> a iccs:IndexEntry ; rdfs:label "Bogus"@en ;
    xkos:classifiedUnder <https://w3id.org/iccs/1.0/category/0199> .
""", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(ext), "--with-iccs", "--format", "json"])
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert [(f["code"], f["value"]) for f in report["findings"]] == [("IndexEntryResolves", "0199")]


def test_export_writes_through_links_and_refuses_missing_folders(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert CliRunner().invoke(cli, ["export", "--format", "csv", "-o", str(link)]).exit_code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("code,level,parent")
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "-o", str(tmp_path / "no" / "x.csv")])
    assert result.exit_code == 2 and "cannot write" in result.output and "x.csv" in result.output
    assert not (tmp_path / "no").exists()

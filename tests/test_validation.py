"""iccs validate: every rule passes on clean fixtures and fails at the right row and key on broken
ones; every reader layout; pySHACL and the fast engine agree rule by rule; bad input is one line."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from iccs.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "submissions"
CLEAN = ["sdmx1_clean.csv", "unodc_clean.csv"]
SDMX_KEY = ("freq", "iccs", "unit", "geo", "TIME_PERIOD")

# (fixture, rule, row, part of the key): each must be found, and nothing else of severity
# error/warning in that fixture.
EXPECTED = [
    ("sdmx1_errors.csv", "KnownCategory", 7, {"iccs": "ICCS9999"}),
    ("sdmx1_errors.csv", "KnownArea", 8, {"geo": "QQ"}),
    ("sdmx1_errors.csv", "KnownPeriod", 9, {"TIME_PERIOD": "1013"}),
    ("sdmx1_errors.csv", "KnownUnit", 10, {"unit": "XX"}),
    ("sdmx1_errors.csv", "ValueNumeric", 11, {"iccs": "ICCS0102"}),
    ("sdmx1_errors.csv", "ValueNonNegative", 12, {"iccs": "ICCS0103"}),
    ("sdmx1_errors.csv", "CountWhole", 13, {"iccs": "ICCS0104"}),
    ("sdmx1_errors.csv", "ValueMissing", 14, {"iccs": "ICCS0105"}),
    ("sdmx1_errors.csv", "DuplicateKey", 15, {"iccs": "ICCS0501", "TIME_PERIOD": "2008"}),
    ("sdmx1_errors.csv", "ParentSum", 2, {"iccs": "ICCS0501", "unit": "NR"}),
    ("sdmx1_errors.csv", "ParentSum", 15, {"iccs": "ICCS0501", "unit": "NR"}),
    ("sdmx1_errors.csv", "ParentSum", 19, {"iccs": "ICCS0502", "unit": "P_HTHAB"}),
    ("sdmx1_errors.csv", "YearJump", 5, {"iccs": "ICCS0501", "TIME_PERIOD": "2009"}),
    ("sdmx1_errors.csv", "SeriesGap", 6, {"iccs": "ICCS0501", "TIME_PERIOD": "2012"}),
    ("sdmx1_hierarchy.csv", "ParentSum", 2, {"iccs": "ICCS0201", "geo": "FR"}),
    ("sdmx1_hierarchy.csv", "ParentSum", 6, {"iccs": "ICCS02011", "geo": "DE"}),
    ("unodc_errors.csv", "KnownCategory", 4, {"Category": "Flying carpets"}),
    ("unodc_errors.csv", "ParentSum", 3, {"Category": "Sexual violence", "Iso3_code": "ALB"}),
    ("unodc_errors.csv", "SexSum", 5, {"Sex": "Total", "Category": "Intentional homicide"}),
    ("unodc_errors.csv", "StageOrder", 5, {"Indicator": "Persons convicted for intentional homicide"}),
    ("sdmx2_tags.csv", "TagValue", 4, {"Cy": "7", "REF_AREA": "XK"}),
    # Eurostat's wide TSV: one observation per year column, the row is the line
    ("eurostat_wide.tsv", "ParentSum", 2, {"iccs": "ICCS0501", "TIME_PERIOD": "2008"}),
    ("eurostat_wide.tsv", "ValueNonNegative", 5, {"iccs": "ICCS0101", "TIME_PERIOD": "2010"}),
    ("eurostat_wide.tsv", "ValueMissing", 5, {"iccs": "ICCS0101", "TIME_PERIOD": "2009"}),
]


@pytest.fixture(scope="session")
def validator():
    from iccs.validation import Validator

    return Validator()


_REPORTS = {}


@pytest.fixture(scope="session")
def report_of(validator):
    def run(name, engine="fast"):
        if (name, engine) not in _REPORTS:
            validator.engine = engine
            try:
                _REPORTS[name, engine] = validator.file(FIXTURES / name)[0]
            finally:
                validator.engine = "fast"
        return _REPORTS[name, engine]
    return run


def rule_findings(findings):
    return [f for f in findings if f.severity in ("error", "warning")]


@pytest.mark.parametrize("name", CLEAN)
def test_clean_fixtures_pass_every_rule(report_of, name):
    assert rule_findings(report_of(name)) == []


@pytest.mark.parametrize("name,rule,row,key", EXPECTED, ids=[f"{e[0]}-{e[1]}-{e[2]}" for e in EXPECTED])
def test_rule_fails_at_row_and_key(report_of, name, rule, row, key):
    found = [f for f in report_of(name) if f.code == rule and f.row == row]
    assert found, f"{rule} not found at row {row}"
    assert all(dict(f.key).get(k) == v for f in found for k, v in key.items())


@pytest.mark.parametrize("name", sorted({e[0] for e in EXPECTED}))
def test_nothing_else_is_found(report_of, name):
    expected = {(rule, row) for n, rule, row, _ in EXPECTED if n == name}
    assert {(f.code, f.row) for f in rule_findings(report_of(name))} == expected


def test_every_rule_has_a_failing_case():
    from iccs.validation import rules

    assert {r.id for r in rules()} <= {e[1] for e in EXPECTED}


def test_every_rule_is_a_shape_and_a_query():
    from iccs.validation import engine, rules

    assert [r.id for r in rules()] and {r.id for r in rules()} == set(engine.QUERIES)
    for r in rules():
        assert r.severity in ("error", "warning") and r.message and r.description


@pytest.mark.parametrize("name", ["sdmx1_errors.csv", "sdmx1_hierarchy.csv", "unodc_errors.csv",
                                  "sdmx2_tags.csv", "unodc_clean.csv", "eurostat_wide.tsv"])
def test_pyshacl_and_fast_engine_agree_rule_by_rule(report_of, name):
    fast, shacl = report_of(name), report_of(name, "shacl")
    key = lambda fs: sorted({(f.code, f.severity, f.row, f.key) for f in fs})  # noqa: E731
    assert key(shacl) == key(fast)
    assert len(rule_findings(fast)) > 0 or name == "unodc_clean.csv"


def test_hierarchy_message_names_children_and_both_sums(report_of):
    f = next(f for f in report_of("sdmx1_hierarchy.csv") if f.code == "ParentSum" and f.row == 2)
    assert f.message == "100 is less than 110, the sum of its reported sub-categories 020111, 02012"
    assert dict(f.key) == {"freq": "A", "iccs": "ICCS0201", "unit": "NR", "geo": "FR",
                           "TIME_PERIOD": "2019"}


def test_rates_within_published_rounding_are_no_error(report_of):
    # 12.34 against 6.18 + 6.17 = 12.35: rounding of two decimals, no error (row 16)
    assert not [f for f in report_of("sdmx1_errors.csv") if f.code == "ParentSum" and f.row == 16]


def test_sdmx1_key_is_the_dimensions_as_named(report_of):
    f = next(f for f in report_of("sdmx1_errors.csv") if f.code == "KnownArea")
    assert tuple(dict(f.key)) == SDMX_KEY and f.column == "geo" and f.value == "QQ"


def test_names_resolved_as_info_with_the_code(report_of):
    info = {f.value: f.message for f in report_of("unodc_clean.csv") if f.code == "CategoryResolved"}
    assert info["Sexual violence: Rape"].startswith("read as 03011 Rape")
    assert info["Fraud: Cyber-related (Cy)"].startswith("read as 0701 Fraud") and "tag Cy" in info["Fraud: Cyber-related (Cy)"]
    assert info["serious assault"].startswith("read as 020111 Serious assault")
    assert info["Asault"].startswith("read as 02011 Assault")
    assert "Homicidio intencional" not in info  # an exact Spanish label is no finding
    assert "Foreign citizens" not in info       # a breakdown by citizenship, not a category


@pytest.mark.parametrize("text,kind,code", [
    ("0101", "code", "0101"), ("ICCS020221", "code", "020221"), ("TOTAL", "aggregate", ""),
    ("ICCS0101_0102", "aggregate", ""), ("ICCS0101_9999", "code", "9999"),
    ("Serious assault", "name", "020111"), ("Violación", "name", "03011"),
    ("Sexual violence: Rape", "name", "03011"), ("Flying carpets", "name", ""),
])
def test_resolver(validator, text, kind, code):
    r = validator.resolver.resolve(text)
    assert (r.kind, r.code) == (kind, code)


def test_deleted_rows_of_sdmx2_are_not_observations(validator):
    _, stats = validator.file(FIXTURES / "sdmx2_tags.csv")
    assert (stats["rows"], stats["observations"], stats["deleted"]) == (5, 4, 1)


def test_eurostat_missing_with_flag_is_no_finding(report_of):
    # row 6 of sdmx2_tags: OBS_VALUE ':' with OBS_STATUS 'M'
    assert not [f for f in report_of("sdmx2_tags.csv") if f.row == 6]


def test_decimal_comma_and_thousands_are_read(report_of):
    (f,) = [f for f in report_of("unodc_clean.csv") if f.code == "NumberFormat"]
    assert f.severity == "info" and f.row == 6 and "2 value(s)" in f.message


# ---------------------------------------------------------------- other readers and bad input

def _unodc_rows():
    return (FIXTURES / "unodc_errors.csv").read_text(encoding="utf-8").splitlines()


def test_xlsx_with_preamble(tmp_path, validator):
    openpyxl = pytest.importorskip("openpyxl")
    import csv

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["UNODC data portal"])
    for row in csv.reader(_unodc_rows()):
        sheet.append([int(c) if c.isdigit() else c for c in row])
    book.save(tmp_path / "unodc.xlsx")
    found = rule_findings(validator.file(tmp_path / "unodc.xlsx")[0])
    # one preamble row: every row one further down than in the CSV
    assert {(f.code, f.row) for f in found} == {(r, n + 1) for name, r, n, _ in EXPECTED if name == "unodc_errors.csv"}


def test_windows_1252_with_blank_lines_keeps_row_numbers(tmp_path, validator):
    rows = _unodc_rows()
    text = "\n".join(rows[:3] + [""] + rows[3:]).replace("Albania", "Albània") + "\n"
    (tmp_path / "cp.csv").write_bytes(text.encode("cp1252"))
    found = rule_findings(validator.file(tmp_path / "cp.csv")[0])
    assert ("KnownCategory", 5) in {(f.code, f.row) for f in found}  # row 4 moved down by the blank line


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_bom_and_semicolons(tmp_path, validator, newline):
    text = "\ufeff" + newline.join(r.replace(",", ";") for r in
                                  (FIXTURES / "sdmx1_hierarchy.csv").read_text().splitlines())
    (tmp_path / "bom.csv").write_bytes(text.encode("utf-8"))
    found = rule_findings(validator.file(tmp_path / "bom.csv")[0])
    assert {(f.code, f.row) for f in found} == {("ParentSum", 2), ("ParentSum", 6)}


@pytest.mark.parametrize("content,message", [
    (b"", "empty file"),
    (b"a,b,c\n1,2,3\n", "not a submission layout"),
    (b"DATAFLOW,iccs,geo,OBS_VALUE\n", "no period column"),
    (b"DATAFLOW,iccs,geo,TIME_PERIOD,OBS_VALUE\n", "no rows under the header"),
    (b"Iso3_code,Country,Category,Year,VALUE\nALB,Albania,Theft,2019,1\n", "needs a column 'Indicator'"),
    (b"DATAFLOW,iccs,geo,TIME_PERIOD,OBS_VALUE,unit\nX,ICCS0101,AL,2019,5,NR\n"
     b"X,ICCS0101,AT,2019,5,Rate per 100,000\n", "line 3: 7 cells where the header has 6"),
])
def test_bad_input_is_one_clear_error(tmp_path, validator, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as e:
        validator.file(path)
    assert message in str(e.value) and str(path) in str(e.value)


def test_progress_is_reported_and_nothing_printed(capsys, validator):
    calls = []
    validator.file(FIXTURES / "sdmx2_tags.csv", progress=lambda done, total: calls.append((done, total)))
    steps = 2 + len(validator.rule_ids)
    assert calls[-1] == (steps, steps) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert capsys.readouterr() == ("", "")


def test_a_folder_and_a_too_large_file(tmp_path, validator):
    with pytest.raises(InputError, match="is a folder"):
        validator.file(tmp_path)
    validator.max_bytes = 100
    try:
        with pytest.raises(InputError, match="over the limit"):
            validator.file(FIXTURES / "sdmx1_clean.csv")
    finally:
        validator.max_bytes = None


# ---------------------------------------------------------------- command line

def _cli(*args):
    from iccs.cli import cli

    return CliRunner().invoke(cli, ["validate", *args])


def test_cli_exit_codes_and_formats(report_of):
    errors, clean = str(FIXTURES / "sdmx1_errors.csv"), str(FIXTURES / "sdmx2_tags.csv")
    result = _cli(errors, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert len(data["findings"]) == len(report_of("sdmx1_errors.csv"))
    assert {"code": "KnownArea", "row": 8} .items() <= next(f for f in data["findings"] if f["code"] == "KnownArea").items()
    text = _cli(errors).output
    assert text.startswith("rule") and "KnownArea         error     1" in text and "NOT valid" in text
    csv_out = _cli(errors, "--format", "csv").output.splitlines()
    assert csv_out[0] == "severity,code,file,row,column,value,key,message" and len(csv_out) == 15
    assert _cli(str(FIXTURES / "unodc_clean.csv")).exit_code == 0
    assert _cli(clean, "--only", "KnownArea").exit_code == 0
    bad = _cli(str(FIXTURES))
    assert bad.exit_code == 2 and "is a folder" in bad.output and "Traceback" not in bad.output


def test_cli_ttl_is_a_shacl_report():
    from rdflib import Graph, Namespace

    result = _cli(str(FIXTURES / "sdmx1_hierarchy.csv"), "--format", "ttl")
    SH = Namespace("http://www.w3.org/ns/shacl#")
    g = Graph().parse(data=result.output, format="turtle")
    results = list(g.subjects(SH.sourceShape, None))
    assert len(results) == 2 and (None, SH.conforms, None) in g
    assert {str(o).rsplit("#", 1)[1] for o in g.objects(None, SH.focusNode)} == {"row=2", "row=6"}


def test_cli_rules_lists_every_rule():
    from iccs.validation import rules

    listed = json.loads(_cli("--rules", "--format", "json").output)
    assert [r["id"] for r in listed] == [r.id for r in rules()]
    assert _cli("--rules").exit_code == 0


# ---------------------------------------------------------------- VTL

def test_vtl_ruleset_finds_the_same_breaks_in_vtlengine(report_of):
    """The generated hierarchical ruleset, run by vtlengine on the rows of a fixture whose parents
    have all their direct children reported (where VTL's partial_null and ParentSum coincide),
    breaks where ParentSum does."""
    vtlengine = pytest.importorskip("vtlengine", reason="vtlengine is in the bench extra")
    import csv

    import pandas as pd

    from iccs.validation.vtl import check_script

    with open(FIXTURES / "sdmx1_hierarchy.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["geo"] == "DE"]
    ids = ["iccs", "unit", "geo", "TIME_PERIOD"]
    frame = pd.DataFrame([{**{i: r[i] for i in ids}, "OBS_VALUE": float(r["OBS_VALUE"])} for r in rows])
    structure = {"datasets": [{"name": "DS_1", "DataStructure": [
        *({"name": i, "type": "String", "role": "Identifier", "nullable": False} for i in ids),
        {"name": "OBS_VALUE", "type": "Number", "role": "Measure", "nullable": True}]}]}
    result = vtlengine.run(script=check_script(variable="iccs"), data_structures=structure,
                           datapoints={"DS_1": frame})
    broken = {(r["ruleid"], r["geo"]) for r in result["DS_h"].data.to_dict("records")}
    ours = {("P" + dict(f.key)["iccs"][4:], dict(f.key)["geo"])
            for f in report_of("sdmx1_hierarchy.csv") if f.code == "ParentSum" and dict(f.key)["geo"] == "DE"}
    assert broken == ours == {("P02011", "DE")}


def test_cube_structure_and_a_submission_as_a_cube(validator):
    """ontology/cube/cube.ttl is a qb:DataStructureDefinition whose dimensions, measure and
    attributes the observations of a submission use; it stays out of the shipped ICCS graph."""
    import duckdb
    from rdflib import Namespace, URIRef
    from rdflib.namespace import RDF

    from iccs.graph import load_graph
    from iccs.resources import ontology_files
    from iccs.validation import cube, engine, read

    QB = Namespace(cube.QB)
    dsd_graph = load_graph([Path(__file__).parent.parent / "ontology" / "cube" / "cube.ttl"])
    (dsd,) = dsd_graph.subjects(RDF.type, QB.DataStructureDefinition)
    components = {p: {o for c in dsd_graph.objects(dsd, QB.component) for o in dsd_graph.objects(c, p)}
                  for p in (QB.dimension, QB.measure, QB.attribute)}
    assert len(components[QB.dimension]) == 8 and len(components[QB.attribute]) == 3
    assert not any("cube" in f for f in ontology_files())

    con = duckdb.connect()
    engine.load_reference(con)
    sub = read.read(con, FIXTURES / "sdmx1_clean.csv", validator.resolver)
    g = cube.to_graph(con, sub)
    observations = set(g.subjects(RDF.type, QB.Observation))
    assert len(observations) == 10
    used = {p for o in observations for p in g.predicates(o, None)}
    assert components[QB.measure] <= used
    assert {URIRef(cube.SDMX_DIMENSION + "refArea"), URIRef(cube.SDMX_DIMENSION + "refPeriod"),
            URIRef("https://w3id.org/iccs/def#crimeCategory")} <= used & components[QB.dimension]


def test_a_cell_over_several_lines_is_read(tmp_path):
    """A quoted cell holding a line break sends the file through the table reader, whose copy
    DuckDB must read in one piece (its parallel reader refused quoted line breaks)."""
    path = tmp_path / "portal.csv"
    head = ("Iso3_code,Country,Region,Subregion,Indicator,Dimension,Category,Sex,Age,Year,"
            "Unit of measurement,VALUE,Source\n")
    path.write_text(head + 'ALB,Albania,Europe,"Southern\nEurope",Offences,by type of offence,'
                    "Sexual violence: Rape,Total,Total,2019,Counts,123,CTS\n"
                    "ALB,Albania,Europe,Southern Europe,Offences,by type of offence,"
                    "Sexual violence: Rape,Total,Total,2020,Counts,130,CTS\n", encoding="utf-8")
    result = _cli(str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert "not a readable table" not in result.output

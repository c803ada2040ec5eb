"""iccs convert: national counts → ICCS counts at every level, SDMX-CSV 1.0 (iccs.correspondence.convert)."""
import csv
import io

import pytest
from click.testing import CliRunner

from iccs.cli import cli
from iccs.correspondence import Mapping, convert, save_table

# The hand-worked example. The table:
#   A  murder                     → 0101    exact
#   B  car theft                  → 050211  exact
#   C  theft                      → 0502    exact
#   D  theft or robbery           → 0401 partial and 0502 partial
#   E  pickpocketing and the like → 050221  partial
TABLE = [Mapping("A", "murder", "0101", "exact"), Mapping("B", "car theft", "050211", "exact"),
         Mapping("C", "theft", "0502", "exact"), Mapping("D", "theft or robbery", "0401", "partial"),
         Mapping("D", "theft or robbery", "0502", "partial"), Mapping("E", "pickpocketing", "050221", "partial")]
COUNTS = """national_code,period,sex,value
A,2023,M,10
A,2023,F,2
B,2023,M,5
C,2023,M,7
D,2023,M,3
E,2023,M,4
Z,2023,M,6
C,2023,M,1
"""
# Worked out by hand, (ICCS, period, sex): (OBS_VALUE, OBS_STATUS, part resting on partial mappings)
EXPECTED = {
    ("01", "2023", "F"): (2, "A", 0), ("01", "2023", "M"): (10, "A", 0),          # A
    ("0101", "2023", "F"): (2, "A", 0), ("0101", "2023", "M"): (10, "A", 0),      # A
    ("04", "2023", "M"): (3, "D", 3), ("0401", "2023", "M"): (3, "D", 3),         # D, in part
    # 05 = 0502 = C (7 + 1, two rows of one key) + B 5 + E 4 + D 3 = 20; D counted once although
    # it maps to 0502 and (through 0401) elsewhere; partial part D 3 + E 4 = 7
    ("05", "2023", "M"): (20, "D", 7), ("0502", "2023", "M"): (20, "D", 7),
    ("05021", "2023", "M"): (5, "A", 0), ("050211", "2023", "M"): (5, "A", 0),    # B
    ("05022", "2023", "M"): (4, "D", 4), ("050221", "2023", "M"): (4, "D", 4),    # E, in part
}                                                                                 # Z: unmapped, 6


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("convert")
    save_table(folder / "table.csv", TABLE)
    (folder / "counts.csv").write_text(COUNTS, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def result(files, classification):
    return convert(files / "counts.csv", files / "table.csv", classification=classification)


def test_rolled_up_totals_worked_out_by_hand(result):
    got = {(o["ICCS"], o["TIME_PERIOD"], o["sex"]): (o["OBS_VALUE"], o["OBS_STATUS"], o["partial"])
           for o in result.observations}
    assert got == EXPECTED
    assert [o["ICCS"] for o in result.observations][:4] == ["01", "01", "0101", "0101"]  # tree order


def test_unmapped_codes_and_repeated_rows_are_reported(result, files):
    assert result.unmapped == [{"national_code": "Z", "rows": 1, "value": 6, "first_row": 8}]
    codes = {(f.code, f.severity, f.row, f.value) for f in result.report.findings}
    assert codes == {("UnmappedCode", "warning", 8, "Z"), ("DuplicateCount", "warning", 0, "")}
    assert result.report.exit_code == 0
    assert result.stats["rows"] == 8 and result.stats["unmapped_value"] == 6


def test_partial_summary(result):
    assert {p["ICCS"]: (p["total"], p["partial"]) for p in result.partial_summary()} == {
        "04": (3, 3), "0401": (3, 3), "05": (20, 7), "0502": (20, 7), "05022": (4, 4), "050221": (4, 4)}


def test_sdmx_csv(result):
    rows = list(csv.reader(io.StringIO(result.to_sdmx_csv())))
    assert rows[0] == ["DATAFLOW", "ICCS", "TIME_PERIOD", "sex", "OBS_VALUE", "OBS_STATUS"]
    assert rows[1] == ["ICCS_TOOLKIT:ICCS_COUNTS(1.0)", "01", "2023", "F", "2", "A"]
    assert len(rows) == 1 + len(EXPECTED)


def test_cli_writes_the_file_and_reports_on_stderr(files, tmp_path):
    out = tmp_path / "iccs.csv"
    result = CliRunner().invoke(cli, ["convert", str(files / "counts.csv"), "-c", str(files / "table.csv"),
                                      "-o", str(out), "--dataflow", "XX:DF(2.0)", "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[1] == "XX:DF(2.0),01,2023,F,2,A"
    assert "Z: 6 on 1 row(s), first at row 8" in result.stderr
    assert "0502: 7 of 20 (35%) through partial mappings" in result.stderr
    import json

    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["unmapped"][0]["national_code"] == "Z"


def test_decimal_counts_and_semicolons(tmp_path, classification):
    save_table(tmp_path / "t.csv", [Mapping("A", "murder", "0101", "exact")])
    (tmp_path / "c.csv").write_bytes(b"national_code;period;value\nA;2023;1.5\nA;2023;2\n")
    r = convert(tmp_path / "c.csv", tmp_path / "t.csv", classification=classification)
    assert [(o["ICCS"], o["OBS_VALUE"]) for o in r.observations] == [("01", 3.5), ("0101", 3.5)]


@pytest.mark.parametrize("counts, table, message", [
    ("national_code,period,value\nA,2023,ten\n", None, "line 2, column value: not a number: 'ten'"),
    ("national_code,period,value\nA,2023,-3\n", None, "line 2, column value: a negative count: -3"),
    ("national_code,period,value\nA,2023,\n", None, "line 2, column value: no count"),
    ("national_code,period,value\nA,2023,inf\n", None, "line 2, column value: not a count: 'inf'"),
    ("national_code,period,value\nA,,3\n", None, "line 2, column period: no period"),
    ("national_code,value\nA,3\n", None, "no column 'period'"),
    ("", None, "empty file"),
    ("national_code,period,value,OBS_STATUS\nA,2023,1,x\n", None, "may not be called 'OBS_STATUS'"),
    ("national_code,period,value\nA,2023,1\n", "national_code,national_label,iccs_code,relation\nA,x,0199,exact\n",
     "line 2, column iccs_code: not an ICCS category: '0199'"),
    ("national_code,period,value\nA,2023,1\n",
     "national_code,national_label,iccs_code,relation\nA,x,0101,exact\nA,x,0102,exact\n",
     "line 3, column national_code: A is mapped to 2 categories but not all with relation partial"),
    ("national_code,period,value\nA,2023,1\n", "national_code,national_label,iccs_code,relation\nA,x,0101,same\n",
     "line 2, column relation: the relation is one of exact, broader, narrower, partial, not 'same'"),
    ("national_code,period,value\nA,2023,1\n", "national_code,national_label,iccs_code,relation,what\nA,x,0101,exact,1\n",
     "unknown column 'what'"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, counts, table, message):
    (tmp_path / "c.csv").write_text(counts, encoding="utf-8")
    (tmp_path / "t.csv").write_text(table or "national_code,national_label,iccs_code,relation\nA,x,0101,exact\n",
                                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["convert", str(tmp_path / "c.csv"), "-c", str(tmp_path / "t.csv")])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert message in result.stderr


def test_a_folder_is_not_a_file(tmp_path):
    (tmp_path / "t.csv").write_text("national_code,national_label,iccs_code,relation\nA,x,0101,exact\n")
    result = CliRunner().invoke(cli, ["convert", str(tmp_path), "-c", str(tmp_path / "t.csv")])
    assert result.exit_code == 2 and "is a folder" in result.stderr


def test_the_example_converts(classification):
    from conftest import ROOT

    r = convert(ROOT / "examples" / "counts.csv", ROOT / "examples" / "correspondence.csv",
                classification=classification)
    by = {(o["ICCS"], o["sex"]): o["OBS_VALUE"] for o in r.observations}
    # 05 men: burglary 760 + PC-302 88 (partial) + car 410 + shop 980 + other theft 2050
    assert by[("05", "M")] == 760 + 88 + 410 + 980 + 2050
    assert [u["national_code"] for u in r.unmapped] == ["PC-601"]


def test_progress_is_reported_and_the_end_reached(files, classification):
    calls = []
    convert(files / "counts.csv", files / "table.csv", classification=classification,
            progress=lambda done, expected: calls.append((done, expected)))
    assert calls and calls[-1] == (8, 8)


def test_counts_from_a_workbook(tmp_path, files, classification):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Counts of 2023"])  # a preamble line above the header
    for line in COUNTS.splitlines():
        cells = line.split(",")
        sheet.append(cells[:3] + [int(cells[3]) if cells[3].isdigit() else cells[3]])
    book.save(tmp_path / "counts.xlsx")
    r = convert(tmp_path / "counts.xlsx", files / "table.csv", classification=classification)
    got = {(o["ICCS"], o["TIME_PERIOD"], o["sex"]): (o["OBS_VALUE"], o["OBS_STATUS"], o["partial"])
           for o in r.observations}
    assert got == EXPECTED
    assert r.unmapped[0]["first_row"] == 9  # the sheet's own row number


def test_cli_json_gives_the_partial_part(files):
    import json

    r = CliRunner().invoke(cli, ["convert", str(files / "counts.csv"), "-c", str(files / "table.csv"), "--format", "json"])
    assert r.exit_code == 0
    rows = {(o["ICCS"], o["sex"]): (o["OBS_VALUE"], o["partial"], o["DATAFLOW"]) for o in json.loads(r.stdout)}
    assert rows[("05", "M")] == (20, 7, "ICCS_TOOLKIT:ICCS_COUNTS(1.0)")


def test_encodings(tmp_path, classification):
    save_table(tmp_path / "t.csv", [Mapping("A", "murder", "0101", "exact")])
    (tmp_path / "c.csv").write_bytes("national_code;period;región;value\nA;2023;Ñuble;4\n".encode("cp1252"))
    r = convert(tmp_path / "c.csv", tmp_path / "t.csv", classification=classification)
    assert r.dimensions == ["región"] and r.observations[0]["región"] == "Ñuble"
    (tmp_path / "u.csv").write_bytes("\ufeffnational_code,period,value\nA,2023,4\n".encode("utf-16"))
    result = CliRunner().invoke(cli, ["convert", str(tmp_path / "u.csv"), "-c", str(tmp_path / "t.csv")])
    assert result.exit_code == 2 and "UTF-16 is not supported" in result.stderr

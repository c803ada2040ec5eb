"""The correspondence table model: read, write, round trip, bad files (iccs.correspondence.table)."""
import pytest

from iccs.correspondence.table import COLUMNS, Mapping, format_tags, load_table, now_utc, parse_tags, save_table
from iccs.errors import InputError

FULL = Mapping("A-1", 'Fraud, "computer"', "0701", "exact", tags="Cy=1", note="cybercrime tag",
               reviewer="ana", decided_at="2026-11-29T14:05:00Z", method="accepted",
               suggested_code="0701", score="0.83", evidence="label; index term")


def test_save_then_load_gives_the_same_table(tmp_path):
    path = tmp_path / "t.csv"
    mappings = [FULL, Mapping("A-2", "Theft", "0502", "partial"), Mapping("A-2", "Theft", "0501", "partial")]
    save_table(path, mappings)
    back = load_table(path)
    assert back == mappings
    assert [m.line for m in back] == [2, 3, 4]
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)


def test_only_the_required_columns_semicolons_and_cp1252(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("national_code;national_label;iccs_code;relation\nX;Hurto simple \xe9;0502;exact\n"
                     .encode("cp1252"))
    [m] = load_table(path)
    assert (m.national_code, m.national_label, m.iccs_code, m.relation, m.tags) == \
        ("X", "Hurto simple \xe9", "0502", "exact", "")


@pytest.mark.parametrize("text, message", [
    ("national_code,national_label,iccs_code,relation,colour\nX,a,0101,exact,red\n", "unknown column 'colour'"),
    ("national_code,national_label,iccs_code\nX,a,0101\n", "no column 'relation'"),
    ("", "empty file"),
])
def test_bad_files_are_one_clear_error(tmp_path, text, message):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_table(path)
    assert message in str(e.value) and str(path) in str(e.value)


def test_missing_ok(tmp_path):
    assert load_table(tmp_path / "new.csv", missing_ok=True) == []
    with pytest.raises(InputError):
        load_table(tmp_path / "new.csv")


def test_tags_and_time():
    assert parse_tags("Cy=1; SV=2") == {"Cy": "1", "SV": "2"}
    assert format_tags(parse_tags("Cy=1;SV=2")) == "Cy=1;SV=2"
    assert FULL.tag_dict == {"Cy": "1"}
    assert FULL.with_(iccs_code="0702").iccs_code == "0702" and FULL.iccs_code == "0701"
    stamp = now_utc()
    assert len(stamp) == 20 and stamp.endswith("Z") and stamp[10] == "T"

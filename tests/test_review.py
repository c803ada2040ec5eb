"""The review without a screen: reading suggestions (CSV, JSON, national list), decisions written
to the correspondence table at once, undo, resume, order, and bad input."""
import json

import pytest
from click.testing import CliRunner

from iccs.cli import cli
from iccs.correspondence.table import Mapping, load_table, save_table
from iccs.errors import InputError
from iccs.review import Review, ReviewError, build, parse_tags, read_offences, read_suggestions

SUGGESTIONS_CSV = """national_code,rank,iccs_code,iccs_label,score,evidence
N1,1,0101,Intentional homicide,0.91,label: homicide
N1,2,0102,Attempted intentional homicide,0.40,index: attempted murder
N2,2,0401,Robbery,0.20,
N2,1,0701,Fraud,0.35,index: fraud
N3,1,0501,Burglary,0.66,label: burglary
"""
OFFENCES_CSV = """code;label;description
N1;Murder;ART. 391 Whoever kills another
N2;Computer fraud;ART. 468 fraud through a computer
N3;Housebreaking;ART. 440 entering a dwelling
N4;Vagrancy;ART. 305 an old law
"""
SUGGESTIONS_JSON = [
    {"national_code": "N1", "label": "Murder", "description": "ART. 391 Whoever kills another",
     "family": "Against persons", "decided": "",
     "suggestions": [
         {"rank": 1, "iccs_code": "0101", "iccs_label": "Intentional homicide", "score": 0.91,
          "evidence": [{"kind": "label", "text": "Intentional homicide", "lang": "en", "via": ""}]},
         {"rank": 2, "iccs_code": "0102", "iccs_label": "Attempted intentional homicide", "score": 0.4,
          "evidence": [{"kind": "exclusion", "text": "attempted intentional homicide", "lang": "en",
                        "via": "0101"}]}]},
    {"national_code": "N2", "label": "Computer fraud", "description": "", "family": "Property",
     "decided": "", "suggestions": [{"rank": 1, "iccs_code": "0701", "iccs_label": "Fraud", "score": 0.35,
                                     "evidence": []}]},
    {"national_code": "N4", "label": "Vagrancy", "description": "", "family": "", "decided": "",
     "suggestions": []},
]


class Clock:
    def __init__(self):
        self.n = 0

    def __call__(self):
        self.n += 1
        return f"2026-11-29T10:00:{self.n:02d}Z"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "s.csv").write_text(SUGGESTIONS_CSV, encoding="utf-8")
    (tmp_path / "o.csv").write_text(OFFENCES_CSV, encoding="cp1252")
    (tmp_path / "s.json").write_text(json.dumps(SUGGESTIONS_JSON), encoding="utf-8")
    return tmp_path


@pytest.fixture
def review(files, classification):
    return build(files / "s.csv", files / "t.csv", offences=files / "o.csv", reviewer="ana",
                 classification=classification, clock=Clock())


# -- inputs ---------------------------------------------------------------------------------------
def test_csv_suggestions_with_national_list(files):
    offences = read_suggestions(files / "s.csv", read_offences(files / "o.csv"))
    assert [o.code for o in offences] == ["N1", "N2", "N3", "N4"]  # the list's order; N4 has no suggestion
    n2 = offences[1]
    assert (n2.label, n2.description) == ("Computer fraud", "ART. 468 fraud through a computer")
    assert [(s.rank, s.iccs_code) for s in n2.suggestions] == [(1, "0701"), (2, "0401")]  # by rank
    assert n2.confidence == 0.35 and offences[3].confidence == 0.0
    assert offences[0].top.evidence_text() == "label: homicide"


def test_json_suggestions(files):
    offences = read_suggestions(files / "s.json")
    assert [o.code for o in offences] == ["N1", "N2", "N4"]
    assert offences[0].family == "Against persons"
    assert offences[0].suggestions[1].evidence_text() == "0101 excludes 'attempted intentional homicide' → here"
    assert offences[2].suggestions == []


def test_both_forms_of_iccs_map_suggest_read_alike(tmp_path):
    """The suggestions as the suggest command writes them (its own record types and writers),
    CSV and JSON, give the same offences, evidence text and decided marks."""
    from iccs import render
    from iccs.mapping.suggest import DECIDED
    from iccs.mapping.types import CSV_COLUMNS, Evidence, Offence, Suggestion, rows

    written = [
        Offence("101", "Homicidio", suggestions=[
            Suggestion(1, "0101", "Homicidio intencional", 0.8123, [
                Evidence("index term", "asesinato", "es"),
                Evidence("exclusion", "tentativa de homicidio intencional " * 4, "es", "0101")]),
            Suggestion(2, "0102", "Tentativa de homicidio intencional", 0.1, [])]),
        Offence("102", "Estafa", decided=True, suggestions=[
            Suggestion(1, "0701", "Fraude", 1.0, [Evidence("accepted", DECIDED, "es")])]),
    ]
    (tmp_path / "s.csv").write_text(render.render(rows(written), CSV_COLUMNS, "csv"), encoding="utf-8")
    (tmp_path / "s.json").write_text(render.to_json([o.to_dict() for o in written]), encoding="utf-8")
    from_csv, from_json = read_suggestions(tmp_path / "s.csv"), read_suggestions(tmp_path / "s.json")
    for read in (from_csv, from_json):
        assert [(o.code, o.decided) for o in read] == [("101", False), ("102", True)]
        assert [(s.rank, s.iccs_code, s.score) for s in read[0].suggestions] == [(1, "0101", 0.8123),
                                                                                  (2, "0102", 0.1)]
    for mine, theirs in zip(from_csv + from_json, written + written):
        assert [s.evidence_text() for s in mine.suggestions] == [s.evidence_text() for s in theirs.suggestions]
    assert from_json[0].top.evidence_lines()[1].startswith("0101 excludes 'tentativa")


@pytest.mark.parametrize("name, text, message", [
    ("s.csv", "national_code,rank,iccs_code,iccs_label,score\nN1,1,0101,x,1\n", "no column 'evidence'"),
    ("s.csv", "national_code,rank,iccs_code,iccs_label,score,evidence\nN1,1,0101,x,high,\n",
     "line 2, column score: score 'high' is not a number"),
    ("s.csv", "national_code,rank,iccs_code,iccs_label,score,evidence\nN1,0,0101,x,1,\n",
     "rank '0' is not a whole number"),
    ("s.csv", "national_code,rank,iccs_code,iccs_label,score,evidence\nN1,1,0101,x,1,\nN1,1,0102,y,1,\n",
     "line 3, column rank: rank 1 of 'N1' appears twice"),
    ("s.csv", "national_code,rank,iccs_code,iccs_label,score,evidence\n", "no suggestions"),
    ("s.csv", "", "empty file"),
    ("s.json", '[{"national_code": "N1",', "not valid JSON"),
    ("s.json", '{"national_code": "N1"}', "not a list of offences"),
    ("s.json", '[{"label": "x"}]', "offence 1 has no national_code"),
    ("s.json", '[{"national_code": "A"}, {"national_code": "A"}]', "'A' appears twice"),
    ("s.json", '[{"national_code": "A", "suggestions": [{"rank": 1, "score": 1}]}]', "has no iccs_code"),
    ("s.json", '[{"national_code": "A", "suggestions": [{"iccs_code": "0101", "score": "x"}]}]',
     "suggestion 1 of 'A': score 'x' is not a number"),
    ("s.json", '[{"national_code": "A", "suggestions": [{"iccs_code": "0101", "evidence": "text"}]}]',
     "evidence is not a list"),
    ("s.json", b'[{"national_code": "\xe9"}]', "not UTF-8"),
])
def test_bad_suggestions(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(InputError) as e:
        read_suggestions(path)
    assert message in str(e.value) and str(path) in str(e.value)


def test_bad_input_is_one_line_and_exit_2(files, tmp_path):
    runner = CliRunner()
    (tmp_path / "bad.csv").write_text("national_code,rank,iccs_code,iccs_label,score,evidence\nN1,1,0101,x,?,\n")
    cases = [
        [str(tmp_path / "bad.csv")],
        [str(tmp_path / "missing.json")],
        [str(tmp_path)],  # a folder
        [str(files / "s.csv"), "--offences", str(files / "o.csv"), "--label-col", "name"],
        [str(files / "s.csv"), "--table", str(tmp_path / "no" / "t.csv")],
    ]
    (tmp_path / "t.csv").write_text("national_code,iccs_code\nN1,0101\n")  # no relation column
    cases.append([str(files / "s.csv"), "--table", str(tmp_path / "t.csv")])
    cases.append([str(files / "s.csv"), "--table", str(tmp_path / "new.csv")])  # good input, no terminal
    for args in cases:
        result = runner.invoke(cli, ["map", "review", *args])
        assert result.exit_code == 2, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), (args, result.output)
    assert "run it in a terminal" in result.output


# -- decisions ------------------------------------------------------------------------------------
def test_accept_correct_manual_written_at_once(review, files):
    table = files / "t.csv"
    assert review.current.code == "N1" and not table.exists()
    review.decide("0101")  # the top suggestion
    assert [m.iccs_code for m in load_table(table)] == ["0101"]
    assert review.current.code == "N2"
    review.decide("0401")  # rank 2
    review.decide("ICCS 0501")  # N3's top, typed as a Eurostat-style code
    review.decide("0703")  # N4 had no suggestion
    rows = {m.national_code: m for m in load_table(table)}
    assert rows["N1"] == Mapping("N1", "Murder", "0101", "exact", "", "", "ana", "2026-11-29T10:00:01Z",
                                 "accepted", "0101", "0.91", "label: homicide")
    assert (rows["N2"].method, rows["N2"].suggested_code, rows["N2"].score) == ("corrected", "0701", "0.35")
    assert (rows["N3"].iccs_code, rows["N3"].method) == ("0501", "accepted")
    assert (rows["N4"].method, rows["N4"].suggested_code, rows["N4"].score) == ("manual", "", "")
    assert review.done and review.decided == 4


def test_unknown_code_refused(review, files):
    with pytest.raises(ReviewError, match="unknown ICCS code '01011'; did you mean 0101"):
        review.decide("01011")
    with pytest.raises(ReviewError, match="unknown ICCS code ''"):
        review.decide("  ")
    assert not (files / "t.csv").exists() and review.current.code == "N1"


def test_tags_validated_against_the_iccs(classification):
    assert parse_tags("cy=1; sv = 2", classification) == "Cy=1;SV=2"
    assert parse_tags("", classification) == ""
    with pytest.raises(ReviewError, match="unknown tag 'Zz'"):
        parse_tags("Zz=1", classification)
    with pytest.raises(ReviewError, match="Cy has no value '9'; its values are 1, 2, 3, 4"):
        parse_tags("Cy=9", classification)


def test_relation_tags_note_go_with_the_decision_then_change_it(review, files):
    review.go(1)  # N2, computer fraud
    review.set_relation("narrower")
    review.set_tags("cy=1")
    review.set_note("fraud   by computer")
    assert not (files / "t.csv").exists()  # nothing decided yet: nothing written
    review.decide("0701")
    [m] = load_table(files / "t.csv")
    assert (m.relation, m.tags, m.note) == ("narrower", "Cy=1", "fraud by computer")
    review.go(1)
    review.set_note("checked")  # on a decided offence: written at once
    assert load_table(files / "t.csv")[0].note == "checked"
    assert review.next_relation() == "partial"
    assert load_table(files / "t.csv")[0].relation == "partial"
    with pytest.raises(ReviewError, match="relation must be one of"):
        review.set_relation("same")


def test_partial_mappings(review, files):
    review.decide("0101")  # N1 exact
    review.go(0)
    with pytest.raises(ReviewError, match="set its relation to partial first"):
        review.decide("0102", add=True)
    review.set_relation("partial")
    review.decide("0102", add=True)
    assert review.current.code == "N1"  # adding a partial mapping stays on the offence
    with pytest.raises(ReviewError, match="already mapped to 0102"):
        review.decide("0102", add=True)
    assert [(m.iccs_code, m.relation) for m in load_table(files / "t.csv")] == [("0101", "partial"),
                                                                               ("0102", "partial")]
    with pytest.raises(ReviewError, match="2 partial mappings"):
        review.set_relation("exact")
    review.decide("0102")  # deciding again replaces the rows
    assert [(m.iccs_code, m.relation) for m in load_table(files / "t.csv")] == [("0102", "partial")]


def test_undo_back_to_what_the_table_was(review, files):
    table = files / "t.csv"
    review.decide("0101")
    review.decide("0401")
    assert review.undo() == "N2"
    assert review.current.code == "N2"
    assert [m.national_code for m in load_table(table)] == ["N1"]
    assert review.undo() == "N1"
    assert load_table(table) == []
    assert review.undo() is None


def test_undo_of_a_change_keeps_the_decision(review, files):
    review.decide("0101")
    review.go(0)
    review.set_note("why")
    review.undo()
    [m] = load_table(files / "t.csv")
    assert (m.iccs_code, m.note) == ("0101", "")


def test_resume_at_first_undecided_and_keep_other_rows(files, classification):
    table = files / "t.csv"
    other = Mapping("X9", "Not in this list", "0201", "exact")
    save_table(table, [other])
    first = build(files / "s.csv", table, offences=files / "o.csv", reviewer="ana", classification=classification)
    first.decide("0101")
    first.skip()  # N2 left undecided
    first.decide("0501")  # N3
    del first  # as if the program stopped here
    again = build(files / "s.csv", table, offences=files / "o.csv", reviewer="bo", classification=classification)
    assert (again.current.code, again.decided, again.total) == ("N2", 2, 4)
    assert [m.national_code for m in load_table(table)] == ["N1", "N3", "X9"]  # list order, others kept
    again.decide("0701")
    assert again.current.code == "N4"


def test_order_confidence_least_certain_first(files, classification):
    review = build(files / "s.csv", files / "t.csv", offences=files / "o.csv", classification=classification,
                   order="confidence")
    assert [o.code for o in review.offences] == ["N4", "N2", "N3", "N1"]
    review.decide("0703")
    assert review.current.code == "N2"
    review.decide("0701")
    assert [m.national_code for m in load_table(files / "t.csv")] == ["N2", "N4"]  # the table keeps list order


def test_candidates_add_found_and_typed_codes(review):
    assert [(c.rank, c.code) for c in review.candidates()] == [(1, "0101"), (2, "0102")]
    assert review.add_candidate("iccs0201") == 2
    assert review.add_candidate("0101") == 0  # already there
    assert [(c.rank, c.code, c.label) for c in review.candidates()][2] == (None, "0201", "Assaults and threats")
    with pytest.raises(ReviewError):
        review.add_candidate("99")


def test_reviewer_defaults_to_the_user(files, classification, monkeypatch):
    monkeypatch.setenv("LOGNAME", "someone")
    monkeypatch.setenv("USER", "someone")
    review = Review(read_suggestions(files / "s.json"), files / "t.csv", classification=classification)
    assert review.reviewer == "someone"


def test_rows_written_meanwhile_by_someone_else_are_kept(files, classification):
    one = build(files / "s.csv", files / "t.csv", offences=files / "o.csv", reviewer="ana",
                classification=classification)
    two = build(files / "s.csv", files / "t.csv", offences=files / "o.csv", reviewer="bo",
                classification=classification)
    one.decide("0101")  # N1
    two.go(1)
    two.decide("0701")  # N2, by a review that started before N1 was decided
    assert [(m.national_code, m.reviewer) for m in load_table(files / "t.csv")] == [("N1", "ana"), ("N2", "bo")]
    assert two.decided == 2


def test_a_suggested_code_the_iccs_does_not_have_is_refused(tmp_path, classification):
    (tmp_path / "s.csv").write_text("national_code,rank,iccs_code,iccs_label,score,evidence\n"
                                    "N1,1,0999,Made up,0.9,\nN1,2,0101,Intentional homicide,0.5,\n")
    review = build(tmp_path / "s.csv", tmp_path / "t.csv", classification=classification)
    with pytest.raises(ReviewError, match="unknown ICCS code '0999'"):
        review.decide(review.candidates()[0].code)
    review.decide("0101")
    assert load_table(tmp_path / "t.csv")[0].method == "corrected"


def test_a_huge_json_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from iccs.mapping import inputs

    monkeypatch.setattr(inputs, "MAX_SUGGESTION_BYTES", 1000)
    (tmp_path / "s.json").write_text(json.dumps(SUGGESTIONS_JSON * 5))
    with pytest.raises(InputError, match="too large for suggestions"):
        read_suggestions(tmp_path / "s.json")


def test_a_failed_write_changes_nothing(review, files, monkeypatch):
    from iccs.review import session

    review.decide("0101")

    def full_disk(path, mappings):
        raise InputError("cannot write: No space left on device", file=path)

    monkeypatch.setattr(session, "save_table", full_disk)
    with pytest.raises(InputError, match="No space left"):
        review.decide("0701")
    assert (review.current.code, review.decided, review.rows()) == ("N2", 1, [])
    monkeypatch.undo()
    assert review.undo() == "N1"  # the failed write left nothing to undo
    assert load_table(files / "t.csv") == []


def test_undoing_a_decision_keeps_what_went_with_it(review):
    review.set_relation("broader")
    review.set_tags("Cy=1")
    review.decide("0101")
    review.undo()
    assert (review.draft().relation, review.draft().tags) == ("broader", "Cy=1")


def test_go_to_a_national_code(review):
    assert review.find("N3").code == "N3" and review.position == 2
    assert review.find(" n4 ").code == "N4"
    with pytest.raises(ReviewError, match="no national code 'X1' in the list"):
        review.find("X1")

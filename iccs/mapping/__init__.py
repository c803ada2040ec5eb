"""Suggest ICCS codes for a national offence list, explain them, and measure how good they are.

- ``suggest(rows, ...)``: ranked ICCS codes for each offence, each with a calibrated score and
  the ICCS texts (labels, index terms, inclusions, definitions, exclusions of other categories,
  the text closest in meaning) or accepted decisions that support it (``suggest.py``, scoring in ``model.py``).
- ``evaluate(gold, offences)``: top-1, top-K, same division and section, MRR, a confusion
  summary by section, precision against coverage (``evaluate.py``); ``suggest_folds`` for the
  warm setting without leaking answers (``folds.py``).
- Reading the tables (``inputs.py``: the national list, accepted decisions, gold tables, and
  suggestion files — the one reader of those, used by ``iccs map evaluate`` and
  ``iccs map review`` alike), the text normalisation and stemming (``text.py``), the ICCS
  evidence and its BM25 index, cached (``corpus.py``, ``bm25.py``), ranking by meaning across
  wording and language (``meaning.py``) with a multilingual sentence encoder, loaded, kept and
  remembering what it encoded (``encoder.py``), score calibration
  (``calibrate.py``), the records (``types.py``), and the two commands (``cli.py``).

Offline and on the CPU: nothing is fetched at run time (the encoder's weights ship in its package).
"""
from .evaluate import Evaluation, evaluate
from .folds import suggest_folds
from .inputs import read_decisions, read_gold, read_offences, read_suggestions
from .suggest import suggest
from .types import CSV_COLUMNS, Evidence, Offence, Suggestion, rows

__all__ = ["suggest", "suggest_folds", "evaluate", "Evaluation", "Offence", "Suggestion", "Evidence",
           "CSV_COLUMNS", "rows", "read_offences", "read_decisions", "read_gold", "read_suggestions"]

"""vtlengine running the non-negative, hierarchy and duplicate checks on a benchmark submission
(called by benchmarks/validate.py in an interpreter that has vtlengine, VTL_PYTHON)."""
import csv
import os
import sys
import tempfile
import time

IDS = ["ICCS", "SEX", "UNIT", "GEO", "TIME_PERIOD"]


def prepare(path, ruleset_text):
    """The submission as vtlengine reads it (outside the timing): DS_1 one row per key (numbers
    only), DS_2 every row with its row number; the structures; the script."""
    folder = tempfile.mkdtemp(prefix="iccs-vtl-")
    seen = set()
    with open(path, encoding="utf-8", newline="") as f, \
            open(os.path.join(folder, "DS_1.csv"), "w", newline="") as o1, \
            open(os.path.join(folder, "DS_2.csv"), "w", newline="") as o2:
        rows = csv.DictReader(f)
        w1, w2 = csv.writer(o1), csv.writer(o2)
        w1.writerow(IDS + ["OBS_VALUE"])
        w2.writerow(["ROW"] + IDS + ["OBS_VALUE"])
        for n, r in enumerate(rows, start=2):
            key = (r["iccs"], r["sex"], r["unit"], r["geo"], r["TIME_PERIOD"])
            try:
                value = str(float(r["OBS_VALUE"]))
            except ValueError:
                value = ""
            w2.writerow([n, *key, value])
            if key not in seen:
                seen.add(key)
                w1.writerow([*key, value])
    comps = [{"name": i, "type": "String", "role": "Identifier", "nullable": False} for i in IDS]
    measure = {"name": "OBS_VALUE", "type": "Number", "role": "Measure", "nullable": True}
    structures = {"datasets": [
        {"name": "DS_1", "DataStructure": comps + [measure]},
        {"name": "DS_2", "DataStructure": [{"name": "ROW", "type": "Integer", "role": "Identifier",
                                            "nullable": False}] + comps + [measure]}]}
    script = ruleset_text + """

DS_nn <- check(DS_1 >= 0 errorcode "ValueNonNegative" errorlevel 1 invalid);
DS_h <- check_hierarchy(DS_1, iccs_hierarchy rule ICCS partial_null invalid);
DS_dup <- DS_2[aggr N := count(OBS_VALUE) group by ICCS, SEX, UNIT, GEO, TIME_PERIOD][filter N > 1];
"""
    return structures, {"DS_1": os.path.join(folder, "DS_1.csv"), "DS_2": os.path.join(folder, "DS_2.csv")}, script


def run(path, backend=None, ruleset_text=None):
    from vtlengine import run as vtl_run

    if ruleset_text is None:
        ruleset_text = open(path + ".vtl", encoding="utf-8").read()
    structures, datapoints, script = prepare(path, ruleset_text)
    started = time.perf_counter()
    result = vtl_run(script=script, data_structures=structures, datapoints=datapoints,
                     use_duckdb=backend == "duckdb")
    seconds = time.perf_counter() - started
    found = {}
    for name in ("DS_nn", "DS_h", "DS_dup"):
        data = result[name].data
        found[name] = int(len(data)) if data is not None else 0
    return {"seconds": seconds, "found": found}


if __name__ == "__main__":
    import json

    print(json.dumps(run(sys.argv[1], backend=(sys.argv[2] if len(sys.argv) > 2 else None))))

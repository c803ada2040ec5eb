"""The ICCS hierarchy as a VTL 2.1 hierarchical ruleset, generated from the classification:
one rule per category with sub-categories, ``parent >= sum of its children`` (codes written as
Eurostat writes them, ``ICCS0101``), for ``check_hierarchy`` in an SDMX/VTL pipeline.

VTL compares a parent with its direct children only, and its modes cannot say "a parent not
reported is not checked, a child not reported counts as zero": ``partial_null`` (the default here)
checks a parent whose direct children are all reported; ``partial_zero`` counts a child not
reported as zero but also a parent not reported. The ParentSum rule of ``iccs validate`` does
what neither does: a child not reported counts as nothing, and a class counts toward its division
when the group between them is not reported.
"""


def ruleset(name="iccs_hierarchy", variable="ICCS", classification=None):
    """The ruleset as VTL text."""
    if classification is None:
        import iccs

        classification = iccs.load()
    lines = [f"define hierarchical ruleset {name} (variable rule {variable}) is"]
    rules = []
    for c in classification:
        kids = c.children
        if not kids:
            continue
        rules.append(f'    P{c.code} : ICCS{c.code} >= {" + ".join(f"ICCS{k.code}" for k in kids)} '
                     f'errorcode "ParentSum" errorlevel 1')
    lines.append(";\n".join(rules))
    lines.append("end hierarchical ruleset;")
    return "\n".join(lines)


def check_script(dataset="DS_1", name="iccs_hierarchy", variable="ICCS", result="DS_h",
                 mode="partial_null"):
    """A VTL program that defines the ruleset and checks ``dataset`` with it (the invalid rows
    persist in ``result``)."""
    return (ruleset(name, variable) + f"\n\n{result} <- check_hierarchy({dataset}, {name} rule "
            f"{variable} {mode} invalid);\n")

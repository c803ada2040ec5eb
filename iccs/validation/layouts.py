"""The layouts a submission comes in, and what each column of it is.

A :class:`Layout` gives each column a role: one of :data:`ROLES` (area, period, category, …), a
tag (a column named after an ICCS tag acronym: ``Cy``, ``At``), another dimension (kept in the
observation's key), an attribute, or ignored (``LAST UPDATE``, ``Country``).
"""
from dataclasses import dataclass, field

from ..errors import InputError
from ..tables import column_key

ROLES = ("area", "period", "category", "indicator", "sex", "age", "unit", "value", "flag",
         "source", "action")

# SDMX-CSV: column names of each role (compared without case, spaces or '_').
_SDMX = {
    "area": ("geo", "ref_area", "refarea", "country"),
    "period": ("time_period", "time"),
    "category": ("iccs", "iccs_category", "crime", "offence"),
    "indicator": ("indic", "indicator", "leg_stat", "stat_indic", "measure"),
    "sex": ("sex",),
    "age": ("age",),
    "unit": ("unit", "unit_measure"),
    "value": ("obs_value",),
    "flag": ("obs_flag", "obs_status", "conf_status"),
    "source": ("source",),
    "action": ("action",),
}
_SDMX_ATTRIBUTES = ("unit_mult", "decimals", "obs_comment", "comment", "time_format", "obs_conf")
_SDMX_IGNORED = ("dataflow", "last_update", "structure", "structure_id", "structure_name")
# The UNODC data portal export.
UNODC_COLUMNS = ("Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension",
                 "Category", "Sex", "Age", "Year", "Unit of measurement", "VALUE", "Source")
_UNODC = {"area": "Iso3_code", "period": "Year", "category": "Category", "indicator": "Indicator",
          "sex": "Sex", "age": "Age", "unit": "Unit of measurement", "value": "VALUE",
          "source": "Source"}
_UNODC_IGNORED = ("Country", "Region", "Subregion")
HEADER_HINT = ("DATAFLOW", "STRUCTURE", "OBS_VALUE", "Iso3_code", "VALUE")


_key = column_key


@dataclass
class Layout:
    name: str                                   # sdmx-csv-1, sdmx-csv-2, unodc
    roles: dict = field(default_factory=dict)   # role -> column
    dimensions: list = field(default_factory=list)  # the key, as named in the file, in file order
    tags: dict = field(default_factory=dict)    # column -> tag acronym
    dimension_column: str = ""                  # UNODC "Dimension": what the Category column holds


class _Long:
    """The columns a wide Eurostat TSV download has once each year is a row of its own."""

    def __init__(self, table, columns):
        self.path, self.header_line, self.columns = table.path, table.header_line, columns

    def column(self, wanted):
        return next((c for c in self.columns if _key(c) == _key(wanted)), None)


def wide_columns(table):
    """For Eurostat's TSV download (``freq,iccs,unit,geo\\TIME_PERIOD`` then a column per year):
    its dimensions, the period's name and ``OBS_VALUE``; else None."""
    first = table.columns[0] if table.columns else ""
    if "\\" not in first or "," not in first:
        return None
    dims, period = first.split("\\", 1)
    return [d.strip() for d in dims.split(",")] + [period.strip() or "TIME_PERIOD", "OBS_VALUE"]


def detect(table, tag_acronyms=()):
    """The layout of a :class:`iccs.tables.Table`; InputError when it is none we read."""
    long = wide_columns(table)
    if long:
        layout = detect(_Long(table, long), tag_acronyms)
        layout.name = "eurostat-tsv"
        return layout
    keys = {_key(c): c for c in table.columns}
    if "obsvalue" in keys:
        name = "sdmx-csv-2" if "structure" in keys else "sdmx-csv-1"
        layout = Layout(name)
        taken = set()
        for role, names in _SDMX.items():
            for n in names:
                if _key(n) in keys:
                    layout.roles[role] = keys[_key(n)]
                    taken.add(keys[_key(n)])
                    break
        tags = {_key(t): t for t in tag_acronyms}
        for column in table.columns:
            k = _key(column)
            if column in taken and layout.roles.get("value") != column and column not in (
                    layout.roles.get("flag"), layout.roles.get("source"), layout.roles.get("action")):
                layout.dimensions.append(column)
            elif column in taken or k in map(_key, _SDMX_IGNORED + _SDMX_ATTRIBUTES) \
                    or k.startswith("lastupdate") or k.startswith("structure"):
                continue
            else:
                if k in tags:
                    layout.tags[column] = tags[k]
                layout.dimensions.append(column)
    elif "iso3code" in keys and "value" in keys:
        layout = Layout("unodc")
        for role, column in _UNODC.items():
            actual = table.column(column)
            if actual is None:
                raise InputError(f"a UNODC data-portal table needs a column {column!r} "
                                 f"(the columns are: {', '.join(table.columns)})",
                                 file=table.path, row=table.header_line)
            layout.roles[role] = actual
        layout.dimension_column = table.column("Dimension") or ""
        ignored = {_key(c) for c in _UNODC_IGNORED + ("VALUE", "Source")}
        layout.dimensions = [c for c in table.columns if _key(c) not in ignored]
    else:
        raise InputError("not a submission layout this validator reads: expected SDMX-CSV "
                         "(an OBS_VALUE column) or a UNODC data-portal table (Iso3_code … VALUE); "
                         f"the columns are: {', '.join(table.columns)}",
                         file=table.path, row=table.header_line)
    for role in ("area", "period", "category"):
        if role not in layout.roles:
            raise InputError(f"no {role} column in this {layout.name} table (looked for "
                             f"{', '.join(_SDMX[role])}; the columns are: {', '.join(table.columns)})",
                             file=table.path, row=table.header_line)
    return layout

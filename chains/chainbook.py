"""Chain files as workbooks (.xlsx): the same chains as a YAML chain file, one sheet per kind
of row (the format is in docs/chains.md, "Chain workbooks").

`read_workbook(path, checker)` turns the workbook into the document a YAML chain file parses
to, so one checker (chains.chainfile) reads both. Each item's line is its row, and its sheet
is named with it (`Row`), so a problem reads "“节点”表第 7 行". Nodes nest by their 上级节点
column. A parent that names no node of the same chain is refused, and so is a ring of parents.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from plans.planfile.reader import Checker
from plans.planfile.yamlread import LocatedDict, LocatedList

from .choices import SEGMENT_ZH, LinkKind

# Sheet → {header: key}. A header is matched after trimming; the English key works too.
SHEETS = {
    "产业链": {
        "代码": "code",
        "名称": "name",
        "英文名称": "name_en",
        "产业生态圈": "ecosystem",
        "说明": "description",
        "来源": "source",
        "演示": "demo",
        "“有”的门槛": "present",
        "“强”的门槛": "strong",
    },
    "节点": {
        "产业链": "chain",
        "代码": "code",
        "名称": "name",
        "英文名称": "name_en",
        "环节": "segment",
        "上级节点": "parent",
        "说明": "description",
    },
    "关联": {"产业链": "chain", "从": "from", "到": "to", "类型": "kind"},
    "上链企业": {
        "产业链": "chain",
        "节点": "node",
        "统一社会信用代码": "credit_code",
        "链主": "leader",
    },
}
MAX_ROWS = 25_000
SEGMENTS = {label: str(code) for code, label in SEGMENT_ZH.items()}
KINDS = {"上下游": str(LinkKind.SUPPLIES), "左右岸": str(LinkKind.ADJACENT)}
YES = {"是", "true", "yes", "1", "y"}
NO = {"否", "false", "no", "0", "n", ""}


class Row(int):
    """A line that is a row of a sheet: it prints as the row and knows its sheet."""

    sheet: str
    headers: dict[str, str]  # key → the column's header, for the messages

    def __new__(cls, number: int, sheet: str):
        row = super().__new__(cls, number)
        row.sheet = sheet
        row.headers = {key: header for header, key in SHEETS.get(sheet, {}).items()}
        return row


def _dict(values: dict, line: int) -> LocatedDict:
    item = LocatedDict(values)
    item.line = line
    item.key_lines = {}
    return item


def _list(items: list, lines: list) -> LocatedList:
    located = LocatedList(items)
    located.line = lines[0] if lines else 0
    located.item_lines = lines
    return located


def _cell(value):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _rows(book, sheet: str, checker: Checker) -> list[tuple[Row, dict]]:
    """The sheet's rows as {key: value}, each with its row; headers by SHEETS."""
    if sheet not in book.sheet_names:
        return []
    data = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    if not data:
        return []
    names = SHEETS[sheet]
    keys = set(names.values())
    header = []
    for title in data[0]:
        title = str(title or "").strip()
        key = names.get(title, title if title in keys else None)
        if title and key is None:
            checker.add(
                Row(1, sheet),
                title,
                _("unknown column (the columns are: %(columns)s)") % {"columns": "、".join(names)},
            )
        header.append(key)
    rows = []
    for number, values in enumerate(data[1:], start=2):
        if number > MAX_ROWS + 1:
            checker.add(
                Row(number, sheet), "", _("too many rows (at most %(n)s)") % {"n": MAX_ROWS}
            )
            break
        item = {
            key: _cell(value)
            for key, value in zip(header, values, strict=False)
            if key and _cell(value) is not None
        }
        if item:
            rows.append((Row(number, sheet), item))
    return rows


def _flag(value, row: Row, key: str, checker: Checker) -> bool:
    text = str(value if value is not None else "").strip().lower()
    if text in YES:
        return True
    if text not in NO:
        checker.add(row, key, _("should be 是 or 否"))
    return False


def read_workbook(path: Path, checker: Checker) -> LocatedDict | None:
    """The chain document the workbook holds, or None with the problem noted."""
    from django.conf import settings

    from core.tabular.read import UploadError, open_workbook

    checker.file = path.name
    try:
        with path.open("rb") as handle:
            data = handle.read(settings.ZONEPLAN_PLAN_FILE_MAX_BYTES + 1)
        book = open_workbook(data, max_bytes=settings.ZONEPLAN_PLAN_FILE_MAX_BYTES)
    except OSError:
        checker.add(0, "", _("cannot be read"))
        return None
    except UploadError as exc:
        checker.add(0, "", str(exc))
        return None
    if "产业链" not in book.sheet_names:
        checker.add(
            0, "", _("has no sheet named 产业链 (the sheets are: 产业链、节点、关联、上链企业)")
        )
        return None
    chains: dict[str, LocatedDict] = {}
    chain_lines = []
    for row, item in _rows(book, "产业链", checker):
        if "demo" in item:
            item["demo"] = _flag(item["demo"], row, "demo", checker)
        thresholds = {k: item.pop(k) for k in ("present", "strong") if k in item}
        if thresholds:
            item["thresholds"] = _dict(thresholds, row)
        located = _dict(item, row)
        located["nodes"] = _list([], [])
        located["links"] = _list([], [])
        located["enterprises"] = _list([], [])
        code = str(item.get("code", ""))
        if code in chains:
            first = chains[code].line
            checker.add(
                row,
                "code",
                _("chain %(code)s is listed twice (first at row %(row)s)")
                % {"code": code, "row": int(first)},
            )
            continue
        chains[code] = located
        chain_lines.append(row)

    def chain_of(row: Row, item: dict) -> LocatedDict | None:
        code = str(item.pop("chain", "") or "")
        if code not in chains:
            checker.add(
                row, "chain", _("names no chain of the sheet 产业链: %(code)s") % {"code": code}
            )
            return None
        return chains[code]

    nodes: dict[tuple[str, str], tuple[Row, LocatedDict, str]] = {}
    for row, item in _rows(book, "节点", checker):
        chain = chain_of(row, item)
        if chain is None:
            continue
        if "segment" in item:
            item["segment"] = SEGMENTS.get(str(item["segment"]), item["segment"])
        parent = str(item.pop("parent", "") or "")
        key = (str(chain.get("code")), str(item.get("code", "")))
        if key in nodes:
            checker.add(
                row,
                "code",
                _("node %(code)s is listed twice (first at row %(row)s)")
                % {"code": key[1], "row": int(nodes[key][0])},
            )
            continue
        nodes[key] = (row, _dict(item, row), parent)
    _nest(chains, nodes, checker)
    for sheet, target, fix in (
        ("关联", "links", lambda item: KINDS.get(str(item.get("kind", "")), item.get("kind"))),
        ("上链企业", "enterprises", None),
    ):
        for row, item in _rows(book, sheet, checker):
            chain = chain_of(row, item)
            if chain is None:
                continue
            if fix is not None and "kind" in item:
                item["kind"] = fix(item)
            if "leader" in item:
                item["leader"] = _flag(item["leader"], row, "leader", checker)
            chain[target].append(_dict(item, row))
            chain[target].item_lines.append(row)
    document = _dict({"format": "zoneplan-chains/1", "chains": None}, 0)
    document["chains"] = _list(list(chains.values()), chain_lines)
    return document


def _nest(chains, nodes, checker: Checker) -> None:
    """Put each node under its parent (children) or its chain (nodes), in row order."""
    placed: set[tuple[str, str]] = set()
    for (chain_code, code), (row, item, parent) in sorted(nodes.items(), key=lambda kv: kv[1][0]):
        if parent and (chain_code, parent) not in nodes:
            checker.add(
                row,
                "parent",
                _("names no node of chain %(chain)s: %(code)s")
                % {"chain": chain_code, "code": parent},
            )
            continue
        if parent:
            parent_item = nodes[(chain_code, parent)][1]
            children = parent_item.setdefault("children", _list([], []))
            children.append(item)
            children.item_lines.append(row)
        else:
            chains[chain_code]["nodes"].append(item)
            chains[chain_code]["nodes"].item_lines.append(row)
            placed.add((chain_code, code))
    # A node reached from no top node sits on a ring of parents.
    children_of: dict[tuple[str, str], list[str]] = {}
    for (chain_code, code), (_row, _item, parent) in nodes.items():
        if parent:
            children_of.setdefault((chain_code, parent), []).append(code)
    reached = set(placed)
    stack = list(placed)
    while stack:
        chain_code, code = stack.pop()
        for child in children_of.get((chain_code, code), []):
            if (chain_code, child) not in reached:
                reached.add((chain_code, child))
                stack.append((chain_code, child))
    for key, (row, _item, parent) in nodes.items():
        if key not in reached and (key[0], parent) in nodes:
            checker.add(
                row,
                "parent",
                _("node %(code)s is its own ancestor through 上级节点") % {"code": key[1]},
            )

"""Reading plan and scheme files: size and encoding limits, safe YAML with line numbers, and
an item reader that collects every problem with its file, line and key instead of stopping
at the first. The plan loader (plans.planfile) and the assessment's scheme loader share it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .yamlread import LocatedDict, LocatedList, YamlProblem, load

_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAX_PROBLEMS = 200


@dataclass
class Problem:
    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        sheet = getattr(self.line, "sheet", "")  # a row of a workbook's sheet (chains.chainbook)
        where = f"第 {self.line} 行，" if self.line else ""
        name = self.key
        if sheet:
            where = f"“{sheet}”表{where}"
            last = name.rsplit(".", 1)[-1]  # the column, under its header
            name = getattr(self.line, "headers", {}).get(last, last)
        key = f"{name}：" if name else ""
        return f"{self.file} {where}{key}{self.message}"


class FileProblems(Exception):
    """A refused file: its heading, then every problem (the first MAX_PROBLEMS of them) with
    its file, line and key. Plan, scheme and chain files each say it in their own words."""

    def __init__(self, problems: list[Problem], *, heading: str, more):
        self.problems = problems
        lines = [str(p) for p in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            lines.append(more(len(problems) - MAX_PROBLEMS))
        super().__init__(heading + "\n" + "\n".join(lines))


class PlanFileError(FileProblems):
    def __init__(self, problems: list[Problem]):
        super().__init__(
            problems,
            heading="计划文件有误，未写入任何数据：",
            more=lambda n: f"……另有 {n} 个问题",
        )


class ItemReader:
    """Reads one item (a mapping) of one list, collecting problems instead of stopping."""

    def __init__(self, checker: Checker, item, where: str, line: int):
        self.checker = checker
        self.item = item if isinstance(item, LocatedDict) else None
        self.where = where
        self.line = line
        self.ok = True
        if self.item is None:
            self.problem("", "应为一个映射（键: 值）")

    def problem(self, key: str, message: str, line: int | None = None) -> None:
        self.ok = False
        if line is None:
            line = self.item.line_of(key) if (self.item is not None and key) else self.line
        self.checker.add(line, f"{self.where}.{key}" if key else self.where, message)

    def allow_only(self, keys: set[str]) -> None:
        if self.item is None:
            return
        for key in self.item:
            if key not in keys:
                self.problem(str(key), f"未知的键（可用的键：{'、'.join(sorted(keys))}）")

    def _get(self, key: str, required: bool):
        if self.item is None:
            return None
        if key not in self.item or self.item[key] is None:
            if required:
                self.problem(key, "缺少必填项", self.item.line)
            return None
        return self.item[key]

    def text(self, key: str, *, required: bool = False, max_length: int = 300) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(key, "应为文字")
            return ""
        value = str(value).strip()
        if required and not value:
            self.problem(key, "不能为空")
        if len(value) > max_length:
            self.problem(key, f"过长（{len(value)} 字，最多 {max_length} 字）")
        return value

    def code(self, key: str = "code", *, required: bool = True) -> str:
        value = self.text(key, required=required, max_length=64)
        if value and not CODE.match(value):
            self.problem(key, f"代码 {value!r} 只能包含字母、数字、点、下划线和连字符")
            return ""
        return value

    def codes(self, key: str) -> list[str]:
        value = self._get(key, False)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, "应为代码列表")
            return []
        result = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, str | int):
                self.problem(key, "列表中的每一项应为代码")
                continue
            result.append(str(item).strip())
        return result

    def number(self, key: str, *, required: bool = False, minimum: Decimal | None = Decimal(0)):
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(key, f"应为数字，而不是 {value!r}")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.problem(key, f"应为数字，而不是 {value!r}")
            return None
        if not number.is_finite():
            self.problem(key, "应为有限的数字")
            return None
        if minimum is not None and number < minimum:
            self.problem(key, f"不能为负数（{value}）" if minimum == 0 else f"不能小于 {minimum}")
            return None
        return number

    def integer(self, key: str, *, required: bool = False) -> int | None:
        number = self.number(key, required=required)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.problem(key, "应为整数")
            return None
        return int(number)

    def boolean(self, key: str) -> bool:
        value = self._get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(key, "应为 true 或 false")
            return False
        return value

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        value = self._get(key, required)
        if value is None:
            return None
        match = _DATE.match(str(value).strip()) if isinstance(value, str) else None
        if not match:
            self.problem(key, f"日期 {value!r} 格式应为 YYYY-MM-DD")
            return None
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            self.problem(key, f"日期 {value} 不存在")
            return None

    def choice(self, key: str, choices, *, required: bool = False, default: str = "") -> str:
        value = self.text(key, required=required, max_length=40)
        if not value:
            return default
        allowed = [c.value for c in choices]
        if value not in allowed:
            self.problem(key, f"{value!r} 不是可选值（可选：{'、'.join(allowed)}）")
            return default
        return value


class Checker:
    def __init__(self):
        self.problems: list[Problem] = []
        self.file = ""

    def add(self, line: int, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, key, message))


def read_text(path: Path, checker: Checker, *, max_bytes: int) -> str | None:
    limit = max_bytes
    try:
        size = path.stat().st_size
    except OSError:
        checker.add(0, "", "文件不存在或无法读取")
        return None
    if size > limit:
        checker.add(0, "", f"文件过大（{size:,} 字节，上限 {limit:,} 字节）")
        return None
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        checker.add(raw[: exc.start].count(b"\n") + 1, "", "不是 UTF-8 编码的文本文件")
        return None


def read_document(
    path: Path, checker: Checker, *, max_bytes: int, first_keys: str
) -> LocatedDict | None:
    """The file's top-level mapping, or None with the problem noted (size, encoding, YAML)."""
    checker.file = path.name
    text = read_text(path, checker, max_bytes=max_bytes)
    if text is None:
        return None
    return parse_document(text, checker, first_keys=first_keys)


def parse_document(text: str, checker: Checker, *, first_keys: str) -> LocatedDict | None:
    try:
        doc = load(text)
    except YamlProblem as exc:
        checker.add(exc.line, "", exc.message)
        return None
    if not isinstance(doc, LocatedDict):
        checker.add(getattr(doc, "line", 1), "", f"文件顶层应为映射（{first_keys}等键）")
        return None
    return doc


__all__ = [
    "CODE",
    "Checker",
    "FileProblems",
    "ItemReader",
    "LocatedDict",
    "LocatedList",
    "PlanFileError",
    "Problem",
    "parse_document",
    "read_document",
    "read_text",
]

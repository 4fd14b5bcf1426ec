"""Validation rules: small expressions over a data set's indicators, read with Python's `ast`
and evaluated by walking only the nodes listed here — never `eval`. A rule names indicators
by code, compares with < <= > >= == !=, combines with and/or/not, does + - * /, and may ask
for `previous(code)`: the unit's value in its last approved earlier period (so "a cumulative
value never falls" is `output >= previous(output)`)."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation

MAX_LENGTH = 500

_COMPARE = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


class RuleError(ValueError):
    """A rule that cannot be read; the message is for the administrator writing it."""


class Missing(Exception):
    """A value the rule needs is not there: the rule is not applied (nothing to check yet)."""


def parse(expression: str, codes: set[str]) -> ast.Expression:
    """The rule's tree, or RuleError naming what is wrong."""
    if not expression.strip():
        raise RuleError("规则表达式不能为空")
    if len(expression) > MAX_LENGTH:
        raise RuleError(f"规则表达式不能超过 {MAX_LENGTH} 个字符")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise RuleError(f"规则表达式“{expression[:60]}”无法读取（请检查括号和运算符）") from None
    for node in ast.walk(tree):
        _check(node, codes)
    if not isinstance(tree.body, ast.Compare | ast.BoolOp) and not (
        isinstance(tree.body, ast.UnaryOp) and isinstance(tree.body.op, ast.Not)
    ):
        raise RuleError("规则须是一个判断（含 <、<=、>、>=、==、!= 或 and/or/not）")
    return tree


def _check(node: ast.AST, codes: set[str]) -> None:
    allowed = (
        ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.BinOp,
        ast.Compare, ast.Name, ast.Load, ast.Constant, ast.Call,
        *_COMPARE, *_ARITHMETIC,
    )  # fmt: skip
    if not isinstance(node, allowed):
        raise RuleError(f"规则中不能使用“{type(node).__name__}”")
    if isinstance(node, ast.Constant) and (
        isinstance(node.value, bool) or not isinstance(node.value, int | float)
    ):
        raise RuleError("规则中的常量只能是数字")
    if isinstance(node, ast.Call):
        if not (
            isinstance(node.func, ast.Name)
            and node.func.id == "previous"
            and len(node.args) == 1
            and not node.keywords
            and isinstance(node.args[0], ast.Name)
        ):
            raise RuleError("规则中只能调用 previous(指标代码)")
    if isinstance(node, ast.Name) and node.id != "previous" and node.id not in codes:
        raise RuleError(f"规则中的“{node.id}”不是本报表的指标代码")


def evaluate(
    tree: ast.Expression,
    values: dict[str, Decimal | None],
    previous: Callable[[str], Decimal | None],
) -> bool | None:
    """True when the data passes, False when it breaks the rule, None when a value it needs is
    missing (not applied)."""
    try:
        return bool(_value(tree.body, values, previous))
    except Missing:
        return None
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        return None


def _value(node: ast.AST, values, previous):
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        value = values.get(node.id)
        if value is None:
            raise Missing
        return value
    if isinstance(node, ast.Call):
        value = previous(node.args[0].id)
        if value is None:
            raise Missing
        return value
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, values, previous)
        return -operand if isinstance(node.op, ast.USub) else not operand
    if isinstance(node, ast.BinOp):
        return _ARITHMETIC[type(node.op)](
            _value(node.left, values, previous), _value(node.right, values, previous)
        )
    if isinstance(node, ast.BoolOp):
        results = [bool(_value(v, values, previous)) for v in node.values]
        return all(results) if isinstance(node.op, ast.And) else any(results)
    if isinstance(node, ast.Compare):
        left = _value(node.left, values, previous)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _value(comparator, values, previous)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    raise RuleError(f"规则中不能使用“{type(node).__name__}”")  # parse() lets none through

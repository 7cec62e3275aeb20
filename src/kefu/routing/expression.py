"""A small, safe expression language over attributes (pure).

    skills.data >= 2 and language == "en"
    vip_level >= 3 or category in ("complaint", "billing")

Parsed with `ast` into a whitelist — comparisons, and/or/not, constants, tuples/lists of
constants, names and `name.attr` look-ups — then compiled into closures; nothing is ever
passed to eval. A skill missing from an agent counts as level 0; a missing attribute is
None, which compares false with everything but `==`/`!=`.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kefu.routing.errors import InvalidExpression, UnknownSkill

Attrs = Mapping[str, Any]
Predicate = Callable[[Attrs], bool]

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_MAX_LENGTH = 500


@dataclass(frozen=True)
class Expression:
    text: str
    predicate: Predicate = field(repr=False, compare=False)
    names: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()

    def __call__(self, attrs: Attrs) -> bool:
        return self.predicate(attrs)


def _always(_attrs: Attrs) -> bool:
    return True


def compile_expression(
    text: str,
    *,
    names: Iterable[str] | None = None,
    skills: Iterable[str] | None = None,
    map_name: str = "skills",
) -> Expression:
    """Compiles `text`. `names` limits the top-level attributes (None: any); `skills` the
    keys allowed after `skills.` (None: any). Raises InvalidExpression / UnknownSkill."""
    text = (text or "").strip()
    if text in ("", "1", "true", "True", "*"):
        return Expression(text or "true", _always)
    if len(text) > _MAX_LENGTH:
        raise InvalidExpression(text[:40] + "…", f"超过 {_MAX_LENGTH} 个字符", f"longer than {_MAX_LENGTH} characters")
    source = text.replace(" && ", " and ").replace(" || ", " or ")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        raise InvalidExpression(text, "语法错误", "syntax error") from None
    allowed_names = None if names is None else frozenset(names)
    allowed_skills = None if skills is None else frozenset(skills)
    used_names: set[str] = set()
    used_skills: set[str] = set()

    def bad(node: ast.AST) -> InvalidExpression:
        snippet = ast.get_source_segment(source, node) or type(node).__name__
        return InvalidExpression(text, f"不支持“{snippet}”", f"{snippet!r} is not allowed")

    def constant(node: ast.expr) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool | None):
            return node.value
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return frozenset(constant(e) for e in node.elts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            value = node.operand.value
            if isinstance(value, int | float) and not isinstance(value, bool):
                return -value
        raise bad(node)

    def value(node: ast.expr) -> Callable[[Attrs], Any]:
        if isinstance(node, ast.Name):
            name = node.id
            if name in ("true", "false", "none", "null"):
                fixed = {"true": True, "false": False}.get(name)
                return lambda _a: fixed
            if allowed_names is not None and name not in allowed_names:
                raise InvalidExpression(
                    text, f"未知属性“{name}”，可用：{'、'.join(sorted(allowed_names))}",
                    f"unknown attribute {name!r}; use one of {', '.join(sorted(allowed_names))}",
                )
            used_names.add(name)
            return lambda a: a.get(name)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            outer, key = node.value.id, node.attr
            if outer == map_name:
                if allowed_skills is not None and key not in allowed_skills:
                    raise UnknownSkill(key, sorted(allowed_skills))
                used_skills.add(key)
                return lambda a: (a.get(outer) or {}).get(key, 0)
            if allowed_names is not None and outer not in allowed_names:
                raise bad(node)
            used_names.add(outer)
            return lambda a: (a.get(outer) or {}).get(key)
        fixed = constant(node)
        return lambda _a: fixed

    def predicate(node: ast.expr) -> Predicate:
        if isinstance(node, ast.BoolOp):
            parts = [predicate(v) for v in node.values]
            if isinstance(node.op, ast.And):
                return lambda a: all(p(a) for p in parts)
            return lambda a: any(p(a) for p in parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = predicate(node.operand)
            return lambda a: not inner(a)
        if isinstance(node, ast.Compare):
            terms = [value(node.left), *(value(c) for c in node.comparators)]
            ops = []
            for op in node.ops:
                fn = _COMPARE.get(type(op))
                if fn is None:
                    raise bad(node)
                ops.append(fn)

            def compare(a: Attrs) -> bool:
                left = terms[0](a)
                for fn, term in zip(ops, terms[1:], strict=True):
                    right = term(a)
                    try:
                        if not fn(left, right):
                            return False
                    except TypeError:  # None or mismatched types: not a match
                        return False
                    left = right
                return True

            return compare
        if isinstance(node, ast.Name | ast.Attribute):
            get = value(node)
            return lambda a: bool(get(a))
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            fixed = node.value
            return lambda _a: fixed
        raise bad(node)

    compiled = predicate(tree.body)
    return Expression(text, compiled, frozenset(used_names), frozenset(used_skills))

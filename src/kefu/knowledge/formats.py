"""Reading and writing articles as JSON, CSV and Markdown (pure; no session).

JSON: a list of article objects, {"articles": [...]}, or a plain
{"standard question": "answer", ...} object. CSV: one article per row with the columns
of CSV_COLUMNS; lists (phrasings, products) separated by "|". Markdown: one article per
"## standard question" heading, then "- key: value" lines, then the answer.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

CSV_COLUMNS = ("question", "answer", "phrasings", "category", "products", "visibility",
               "valid_from", "valid_to", "owner", "owner_contact")
LIST_FIELDS = ("phrasings", "products")
MD_KEYS = {
    "相似问法": "phrasings", "phrasings": "phrasings", "分类": "category", "category": "category",
    "产品": "products", "products": "products", "可见范围": "visibility", "visibility": "visibility",
    "生效时间": "valid_from", "valid_from": "valid_from", "失效时间": "valid_to", "valid_to": "valid_to",
    "负责人": "owner", "owner": "owner", "联系方式": "owner_contact", "owner_contact": "owner_contact",
}
MD_LABELS = {"phrasings": "相似问法", "category": "分类", "products": "产品", "visibility": "可见范围",
             "valid_from": "生效时间", "valid_to": "失效时间", "owner": "负责人", "owner_contact": "联系方式"}

Row = tuple[int, dict[str, Any]]


class FormatError(ValueError):
    """The file as a whole cannot be read (not a row problem)."""


def format_of(filename: str) -> str:
    name = filename.lower()
    for ext, kind in ((".json", "json"), (".csv", "csv"), (".md", "md"), (".markdown", "md")):
        if name.endswith(ext):
            return kind
    raise FormatError(f"unknown file type {filename!r}: use .json, .csv or .md")


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [p.strip() for p in str(value or "").split("|") if p.strip()]


def _blank_to_none(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if v == "" and k in ("valid_from", "valid_to") else v) for k, v in row.items()}


def parse(text: str, kind: str) -> list[Row]:
    """Rows numbered as a person finds them: list position for JSON, line for CSV/Markdown."""
    if kind == "json":
        return _parse_json(text)
    if kind == "csv":
        return _parse_csv(text)
    if kind == "md":
        return _parse_md(text)
    raise FormatError(f"unknown format {kind}")


def _parse_json(text: str) -> list[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, dict):
        return [(n, {"question": q, "answer": a}) for n, (q, a) in enumerate(data.items(), start=1)]
    if not isinstance(data, list):
        raise FormatError("JSON must be a list of articles or a {question: answer} object")
    rows: list[Row] = []
    for n, item in enumerate(data, start=1):
        rows.append((n, item if isinstance(item, dict) else {"_not_an_object": item}))
    return rows


def _parse_csv(text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or "question" not in reader.fieldnames or "answer" not in reader.fieldnames:
        raise FormatError("CSV needs a header row with at least the columns question and answer")
    rows: list[Row] = []
    for row in reader:
        clean = {k: (v or "").strip() for k, v in row.items() if k}
        for name in LIST_FIELDS:
            if name in clean:
                clean[name] = _split(clean[name])
        rows.append((reader.line_num, _blank_to_none({k: v for k, v in clean.items() if v != "" or k in
                                                      ("question", "answer")})))
    return rows


def _parse_md(text: str) -> list[Row]:
    rows: list[Row] = []
    current: dict[str, Any] | None = None
    answer: list[str] = []
    start = 0

    def close() -> None:
        if current is not None:
            current["answer"] = "\n".join(answer).strip()
            rows.append((start, current))

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            close()
            current, answer, start = {"question": line[3:].strip()}, [], number
            continue
        if current is None:
            continue  # a title or preface before the first article
        if not answer and line.startswith("- ") and ":" in line.replace("：", ":"):
            key, _, value = line[2:].replace("：", ":", 1).partition(":")
            field = MD_KEYS.get(key.strip())
            if field:
                value = value.strip()
                current[field] = _split(value) if field in LIST_FIELDS else (value or None)
                continue
        if answer or line.strip():
            answer.append(line)
    close()
    return rows


def _stringify(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def dump(articles: Iterable[dict[str, Any]], kind: str) -> str:
    items = list(articles)
    if kind == "json":
        return json.dumps(
            [{k: (_stringify(v) if hasattr(v, "isoformat") else v) for k, v in a.items()} for a in items],
            ensure_ascii=False, indent=2,
        ) + "\n"
    if kind == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for a in items:
            writer.writerow({k: _stringify(a.get(k)) for k in CSV_COLUMNS})
        return out.getvalue()
    if kind == "md":
        parts = ["# 知识库导出\n"]
        for a in items:
            lines = [f"## {a['question']}"]
            for key, label in MD_LABELS.items():
                value = _stringify(a.get(key))
                if value:
                    lines.append(f"- {label}: {value}")
            lines += ["", a["answer"].strip(), ""]
            parts.append("\n".join(lines))
        return "\n".join(parts)
    raise FormatError(f"unknown format {kind}")

"""Reading import files (pure: bytes in, rows and problems out; no session, no clock).

A file is CSV (UTF-8, comma- or tab-separated) or Excel .xlsx (first sheet). Line 1 is
the header; columns may be named in English or Chinese (see import_columns.py). Every
problem is reported with its line, field and a reason in Chinese and English, and the
caller writes nothing when there is any.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format


@dataclass(frozen=True)
class RowError:
    line: int  # 1 is the header; 0 means the file as a whole
    field: str
    zh: str
    en: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.zh, "message_en": self.en}


@dataclass
class Table:
    columns: list[str]
    records: list[tuple[int, list[str]]]  # (line number, cells)


@dataclass
class Parsed(Generic[T]):
    rows: list[T] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class FileProblem(Exception):
    """The file cannot be read at all; carries the one RowError that says why."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.en)
        self.error = error


def _file_error(zh: str, en: str, *, line: int = 0) -> FileProblem:
    return FileProblem(RowError(line, "", zh, en))


def decode(data: bytes, *, encoding: str | None = None) -> str:
    """UTF-8 text (a BOM is fine). Other encodings are named and refused unless given
    explicitly, so a GBK file never turns into mojibake in the database."""
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise _file_error(
                f"无法按 {encoding} 编码读取文件：{exc}", f"Cannot read the file as {encoding}: {exc}"
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_error(
            "文件是 UTF-16 编码（Excel 的“Unicode 文本”），请另存为“CSV UTF-8（逗号分隔）”",
            "The file is UTF-16 (Excel's 'Unicode Text'); save it as 'CSV UTF-8 (comma delimited)'",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            raise _file_error(
                f"文件不是 UTF-8 编码（第 {line} 行有无法识别的字节），请另存为“CSV UTF-8”",
                f"The file is not UTF-8 (undecodable bytes on line {line}); save it as 'CSV UTF-8'",
            ) from None
        raise _file_error(
            "文件是 GBK/GB18030 编码（中文 Windows 版 Excel 的默认 CSV），不是 UTF-8。"
            "请另存为“CSV UTF-8（逗号分隔）”，或导入时加上 --encoding gbk",
            "The file is GBK/GB18030 encoded (Chinese Excel's default CSV), not UTF-8. "
            "Save it as 'CSV UTF-8 (comma delimited)' or import with --encoding gbk",
        ) from None


def read_csv(text: str) -> Table:
    if "\x00" in text:
        raise _file_error("文件中含有空字符，不是有效的 CSV 文本", "The file contains NUL bytes; it is not CSV text")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    columns: list[str] | None = None
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _file_error(
                f"第 {start} 行 CSV 格式错误（{exc}），请检查引号是否成对",
                f"Malformed CSV on line {start} ({exc}); check that quotes are balanced",
                line=start,
            ) from None
        if columns is None:
            if not any(c.strip() for c in cells):
                continue
            columns = cells
            continue
        if any(c.strip() for c in cells):
            records.append((start, cells))
    if columns is None:
        raise _file_error("文件是空的，第一行应为列名", "The file is empty; line 1 must be the column names")
    return Table(columns=columns, records=records)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _file_error(
            f"无法打开 Excel 文件（{exc}），文件可能已损坏，请在 Excel 中重新保存为 .xlsx",
            f"Cannot open the Excel file ({exc}); it may be damaged, re-save it as .xlsx",
        ) from None
    try:
        sheet = book.worksheets[0]
        columns: list[str] | None = None
        records: list[tuple[int, list[str]]] = []
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not any(cells):
                continue
            if columns is None:
                columns = cells
                continue
            records.append((line, cells))
    finally:
        book.close()
    if columns is None:
        raise _file_error("工作表是空的，第一行应为列名", "The sheet is empty; line 1 must be the column names")
    while columns and not columns[-1]:
        columns.pop()
    width = len(columns)
    fitted = []
    for line, cells in records:
        # Empty trailing cells are Excel's formatting; anything written past the header is kept
        # so the width check reports it.
        while len(cells) > width and not cells[-1]:
            cells.pop()
        fitted.append((line, cells + [""] * (width - len(cells))))
    return Table(columns=columns, records=fitted)


def read_table(data: bytes, filename: str, *, encoding: str | None = None) -> Table:
    """The header and data rows of a CSV or .xlsx file; raises FileProblem."""
    name = filename.lower()
    if data.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise _file_error(
            "不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx 或“CSV UTF-8”",
            "The old .xls format is not supported; save it as .xlsx or 'CSV UTF-8' in Excel",
        )
    if name.endswith((".xlsx", ".xlsm")) or data.startswith(XLSX_MAGIC):
        return read_xlsx(data)
    return read_csv(decode(data, encoding=encoding))


@dataclass(frozen=True)
class Column:
    name: str  # canonical English name
    aliases: tuple[str, ...]  # other accepted header texts (Chinese)
    required: bool
    parse: Callable[[str], Any]  # raises ValueError((zh, en)) on a bad value
    label_zh: str


def bad(zh: str, en: str) -> ValueError:
    return ValueError(zh, en)


def map_header(table: Table, columns: tuple[Column, ...]) -> tuple[dict[str, int], list[RowError]]:
    """Column name → position in the file, and the header's problems."""
    by_header = {alias.lower(): column for column in columns for alias in (column.name, *column.aliases)}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    errors: list[RowError] = []
    for index, header in enumerate(table.columns):
        key = header.strip().lstrip("\ufeff").lower()
        column = by_header.get(key)
        if not key:
            continue
        if column is None:
            unknown.append(header)
        elif column.name in positions:
            errors.append(RowError(1, header, f"列“{header}”重复出现", f"Column '{header}' appears twice"))
        else:
            positions[column.name] = index
    required = [c for c in columns if c.required]
    if len(unknown) > len(positions):
        names = ", ".join(c.name for c in required)
        found = ", ".join(h.strip() for h in table.columns if h.strip())
        return positions, [
            RowError(
                1,
                "",
                f"列名与此类导入文件不符（是否选错了文件或导入类型？）。必填列：{names}；文件中的列：{found}",
                f"The columns do not fit this kind of import (wrong file or kind?). Required: {names}; found: {found}",
            )
        ]
    known = ", ".join(c.name for c in columns)
    errors += [
        RowError(1, header, f"未知的列名“{header}”，可用的列：{known}", f"Unknown column '{header}'; known columns: {known}")
        for header in unknown
    ]
    errors += [
        RowError(1, c.name, f"缺少必填列“{c.name}”（{c.label_zh}）", f"Missing required column '{c.name}'")
        for c in required
        if c.name not in positions
    ]
    return positions, errors


def rows_of(
    table: Table, columns: tuple[Column, ...], build: Callable[[int, dict[str, Any]], T]
) -> Parsed[T]:
    """Maps the header onto `columns`, parses every cell, builds a row object per line.

    `build` may raise ValueError((zh, en), field) for a rule spanning several fields.
    """
    positions, header_errors = map_header(table, columns)
    parsed: Parsed[T] = Parsed(errors=header_errors)
    if parsed.errors:
        return parsed
    width = len(table.columns)
    for line, cells in table.records:
        if len(cells) != width:
            parsed.errors.append(
                RowError(
                    line,
                    "",
                    f"该行有 {len(cells)} 个字段，应为 {width} 个（是否有未加引号的逗号？）",
                    f"The line has {len(cells)} fields, expected {width} (an unquoted comma?)",
                )
            )
            continue
        values: dict[str, Any] = {}
        ok = True
        for column in columns:
            raw = cells[positions[column.name]].strip() if column.name in positions else ""
            if not raw:
                if column.required:
                    parsed.errors.append(
                        RowError(line, column.name, f"{column.label_zh}不能为空", f"{column.name} is required")
                    )
                    ok = False
                values[column.name] = None
                continue
            try:
                values[column.name] = column.parse(raw)
            except ValueError as exc:
                zh, en = exc.args[0], exc.args[1] if len(exc.args) > 1 else exc.args[0]
                parsed.errors.append(RowError(line, column.name, f"{column.label_zh}：{zh}", f"{column.name}: {en}"))
                ok = False
        if not ok:
            continue
        try:
            parsed.rows.append(build(line, values))
        except ValueError as exc:
            (zh, en), field_name = exc.args
            parsed.errors.append(RowError(line, field_name, zh, en))
    return parsed


def iter_errors(*groups: list[RowError]) -> Iterator[dict[str, Any]]:
    for group in groups:
        for error in sorted(group, key=lambda e: (e.line, e.field)):
            yield error.to_dict()

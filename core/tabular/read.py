"""Opening an uploaded spreadsheet safely: xlsx through python-calamine, or CSV.

Hostile files are refused before they cost memory: a file over the size limit, something that
is not an xlsx or CSV, a password-protected workbook, a zip bomb (judged from the zip's
directory before anything is inflated), or more rows than the limit (judged from the sheet's
dimensions before its cells are loaded).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from python_calamine import CalamineError, CalamineWorkbook

from . import collector

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
MAX_UNCOMPRESSED_RATIO = 200  # xlsx compresses text well, but not 200-fold
MAX_ZIP_MEMBERS = 10_000


class UploadError(Exception):
    """The file as a whole cannot be read; `str(error)` is the message for the officer."""


@dataclass
class Table:
    rows: list[list]  # cells as read; rows[0] is the sheet's first row (Excel row 1)
    kind: str  # "xlsx" or "csv"
    sheet: str = ""


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def read_table(data: bytes, filename: str, *, max_bytes: int, max_rows: int) -> Table:
    if not data:
        raise UploadError("文件是空的")
    if len(data) > max_bytes:
        raise UploadError(f"文件过大（{_mb(len(data))}，上限 {_mb(max_bytes)}）")
    if data.startswith(OLE2_MAGIC):
        if ENCRYPTED_STREAM in data:
            raise UploadError("文件设有密码，无法读取：请在 Excel 中取消密码后另存为 .xlsx 再上传")
        raise UploadError("这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 后再上传")
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, max_bytes=max_bytes, max_rows=max_rows)
    if filename.lower().endswith((".csv", ".txt")):
        return _read_csv(data, max_rows=max_rows)
    raise UploadError("不是 Excel（.xlsx）或 CSV 文件，请用下载的模板填写后上传")


def open_workbook(data: bytes, *, max_bytes: int) -> CalamineWorkbook:
    """An .xlsx workbook opened safely (a size limit, no zip bomb, no password), or
    UploadError saying why not."""
    if not data:
        raise UploadError("文件是空的")
    if len(data) > max_bytes:
        raise UploadError(f"文件过大（{_mb(len(data))}，上限 {_mb(max_bytes)}）")
    if data.startswith(OLE2_MAGIC):
        raise UploadError("这是旧版 Excel（.xls）或设有密码的文件：请另存为 .xlsx")
    if not data.startswith(XLSX_MAGIC):
        raise UploadError("不是 Excel（.xlsx）文件")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise UploadError("文件已损坏，或不是有效的 Excel（.xlsx）文件") from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise UploadError("不是有效的 Excel（.xlsx）文件（可能是其他压缩包或 Word 文档）")
    inflated = sum(m.file_size for m in members)
    limit = max(max_bytes * 20, len(data) * MAX_UNCOMPRESSED_RATIO)
    if len(members) > MAX_ZIP_MEMBERS or inflated > min(limit, max_bytes * 50):
        raise UploadError(f"文件解压后过大（{_mb(inflated)}），已拒绝（疑似压缩炸弹）")
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except CalamineError as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise UploadError("文件设有密码，无法读取：请取消密码后再上传") from None
        raise UploadError("文件已损坏，无法读取其中的工作表") from None


def _read_xlsx(data: bytes, *, max_bytes: int, max_rows: int) -> Table:
    workbook = open_workbook(data, max_bytes=max_bytes)
    try:
        visible = [m for m in workbook.sheets_metadata if str(m.visible).endswith("Visible")]
        name = (visible or workbook.sheets_metadata)[0].name
        sheet = workbook.get_sheet_by_name(name)
    except CalamineError as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise UploadError("文件设有密码，无法读取：请取消密码后再上传") from None
        raise UploadError("文件已损坏，无法读取其中的工作表") from None
    except (IndexError, ValueError):
        raise UploadError("文件中没有工作表") from None
    if sheet.total_height > max_rows + 50:
        raise UploadError(
            f"行数过多（{sheet.total_height:,} 行，上限 {max_rows:,} 行）：请分批上传"
        )
    with collector.paused():
        rows = sheet.to_python(skip_empty_area=False)
    return Table(rows=rows, kind="xlsx", sheet=name)


def _read_csv(data: bytes, *, max_rows: int) -> Table:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UploadError("无法识别 CSV 文件的编码（应为 UTF-8 或 GBK）")
    if "\x00" in text:
        raise UploadError("不是文本格式的 CSV 文件")
    if text.count("\n") > max_rows + 50:
        raise UploadError(f"行数过多（上限 {max_rows:,} 行）：请分批上传")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        with collector.paused():
            rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise UploadError(f"CSV 格式有误：{exc}") from None
    return Table(rows=rows, kind="csv")

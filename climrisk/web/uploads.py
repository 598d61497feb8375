"""Receive a multipart upload as it streams in: size and row limits, generated file names only.

The client's file name is used for display and to pick the reader (its extension, from a fixed
list); it is never part of a path on disk. Limits are enforced chunk by chunk, so an upload over
the limit is refused before it is stored whole.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.multipart import MultipartParser, parse_options_header

from climrisk.io.suffixes import SINGLE_FILE_ASSET_SUFFIXES
from climrisk.web.safety import display_name

__all__ = [
    "ASSET_SUFFIXES",
    "RUN_FILE_SUFFIXES",
    "ReceivedFile",
    "ReceivedForm",
    "UploadRejected",
    "asset_suffix",
    "count_rows",
    "receive_form",
]

# client extension -> stored extension (the reader dispatches on it)
ASSET_SUFFIXES: dict[str, str] = SINGLE_FILE_ASSET_SUFFIXES
RUN_FILE_SUFFIXES: dict[str, str] = {".toml": ".toml"}
_TEXT_SUFFIXES = {".csv", ".tsv"}
_MAX_FIELD_BYTES = 64 * 1024
_MAX_FIELDS = 100
_MAX_RUN_FILE_BYTES = 1024 * 1024
_FORM_SLACK_BYTES = 2 * 1024 * 1024  # multipart headers, options and the run file


class UploadRejected(Exception):  # noqa: N818 (a refusal, not a bug)
    """An upload refused before validation (limit, type or form problem), with an HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class ReceivedFile:
    """One stored file part."""

    field: str
    filename: str
    path: Path
    size_bytes: int = 0
    lines: int = 0


@dataclass
class ReceivedForm:
    """The form fields (text) and the stored files of one multipart request."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, ReceivedFile] = field(default_factory=dict)

    def first(self, name: str, default: str | None = None) -> str | None:
        """The first value of a field, or ``default``."""
        values = self.fields.get(name)
        return values[0] if values else default

    def discard(self) -> None:
        """Delete every stored file."""
        for item in self.files.values():
            item.path.unlink(missing_ok=True)


def asset_suffix(filename: str) -> str | None:
    """The stored extension for a client file name, or ``None`` when the type is not accepted."""
    return ASSET_SUFFIXES.get(Path(filename).suffix.lower())


def _limit_text(limit: int) -> str:
    mib = limit / (1024 * 1024)
    return f"{mib:.0f} MB" if mib >= 1 else f"{limit:,} bytes"


class _Receiver:
    """Callbacks for :class:`python_multipart.MultipartParser` that store parts with limits."""

    def __init__(
        self,
        folder: Path,
        file_fields: dict[str, tuple[str, dict[str, str]]],
        max_bytes: int,
        max_rows: int,
    ) -> None:
        self.folder = folder
        self.file_fields = file_fields
        self.max_bytes = max_bytes
        self.max_rows = max_rows
        self.form = ReceivedForm()
        self.error: UploadRejected | None = None
        self._headers: dict[bytes, bytes] = {}
        self._header_field = b""
        self._header_value = b""
        self._name: str | None = None
        self._file: ReceivedFile | None = None
        self._handle: IO[bytes] | None = None
        self._limit = 0
        self._text = False
        self._last = b"\n"
        self._data = bytearray()
        self._skip = False

    def _reject(self, status: int, message: str) -> None:
        if self.error is None:
            self.error = UploadRejected(status, message)
        self._close()

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def on_part_begin(self) -> None:
        self._headers = {}
        self._name = None
        self._file = None
        self._data = bytearray()
        self._skip = False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field = b""
        self._header_value = b""

    def on_headers_finished(self) -> None:
        if self.error is not None:
            return
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        self._name = name
        filename_raw = options.get(b"filename")
        if filename_raw is None:
            if sum(len(v) for v in self.form.fields.values()) >= _MAX_FIELDS:
                self._reject(413, "too many form fields")
            return
        filename = filename_raw.decode("utf-8", "replace")
        if name not in self.file_fields or not filename or name in self.form.files:
            self._skip = True  # unknown file field, an empty file input, or a repeated part
            return
        stem, suffixes = self.file_fields[name]
        suffix = suffixes.get(Path(filename).suffix.lower())
        if suffix is None:
            accepted = ", ".join(sorted(set(suffixes)))
            self._reject(
                415,
                f"{display_name(filename)}: this file type is not accepted; use one of {accepted}",
            )
            return
        self._file = ReceivedFile(name, display_name(filename), self.folder / f"{stem}{suffix}")
        self._limit = self.max_bytes if name == "file" else _MAX_RUN_FILE_BYTES
        self._text = suffix in _TEXT_SUFFIXES
        self._last = b"\n"
        self._handle = self._file.path.open("wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.error is not None or self._skip:
            return
        chunk = data[start:end]
        if self._file is None:
            self._data += chunk
            if len(self._data) > _MAX_FIELD_BYTES:
                self._reject(413, f"the form field '{self._name}' is too long")
            return
        item = self._file
        item.size_bytes += len(chunk)
        if item.size_bytes > self._limit:
            self._reject(
                413,
                f"{item.filename} is larger than the upload limit of {_limit_text(self._limit)}",
            )
            return
        if self._text and chunk:
            item.lines += chunk.count(b"\n")
            self._last = chunk[-1:]
            if item.lines > self.max_rows + 1:
                self._reject(
                    413,
                    f"{item.filename} has more than {self.max_rows:,} rows, the limit of this "
                    "server; split the portfolio into smaller files",
                )
                return
        assert self._handle is not None  # noqa: S101 (opened in on_headers_finished)
        self._handle.write(chunk)

    def on_part_end(self) -> None:
        if self.error is not None or self._skip:
            return
        if self._file is not None:
            self._close()
            if self._text and self._last != b"\n" and self._file.size_bytes:
                self._file.lines += 1
            self.form.files[self._file.field] = self._file
            self._file = None
        elif self._name is not None:
            value = bytes(self._data).decode("utf-8", "replace")
            self.form.fields.setdefault(self._name, []).append(value)


async def receive_form(
    content_type: str | None,
    content_length: str | None,
    stream: AsyncIterator[bytes],
    folder: Path,
    *,
    file_fields: dict[str, tuple[str, dict[str, str]]],
    max_bytes: int,
    max_rows: int,
) -> ReceivedForm:
    """Read a ``multipart/form-data`` body, storing file parts under generated names in ``folder``.

    Parameters
    ----------
    content_type, content_length
        The request's headers.
    stream
        The request body, chunk by chunk.
    folder
        Where file parts are stored (created; the caller owns it).
    file_fields
        Accepted file fields: field name -> (stored stem, accepted client extensions mapped to
        stored extensions). Other file parts are read and dropped.
    max_bytes
        Largest asset file [bytes].
    max_rows
        Most data rows of a text asset file (counted as lines while streaming).

    Raises
    ------
    UploadRejected
        On a limit, a refused file type or a malformed body; nothing is left on disk.
    """
    media, params = parse_options_header(content_type or "")
    if media != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRejected(415, "send the file as multipart/form-data (a file upload form)")
    with contextlib.suppress(ValueError, TypeError):
        if content_length is not None and int(content_length) > max_bytes + _FORM_SLACK_BYTES:
            raise UploadRejected(
                413, f"the upload is larger than the limit of {_limit_text(max_bytes)}"
            )
    folder.mkdir(parents=True, exist_ok=True)
    receiver = _Receiver(folder, file_fields, max_bytes, max_rows)
    parser = MultipartParser(
        params[b"boundary"],
        {
            "on_part_begin": receiver.on_part_begin,
            "on_part_data": receiver.on_part_data,
            "on_part_end": receiver.on_part_end,
            "on_header_field": receiver.on_header_field,
            "on_header_value": receiver.on_header_value,
            "on_header_end": receiver.on_header_end,
            "on_headers_finished": receiver.on_headers_finished,
        },
    )
    total = 0
    try:
        async for chunk in stream:
            total += len(chunk)
            if total > max_bytes + _FORM_SLACK_BYTES:
                receiver._reject(
                    413, f"the upload is larger than the limit of {_limit_text(max_bytes)}"
                )
            if receiver.error is None:
                parser.write(chunk)
            if receiver.error is not None:
                break
        if receiver.error is None:
            parser.finalize()
    except UploadRejected:
        raise
    except Exception:
        receiver._reject(400, "the upload could not be read as a multipart form")
    finally:
        receiver._close()
    if receiver.error is not None:
        receiver.form.discard()
        if receiver._file is not None:
            receiver._file.path.unlink(missing_ok=True)
        raise receiver.error
    return receiver.form


def count_rows(path: Path) -> int | None:
    """Data rows of a binary asset file from its metadata (Parquet, XLSX), without reading it."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True)
            try:
                rows = book.worksheets[0].max_row if book.worksheets else None
            finally:
                book.close()
            return None if rows is None else max(int(rows) - 1, 0)
    except Exception:  # unreadable: the validator reports it with the reader's message
        return None
    return None

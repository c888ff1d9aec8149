"""A multipart upload streamed to a temporary file as it arrives: the file part is never held in
memory (the framework's own form parsing reads the whole body first). Text parts (the options)
are small and kept."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from litestar.exceptions import ClientException, HTTPException
from multipart import MultipartSegment, ParserError, PushMultipartParser, parse_options_header

_TEXT_LIMIT = 1024


@dataclass
class Upload:
    path: Path | None = None
    file_name: str = "upload"
    fields: dict[str, str] = field(default_factory=dict)


async def receive_upload(content_type: str, chunks: AsyncIterator[bytes], *, file_field: str,
                         max_bytes: int) -> Upload:
    """The parts of a ``multipart/form-data`` body: the part ``file_field`` written to a temporary
    file (its path in ``Upload.path``; the caller removes it), the others as text. 400 for a body
    that is not multipart, 413 beyond ``max_bytes``."""
    kind, options = parse_options_header(content_type or "")
    if kind != "multipart/form-data" or not options.get("boundary"):
        raise ClientException("send the file as multipart/form-data")
    upload, received, segment, out, text = Upload(), 0, None, None, bytearray()
    try:
        with PushMultipartParser(options["boundary"], max_segment_count=32) as parser:
            async for chunk in chunks:
                received += len(chunk)
                if received > max_bytes:
                    raise HTTPException(status_code=413, detail=f"the upload is larger than {max_bytes} bytes")
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        segment, text = event, bytearray()
                        if segment.name == file_field and upload.path is None:
                            handle, name = tempfile.mkstemp(prefix="leadline-import-")
                            out, upload.path = os.fdopen(handle, "wb"), Path(name)
                            upload.file_name = Path(segment.filename or "upload").name
                    elif event is None:
                        if out is not None:
                            out.close()
                            out = None
                        elif segment is not None and segment.name:
                            upload.fields[segment.name] = text.decode("utf-8", errors="replace")
                        segment = None
                    elif out is not None:
                        out.write(event)
                    elif len(text) + len(event) > _TEXT_LIMIT:
                        raise ClientException(f"the form field {segment.name if segment else ''!r} is too long")
                    else:
                        text += event
    except ParserError as error:
        _discard(upload, out)
        raise ClientException(f"the multipart body is malformed: {error}") from None
    except BaseException:
        _discard(upload, out)
        raise
    if upload.path is None:
        raise ClientException(f"no {file_field!r} part: send the file in it")
    return upload


def _discard(upload: Upload, out: object) -> None:
    if out is not None:
        out.close()  # type: ignore[attr-defined]
    if upload.path is not None:
        upload.path.unlink(missing_ok=True)
        upload.path = None

"""The duplicate-group job's blocks, gathered through temporary files so that memory stays flat.

A block is the records of one kind sharing one blocking key (``blocking_keys``). To gather them
without holding every record, each record read is written, once per key, to one of ``BUCKETS``
temporary files chosen by the key's CRC-32 (so every record of a key lands in the same file, in
the order read), as ``marshal``-ed chunks of ``(key, packed candidate)`` written every ``CHUNK``
records. Each file is then read back alone: its keys are grouped in a dict, and each key with
two or more records is a block. Memory is one file's entries (about 1/``BUCKETS`` of the keys)
and ``CHUNK`` records' entries waiting to be written, whatever the number of records; the files
take about 200 bytes a key on disk and are removed at the end
(docs/adr/0059-duplicate-job-streams-its-blocks.md).
"""

from __future__ import annotations

import marshal
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from typing import IO

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.groups import blocking_keys
from leadline.domain.duplicates.matching import Candidate, PackedCandidate
from leadline.domain.duplicates.rules import MatchKind

#: temporary files the keys are spread over; one file's keys are in memory at a time
BUCKETS = 128
#: records read between two writes of the files' buffers (each file's entries as one chunk)
CHUNK = 5_000

_Entry = tuple[str, PackedCandidate]


def gathered_blocks(kind: RecordType, candidates: Iterable[Candidate],
                    matches: Sequence[MatchKind]) -> Iterator[list[Candidate]]:
    """The blocks of two or more ``candidates`` (all of ``kind``) by the keys of ``matches``, one
    list each, its records in the order read. The order of the blocks is fixed by the keys
    alone. Temporary files are removed when the iterator ends or is closed."""
    with ExitStack() as stack:
        files = [stack.enter_context(tempfile.TemporaryFile(prefix="leadline-duplicates-")) for _ in range(BUCKETS)]
        pending: list[list[_Entry]] = [[] for _ in range(BUCKETS)]
        for count, candidate in enumerate(candidates, 1):
            packed = candidate.packed()
            for key in blocking_keys(candidate, matches):
                pending[zlib.crc32(key.encode("utf-8", "surrogatepass")) % BUCKETS].append((key, packed))
            if count % CHUNK == 0:
                _write_chunks(files, pending)
        _write_chunks(files, pending)
        for file in files:
            yield from _blocks_in(kind, file)
            file.close()  # its disk space back before the next file is read


def _write_chunks(files: Sequence[IO[bytes]], pending: Sequence[list[_Entry]]) -> None:
    for file, entries in zip(files, pending, strict=True):
        if entries:
            data = marshal.dumps(entries)
            file.write(len(data).to_bytes(4, "little"))
            file.write(data)
            entries.clear()


def _blocks_in(kind: RecordType, file: IO[bytes]) -> Iterator[list[Candidate]]:
    file.seek(0)
    blocks: dict[str, list[PackedCandidate]] = {}
    while header := file.read(4):
        for key, packed in marshal.loads(file.read(int.from_bytes(header, "little"))):
            members = blocks.get(key)
            if members is None:
                blocks[key] = [packed]
            else:
                members.append(packed)
    for members in blocks.values():
        if len(members) > 1:
            yield [Candidate.unpacked(kind, packed) for packed in members]

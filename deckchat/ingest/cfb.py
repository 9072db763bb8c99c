"""Just enough of a Compound File Binary (OLE) reader to list the root's streams and peek at one.

Office stores binary PowerPoint (.ppt) and password-protected PPTX/DOCX in this container; the
streams at its root say which it is. Every chain walk is bounded, since the file may be hostile.
"""

from __future__ import annotations

import struct
from typing import BinaryIO, NamedTuple

_MAX_DIRECTORY_SECTORS = 4096  # 16k entries; real decks have dozens


class Entry(NamedTuple):
    name: str
    left: int
    right: int
    child: int
    start: int
    size: int


class Cfb:
    """Just enough of a Compound File Binary reader to list the root's streams and peek at one."""

    def __init__(self, fp: BinaryIO, size: int) -> None:
        fp.seek(0)
        header = fp.read(512)
        shift, count_fat, self.first_dir = struct.unpack_from("<H12xII", header, 30)
        self.cutoff, _, _, next_difat, count_difat = struct.unpack_from("<5I", header, 56)
        if header[28:30] != b"\xfe\xff" or shift not in (9, 12):
            raise ValueError("not a compound file")
        self.fp, self.sector_size = fp, 1 << shift
        self.sectors = (size - 1) // self.sector_size  # the header fills sector "-1"; the last may be short
        per = self.sector_size // 4
        needed = min(count_fat, self.sectors // per + 1)  # a header may claim more than the file holds
        fat = list(struct.unpack_from("<109I", header, 76))
        for _ in range(count_difat):  # FAT sectors beyond the first 109 are listed in a DIFAT chain
            if len(fat) >= needed:
                break
            ids = struct.unpack(f"<{per}I", self._sector(next_difat))
            fat.extend(ids[:-1])
            next_difat = ids[-1]
        self.fat = fat[:needed]

    def root_streams(self) -> dict[str, Entry]:
        entries = self._directory()
        self.root = entries[0]
        found: dict[str, Entry] = {}
        todo, seen = [entries[0].child], set()
        while todo:  # the root's children form a tree linked by left and right siblings
            at = todo.pop()
            if at < len(entries) and at not in seen:
                seen.add(at)
                found[entries[at].name] = entries[at]
                todo += [entries[at].left, entries[at].right]
        return found

    def read_start(self, entry: Entry | None) -> bytes:
        """The first 64 bytes of a stream; small ones live in the mini stream, in the root's chain."""
        if entry is None:
            return b""
        if entry.size >= self.cutoff:
            return self._sector(entry.start)[:64]
        offset = entry.start * 64
        if offset // self.sector_size > self.sectors:
            raise ValueError("mini stream offset outside the file")
        sector = self.root.start
        for _ in range(offset // self.sector_size):
            sector = self._next(sector)
        start = offset % self.sector_size
        return self._sector(sector)[start : start + 64]

    def _directory(self) -> list[Entry]:
        entries = []
        sector = self.first_dir
        for _ in range(min(self.sectors, _MAX_DIRECTORY_SECTORS)):
            data = self._sector(sector)
            for at in range(0, self.sector_size, 128):
                name_len, left, right, child = struct.unpack_from("<H2xIII", data, at + 64)
                start, size = struct.unpack_from("<II", data, at + 116)
                name = data[at : at + min(max(name_len - 2, 0), 62)].decode("utf-16-le", "replace")
                entries.append(Entry(name, left, right, child, start, size))
            sector = self._next(sector)
            if sector >= self.sectors:
                return entries
        raise ValueError("directory chain loops or is absurdly long")

    def _next(self, sector: int) -> int:
        per = self.sector_size // 4
        if sector // per >= len(self.fat):
            raise ValueError("sector outside the FAT")
        fat_sector = self._sector(self.fat[sector // per])
        (following,) = struct.unpack_from("<I", fat_sector, (sector % per) * 4)
        return int(following)

    def _sector(self, sector: int) -> bytes:
        if sector >= self.sectors:
            raise ValueError("sector outside the file")
        self.fp.seek((sector + 1) * self.sector_size)
        return self.fp.read(self.sector_size).ljust(self.sector_size, b"\x00")

"""The compound-file reader sniffing uses: the root's streams, the start of each, and hostile chains."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from deckchat.ingest.cfb import Cfb
from tests.ingest import hostile


def opened(path: Path) -> Cfb:
    data = path.read_bytes()
    return Cfb(io.BytesIO(data), len(data))


def test_lists_the_root_streams_and_reads_the_start_of_small_and_big_ones(tmp_path: Path) -> None:
    small = b"current user " + bytes(range(60))
    big = b"document " + bytes(range(256)) * 20  # over the 4096-byte cutoff: its own sectors
    cfb = opened(hostile.write_cfb(tmp_path / "x.ppt", {"Current User": small, "PowerPoint Document": big}))

    streams = cfb.root_streams()

    assert set(streams) == {"Current User", "PowerPoint Document"}
    assert (streams["Current User"].size, streams["PowerPoint Document"].size) == (len(small), len(big))
    assert cfb.read_start(streams["Current User"]) == small[:64]  # from the mini stream
    assert cfb.read_start(streams["PowerPoint Document"]) == big[:64]
    assert cfb.read_start(None) == b""


def test_a_file_that_is_not_a_compound_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.ppt"
    path.write_bytes(bytes(1024))
    with pytest.raises(ValueError, match="not a compound file"):
        opened(path)


def test_a_directory_past_the_end_of_the_file_is_refused(tmp_path: Path) -> None:
    path = hostile.ole_ppt(tmp_path)
    data = bytearray(path.read_bytes())
    data[48:52] = struct.pack("<I", 10_000)  # the directory's first sector
    path.write_bytes(data)
    with pytest.raises(ValueError, match="outside the file"):
        opened(path).root_streams()


def test_a_directory_chain_that_loops_is_refused(tmp_path: Path) -> None:
    path = hostile.ole_ppt(tmp_path)
    data = bytearray(path.read_bytes())
    directory = struct.unpack_from("<I", data, 48)[0]
    fat = struct.unpack_from("<I", data, 76)[0]  # the first FAT sector
    struct.pack_into("<I", data, (fat + 1) * 512 + directory * 4, directory)  # the directory links to itself
    path.write_bytes(data)
    with pytest.raises(ValueError, match="loops"):
        opened(path).root_streams()

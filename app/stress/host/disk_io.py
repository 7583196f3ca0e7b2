"""Block I/O for the disk test: files opened to bypass the page cache, aligned buffers, checked blocks.

Linux: O_DIRECT, which needs buffer, offset and length aligned to the device's logical block;
page-aligned mmap buffers and 4 KiB multiples satisfy that. Windows: FILE_FLAG_NO_BUFFERING, with
the same alignment rules. A filesystem that refuses (tmpfs) gets an ordinary file, and the caller
says the page cache was not bypassed.

Every 4 KiB block written carries its own byte offset and a CRC-32 of its payload, so a read that
returns another block's data, stale data or flipped bits is recognised as an error.
"""

from __future__ import annotations

import errno
import mmap
import os
import random
import struct
import sys
import zlib
from dataclasses import dataclass

BLOCK = 4096  # the unit that carries an offset and a CRC; also the random-read size
IO_SIZE = 1 << 20  # sequential reads and writes, 1 MiB at a time
_HEADER = struct.Struct("<QI")  # offset (u64), CRC-32 of the payload (u32)
PAYLOAD = BLOCK - 16


def aligned_buffer(size: int) -> mmap.mmap:
    """A page-aligned, zero-filled buffer (anonymous mmap) that O_DIRECT accepts."""
    return mmap.mmap(-1, size)


@dataclass
class RawFile:
    """A file descriptor opened for direct I/O where the filesystem allows it."""

    fd: int
    direct: bool

    def write_at(self, buffer: mmap.mmap, offset: int) -> None:
        """Write all of `buffer` at `offset`; a short write goes on with the rest, so a filling disk
        ends in ENOSPC (which the caller recognises) rather than an unexplained short write."""
        with memoryview(buffer) as view:
            done = 0
            while done < len(view):
                written = os.pwrite(self.fd, view[done:], offset + done)
                if written <= 0:
                    raise OSError(errno.ENOSPC, f"no byte written at {offset + done}")
                done += written

    def read_at(self, buffer: mmap.mmap, offset: int) -> int:
        return os.preadv(self.fd, [buffer], offset)

    def sync(self) -> None:
        os.fsync(self.fd)

    def close(self) -> None:
        os.close(self.fd)


def open_direct(path: str, create: bool) -> tuple[RawFile, str | None]:
    """Open `path` bypassing the page cache; falls back to a cached file and says why."""
    flags = os.O_RDWR | (os.O_CREAT if create else 0)
    if sys.platform == "win32":  # pragma: no cover - written for Windows, not testable here
        return _WindowsFile(_open_windows_unbuffered(path, create), True), None
    direct_flag = getattr(os, "O_DIRECT", 0)
    if direct_flag:
        try:
            return RawFile(os.open(path, flags | direct_flag, 0o600), True), None
        except OSError as error:
            reason = f"the filesystem refuses O_DIRECT ({error.strerror})"
    else:
        reason = "this system has no O_DIRECT"
    return RawFile(os.open(path, flags, 0o600), False), reason


def _open_windows_unbuffered(path: str, create: bool) -> int:  # pragma: no cover - Windows only
    """CreateFileW with FILE_FLAG_NO_BUFFERING | FILE_FLAG_WRITE_THROUGH, as a C runtime descriptor.

    Written for Windows and not tested here (no Windows machine): the same alignment rules as
    O_DIRECT apply, which the page-aligned mmap buffers and 4 KiB multiples meet.
    """
    if sys.platform != "win32":
        raise OSError("FILE_FLAG_NO_BUFFERING exists only on Windows")
    import ctypes
    import msvcrt

    generic_read_write, share_read_write = 0xC0000000, 0x3
    open_always, open_existing = 4, 3
    no_buffering, write_through = 0x20000000, 0x80000000
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateFileW.restype = ctypes.c_void_p
    disposition = open_always if create else open_existing
    flags = no_buffering | write_through
    handle = kernel32.CreateFileW(path, generic_read_write, share_read_write, None, disposition, flags, None)
    if handle is None or handle == ctypes.c_void_p(-1).value:
        raise ctypes.WinError(ctypes.get_last_error())
    return int(msvcrt.open_osfhandle(handle, os.O_RDWR | os.O_BINARY))


class _WindowsFile(RawFile):  # pragma: no cover - Windows only (os.pwrite and os.preadv are Unix-only)
    """Positioned I/O through lseek + write/readinto, which keep the caller's aligned buffer."""

    def write_at(self, buffer: mmap.mmap, offset: int) -> None:
        os.lseek(self.fd, offset, os.SEEK_SET)
        written = os.write(self.fd, buffer)
        if written != len(buffer):
            raise OSError(f"short write at {offset}: {written} of {len(buffer)} bytes")

    def read_at(self, buffer: mmap.mmap, offset: int) -> int:
        os.lseek(self.fd, offset, os.SEEK_SET)
        with open(self.fd, "rb", buffering=0, closefd=False) as stream:
            return stream.readinto(buffer) or 0


class BlockPattern:
    """The contents of the test file: a seeded pool of 256 payloads, each 4 KiB block stamped with its offset.

    Filling a 1 MiB buffer costs 256 small stores (the payloads stay in place from the template),
    so writing is limited by the disk, not by Python.
    """

    def __init__(self, seed: int) -> None:
        pool = random.Random(seed).randbytes(IO_SIZE)
        self.template = bytearray(IO_SIZE)
        for block in range(IO_SIZE // BLOCK):
            start = block * BLOCK
            payload = bytes(pool[start + 16 : start + BLOCK])
            self.template[start : start + BLOCK] = _HEADER.pack(0, zlib.crc32(payload)) + bytes(4) + payload

    def fill(self, buffer: mmap.mmap, offset: int) -> None:
        """Make `buffer` (IO_SIZE, holding the template) the expected contents at file `offset`."""
        import numpy as np

        words = np.frombuffer(buffer, dtype=np.uint64)
        words[:: BLOCK // 8] = np.arange(offset, offset + len(buffer), BLOCK, dtype=np.uint64)

    def bad_blocks(self, buffer: mmap.mmap | bytes, offset: int) -> list[int]:
        """File offsets of the 4 KiB blocks in `buffer` (read from `offset`) that fail their check."""
        view = memoryview(buffer)
        return [
            offset + at for at in range(0, len(buffer), BLOCK) if not block_is_good(view[at : at + BLOCK], offset + at)
        ]


def block_is_good(block: memoryview | bytes, offset: int) -> bool:
    """A 4 KiB block read from `offset` carries that offset and a payload matching its CRC-32."""
    stamped, crc = _HEADER.unpack_from(block, 0)
    return bool(stamped == offset and zlib.crc32(block[16:]) == crc)

"""Read each submission once, through file descriptors, and keep a private copy of its bytes.

The submissions folder may be writable by students (nbgrader's exchange ``inbound/`` is
world-writable), so a path is never trusted twice: a student could swap a folder for a
symbolic link, a file for a FIFO, or her notebook for a hard link to the answers, between
two reads. So collect walks the folder through descriptors (:class:`Folder`): every folder
below the one the instructor named is opened with ``O_DIRECTORY | O_NOFOLLOW`` relative to
its parent's descriptor, every file with ``O_NOFOLLOW | O_NONBLOCK`` (a FIFO never blocks),
and what is read is checked with ``fstat`` on that same descriptor. A notebook is read once,
with a bound, into a grader-owned copy (:class:`Snapshots`); its fingerprint, lateness,
grading (here or on a Dask worker) and record all use that copy, and the student's path is
never opened again.
"""

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class Unreadable(Exception):
    """A file or folder that cannot be taken as part of a submission; the message says why, in one line."""


class NotThere(Unreadable):
    """The file or folder does not exist."""


@dataclass(frozen=True)
class Entry:
    """One name in a folder, as ``lstat`` sees it (a link is a link, never its target)."""

    name: str
    kind: str  # "folder", "file", "link" or "other"
    uid: int
    ctime: float

    @property
    def is_folder(self):
        return self.kind == "folder"


@dataclass(frozen=True)
class Snapshot:
    """A notebook as collect read it: the grader's own copy and what the file system said of it."""

    path: Path  # the copy, in the run's private folder
    digest: str  # sha256 of the bytes
    uid: int  # the file's owner
    ctime: float  # when its inode last changed (the kernel sets it; no user can)


def _kind(mode):
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "folder"
    return "file" if stat.S_ISREG(mode) else "other"


def _strerror(error):
    return error.strerror or type(error).__name__


def _refusal(error, what):
    """Why ``os.open`` refused: a link (O_NOFOLLOW's ELOOP) says so; anything else gives the system's words."""
    if error.errno == errno.ELOOP:
        return "is a symbolic link, which is refused (it could point at the answers)"
    if error.errno == errno.ENOTDIR:
        return "is not a folder"
    return f"cannot be opened as {what} ({_strerror(error)})"


class Folder:
    """A folder held open by its descriptor; everything below it is reached through that descriptor."""

    def __init__(self, fd, shown):
        self.fd, self.shown = fd, shown

    @classmethod
    def open(cls, path):
        """The folder the instructor named (a link to it is followed: the instructor chose the path)."""
        return cls(os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC), str(path))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def stat(self):
        return os.fstat(self.fd)

    def sub(self, name):
        """The folder ``name`` inside this one; raises :class:`Unreadable` for a link, a file or no access."""
        try:
            return Folder(os.open(name, _FOLDER_FLAGS, dir_fd=self.fd), f"{self.shown}/{name}")
        except FileNotFoundError:
            raise NotThere("does not exist") from None
        except OSError as error:
            raise Unreadable(_refusal(error, "a folder")) from None

    def entries(self):
        """The entries not starting with ".", sorted by name; :class:`Unreadable` if the folder cannot be listed."""
        try:
            with os.scandir(self.fd) as scan:
                found = []
                for item in scan:
                    if item.name.startswith("."):
                        continue
                    try:
                        info = item.stat(follow_symlinks=False)
                    except OSError:
                        continue  # gone since it was listed
                    found.append(Entry(item.name, _kind(info.st_mode), info.st_uid, info.st_ctime))
        except OSError as error:
            raise Unreadable(f"cannot be listed ({_strerror(error)})") from None
        return sorted(found, key=lambda entry: entry.name)

    def _open_file(self, name):
        try:
            fd = os.open(name, _READ_FLAGS, dir_fd=self.fd)
        except FileNotFoundError:
            raise NotThere("does not exist") from None
        except OSError as error:
            raise Unreadable(_refusal(error, "a file")) from None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            raise Unreadable("not a regular file (symbolic links and special files are refused)")
        return fd, info

    def read_small(self, name, limit):
        """The bytes of a small regular file ``name``; :class:`Unreadable` if it is anything else or longer than ``limit``."""
        fd, info = self._open_file(name)
        try:
            if info.st_size > limit:
                raise Unreadable(f"longer than {limit} bytes")
            return os.read(fd, limit)
        finally:
            os.close(fd)

    def copy_notebook(self, name, snapshots):
        """Read the notebook ``name`` once, into a new copy in ``snapshots``: a :class:`Snapshot`.

        Refused (:class:`Unreadable`): anything but a regular file, a file with other hard links
        (nbgrader's exchange copies files, so a linked one was put there by hand, perhaps as a
        link to the answers), an empty file, a file over :data:`MAX_NOTEBOOK_BYTES`.
        """
        fd, info = self._open_file(name)
        try:
            if info.st_nlink != 1:
                raise Unreadable(f"has {info.st_nlink - 1} other hard link(s); a submitted notebook is a copy, "
                                 "never a link to another file")
            if info.st_size == 0:
                raise Unreadable("empty file")
            if info.st_size > MAX_NOTEBOOK_BYTES:
                raise Unreadable(f"file too large ({info.st_size / 1e6:.0f} MB; limit {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB)")
            return snapshots.take(fd, info)
        finally:
            os.close(fd)


class Snapshots:
    """The run's private folder of notebook copies (the caller makes it; mode 0700, the grader's own)."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._count = 0

    def take(self, fd, info):
        """Copy what ``fd`` holds, at most :data:`MAX_NOTEBOOK_BYTES`, hashing as it goes."""
        self._count += 1
        path = self.folder / f"{self._count:06d}.ipynb"
        digest, size = hashlib.sha256(), 0
        with open(path, "xb") as copy:
            while size <= MAX_NOTEBOOK_BYTES:
                try:
                    block = os.read(fd, 1 << 20)
                except OSError as error:
                    raise Unreadable(f"cannot be read ({_strerror(error)})") from None
                if not block:
                    break
                size += len(block)
                digest.update(block)
                copy.write(block)
        if size == 0:
            raise Unreadable("empty file")
        if size > MAX_NOTEBOOK_BYTES:  # it grew while being read
            raise Unreadable(f"file too large (limit {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB)")
        return Snapshot(path, digest.hexdigest(), info.st_uid, info.st_ctime)

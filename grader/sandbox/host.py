"""What the sandboxes share on one machine, and cleaning up after a killed run: slots (each
submission graded at once gets its own sandbox uid, held by a lock file in a folder of this user's
own), size-capped tmpfs folders, and the removal of folders a killed run left behind, following no
link and unmounting only a tmpfs mounted exactly there.
"""

import contextlib
import ctypes
import fcntl
import functools
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

from grader.sandbox.bwrap import SandboxUnavailable


MAX_SLOTS = 256  # submissions graded at once on one machine, each with its own uid
# <sys/mount.h>: the grader mounts and unmounts its capped folders itself, so that it can say
# "this path, never where a symbolic link there points" (util-linux's umount follows links).
MS_NOSUID, MS_NODEV, MNT_DETACH, UMOUNT_NOFOLLOW = 2, 4, 2, 8


@contextlib.contextmanager
def capped_folder(prefix, size_mb, parent="/tmp"):
    """A new temporary folder that cannot hold more than ``size_mb``: a tmpfs of that size when the grader is root.

    Everything a submission's sandbox can write to lives in one of these, so a submission
    that writes gigabytes fills its own folder and fails alone. The folder and its
    contents are gone when the block ends. Without root there is no mount: the folder is
    plain (grader/README.md lists this under "not defended"). The folder is made by mkdtemp
    (a new name, mode 0700), so no other user can have chosen or swapped it.
    """
    # The name carries the grader's pid, so that a run killed outright leaves folders a later run
    # can recognise as orphans and remove (remove_orphaned_folders).
    path = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    mounted = os.geteuid() == 0 and _libc().mount(b"tmpfs", os.fsencode(path), b"tmpfs", MS_NOSUID | MS_NODEV,
                                                   f"size={int(size_mb)}m,mode=0700".encode()) == 0
    try:
        yield path
    finally:
        if mounted:
            _unmount(path)
        shutil.rmtree(path, ignore_errors=True)


def remove_orphaned_folders(prefix, parent="/tmp"):
    """Unmount and remove the capped folders of grader processes that no longer exist (killed with
    SIGKILL, say, before they could clean up); returns how many were removed.

    ``parent`` is shared with every user of the machine, who may plant anything under such a name:
    only a real folder (never a symbolic link) is touched, only a tmpfs mounted exactly at that path
    is unmounted (as root, whom no one else can make mount there), and a folder is removed only if
    it belongs to this user. /tmp's sticky bit keeps others from swapping a folder of ours meanwhile.
    """
    mounts = _tmpfs_mount_points()
    removed = 0
    for entry in os.scandir(parent):
        pid = entry.name[len(prefix):].split("-", 1)[0] if entry.name.startswith(prefix) else ""
        if pid.isdigit() and not _alive(int(pid)) and _remove_orphan(entry.path, mounts):
            removed += 1
    return removed


def _remove_orphan(path, mounts):
    """Unmount (if ours) and remove the orphaned capped folder at ``path`` if it is this user's own."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            return False  # a symbolic link, a file: someone else's, never followed
        if path in mounts and not (os.geteuid() == 0 and _unmount(path)):
            return False
        if os.lstat(path).st_uid != os.geteuid():  # under the mount, the folder mkdtemp made
            return False
    except OSError:
        return False
    shutil.rmtree(path, ignore_errors=True)
    return True


def _tmpfs_mount_points():
    """The paths where a tmpfs is mounted, as /proc/self/mountinfo gives them (octal escapes decoded)."""
    points = set()
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return points
    for line in lines:
        fields, _, after = line.partition(" - ")
        if after.split(" ", 1)[0] == "tmpfs" and len(fields.split(" ")) > 4:
            points.add(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields.split(" ")[4]))
    return points


@functools.lru_cache(maxsize=None)
def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _unmount(path):
    """Detach the mount at ``path`` itself (lazily, as files may still be open), never following a link."""
    return _libc().umount2(os.fsencode(path), MNT_DETACH | UMOUNT_NOFOLLOW) == 0


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def slot_folder():
    """A descriptor of this user's folder of slot locks (``grader-slots-<uid>`` in the temporary
    folder), made with mode 0700. In a shared /tmp another user may have made that path first, as
    a link or a folder of links to files they want the grader to harm: refused, never followed."""
    path = Path(tempfile.gettempdir()) / f"grader-slots-{os.geteuid()}"
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    try:
        folder = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        raise SandboxUnavailable(f"{path} is not a folder of this user's ({error.strerror}): another user may have "
                              "made it; remove it") from None
    owner, mode = os.fstat(folder).st_uid, os.fstat(folder).st_mode
    if owner != os.geteuid() or mode & 0o077:
        os.close(folder)
        raise SandboxUnavailable(f"{path} belongs to uid {owner} with mode {mode & 0o777:o}, not to this grader's uid "
                              f"{os.geteuid()} with mode 700: another user made it; remove it")
    return folder


@contextlib.contextmanager
def host_slot():
    """A slot no other grading on this machine holds (each slot has its own sandbox uid), claimed
    with a lock file, so that no two submissions graded at once on one host share a uid, whether
    they are graded by one run, by two runs into different folders, or by Dask worker processes
    (a fork bomb in one must not reach the process cap of another). The lock files
    live in this user's own folder, are never followed if they are links, and never truncated."""
    folder = slot_folder()
    try:
        for slot in range(MAX_SLOTS):
            lock = os.open(f"{slot}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                           dir_fd=folder)
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(lock)
                continue
            try:
                yield slot
            finally:
                os.close(lock)
            return
    finally:
        os.close(folder)
    raise SandboxUnavailable(f"more than {MAX_SLOTS} submissions graded at once on this machine")

"""Nothing another local user plants in the shared /tmp makes the grader (as root) unmount, follow or
truncate something: a second user is made for the test (useradd), plants traps as itself (setpriv),
and the grader's own clean-up and slot locks run against them (grader/sandbox/host.py
``remove_orphaned_folders``, grader/sandbox/host.py ``host_slot``, and a real worker's start)."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from local_users import LocalUsers

from grader.run.dask_worker import worker_command, worker_environment
from grader.run.local import SOCKET_FOLDER_PREFIX
from grader.sandbox import host as sandbox
from grader.sandbox.bwrap import SandboxUnavailable
from grader.sandbox.host import _tmpfs_mount_points, remove_orphaned_folders
from loopback_cluster import loopback_cluster

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: it adds a user and mounts a tmpfs "
                                "(CI runs as root; the attacks it replays are on a grader running as root)")
PRECIOUS = b"the instructor's file\n"


@pytest.fixture(scope="module")
def intruder():
    """A local user of the grading machine, removed afterwards: ``run(argv)`` runs a command as them."""
    name = f"grader-intruder-{os.getpid()}"
    users = LocalUsers([name])
    try:
        yield lambda *argv: users.run(name, *argv)
    finally:
        users.remove()


def _dead_pid():
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _victim(folder):
    victim = Path(folder) / "victim.txt"
    victim.write_bytes(PRECIOUS)
    return victim


@pytest.fixture
def shared_tmp():
    """A sticky, world-writable folder in /tmp, like /tmp itself, so that the traps disturb no other run."""
    folder = Path(tempfile.mkdtemp(prefix="grader-test-shared-tmp-", dir="/tmp"))
    folder.chmod(0o1777)
    yield folder
    shutil.rmtree(folder)


def test_the_orphan_clean_up_unmounts_and_removes_only_the_graders_own_folders(intruder, tmp_path, shared_tmp):
    dead = _dead_pid()
    victim_mount = tmp_path / "victim-mount"
    victim_mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(victim_mount)], check=True)
    try:
        (victim_mount / "data").write_bytes(PRECIOUS)
        link, folder = shared_tmp / f"{SOCKET_FOLDER_PREFIX}{dead}-link", shared_tmp / f"{SOCKET_FOLDER_PREFIX}{dead}-dir"
        intruder("ln", "-s", str(victim_mount), str(link))
        intruder("mkdir", str(folder))
        intruder("cp", "/etc/hostname", str(folder / "theirs"))
        # A real orphan: a capped folder a killed grader left mounted, its root handed to the sandbox's uid.
        orphan = Path(tempfile.mkdtemp(prefix=f"{SOCKET_FOLDER_PREFIX}{dead}-", dir=shared_tmp))
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(orphan)], check=True)
        os.chown(orphan, 61000, 61000)

        assert remove_orphaned_folders(SOCKET_FOLDER_PREFIX, parent=str(shared_tmp)) == 1

        assert str(victim_mount) in _tmpfs_mount_points() and (victim_mount / "data").read_bytes() == PRECIOUS
        assert link.is_symlink() and (folder / "theirs").exists()  # not ours: left alone
        assert not orphan.exists() and str(orphan) not in _tmpfs_mount_points()
    finally:
        subprocess.run(["umount", str(victim_mount)], check=True)


def test_slot_locks_never_follow_or_truncate_what_another_user_planted(intruder, tmp_path, shared_tmp, monkeypatch):
    victim = _victim(tmp_path)
    # Where the slots were (one folder for everyone), and where they are now (this user's), both planted.
    for planted in ("grader-slots", f"grader-slots-{os.geteuid()}"):
        intruder("mkdir", str(shared_tmp / planted))
        intruder("ln", "-s", str(victim), str(shared_tmp / planted / "0.lock"))
    monkeypatch.setattr(tempfile, "tempdir", str(shared_tmp))
    with pytest.raises(SandboxUnavailable, match="grader-slots-0 belongs to uid \\d+ .*another user made it"):
        with sandbox.host_slot():
            pass
    assert victim.read_bytes() == PRECIOUS

    # A link in its place is refused as well, and a real worker will not start on such a machine.
    subprocess.run(["rm", "-r", str(shared_tmp / "grader-slots-0")], check=True)
    intruder("ln", "-s", str(tmp_path), str(shared_tmp / "grader-slots-0"))
    with pytest.raises(SandboxUnavailable, match="not a folder of this user's"):
        with sandbox.host_slot():
            pass
    with loopback_cluster(workers=0) as scheduler:
        worker = subprocess.run(worker_command(scheduler.address) + ["--host", "127.0.0.1"], capture_output=True,
                                text=True, timeout=120, env={**worker_environment(), "TMPDIR": str(shared_tmp)})
    assert worker.returncode != 0 and "this Dask worker cannot grade" in worker.stderr, worker.stderr[-2000:]
    assert "grader-slots-0 is not a folder of this user's" in worker.stderr
    assert victim.read_bytes() == PRECIOUS and not (tmp_path / "0.lock").exists()


def test_slot_locks_in_the_graders_own_folder(shared_tmp, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(shared_tmp))
    with sandbox.host_slot() as first, sandbox.host_slot() as second:
        assert (first, second) == (0, 1)
    folder = shared_tmp / f"grader-slots-{os.geteuid()}"
    assert folder.stat().st_uid == os.geteuid() and folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "0.lock").stat().st_mode & 0o777 == 0o600
    with sandbox.host_slot() as again:
        assert again == 0  # released


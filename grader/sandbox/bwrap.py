"""The sandbox every piece of student code runs in: bubblewrap, no network, limits.

Student code (the notebook's kernel, and the judge's harness) sees a read-only
Python installation, the one assignment folder it is graded in (read-only), a
private /tmp of limited size, and at most one folder it may write to (the
kernel's sockets). It does not see the course repository (solutions/, source
notebooks), the gradebook, the grader's files or other students' submissions,
and it has no network: the kernel talks to nbclient over Unix sockets (ZeroMQ's
ipc transport) in a folder bound into the sandbox. As root (CI, grading servers)
the code also drops to a uid of its own (one per submission graded at the same
time, so process caps are not shared), and every folder it can write to is a
size-capped tmpfs; CPU seconds, address space, processes and file sizes are
capped with ``prlimit``.
"""

import json
import os
import shlex
import shutil
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path


KERNEL_NAME = "optim-sandbox"
# Our own code that runs inside the sandbox before student code; bound read-only, nothing else of the repository.
SANDBOX_SITE = Path(__file__).resolve().parent / "site"
# What a Python program needs from the system, bound read-only; nothing else of /etc or /home.
SYSTEM_PATHS = ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/sbin", "/etc/alternatives", "/etc/ld.so.cache",
                "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/fonts")
NOBODY = 65534
# As root, submission slot k runs as uid SANDBOX_UID_BASE + k: uids no account uses, so that
# RLIMIT_NPROC (counted per uid) caps each submission alone, and no file on the machine is theirs.
SANDBOX_UID_BASE = 61000


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here."""


@dataclass(frozen=True)
class Limits:
    """Per-process limits inside the sandbox."""

    cpu_seconds: int = 120
    memory_mb: int = 2048
    processes: int = 256
    file_mb: int = 64
    tmp_mb: int = 256
    uid: int = NOBODY  # the user the code runs as when the grader is root

    @classmethod
    def for_slot(cls, slot, **limits):
        """Limits for the ``slot``-th submission graded at the same time: its own uid."""
        return cls(uid=SANDBOX_UID_BASE + slot, **limits)


def _python_roots():
    """Folders the sandboxed Python needs: the venv and the interpreter it was made from."""
    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(sysconfig.get_paths()["stdlib"]).parent.parent}
    return sorted({root.resolve() for root in roots} | set(roots))


def bwrap_command(work_dir, writable_dirs, limits, readonly_dirs=(), wrap=True, python_path=()):
    """The argv prefix that runs a command sandboxed; append the command itself.

    Parameters
    ----------
    work_dir : Path
        The assignment folder, bound read-only at the same path; the working
        directory and ``PYTHONPATH`` (so ``optim_helpers`` imports).
    writable_dirs : list of Path
        Folders bound read-write (the kernel's socket folder, the judge's output folder).
    limits : Limits
    readonly_dirs : list of Path
        Further folders bound read-only (the judge's harness and job).
    wrap : bool, default True
        End with :func:`drop_privileges_and_limit`; False when the command does that itself.
    python_path : list of Path
        Further ``PYTHONPATH`` entries, after ``work_dir`` (bind them with ``readonly_dirs``).
    """
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(
            "bubblewrap (bwrap) is not installed; the grader will not run student code without a sandbox. "
            "Install it with `apt-get install bubblewrap` (make grade and make test do this)."
        )
    namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    if os.geteuid() != 0:  # as root, setpriv below drops to nobody; a user namespace would hide that uid
        namespaces.append("--unshare-user")
    argv = [bwrap, *namespaces, "--die-with-parent", "--new-session"]
    readonly = [Path(p) for p in SYSTEM_PATHS if Path(p).exists()]
    readonly += [*_python_roots(), Path(work_dir), *map(Path, readonly_dirs)]
    writable = [Path(folder) for folder in writable_dirs]
    argv += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(limits.tmp_mb * 1024 * 1024), "--tmpfs", "/tmp"]
    argv += _traversable_parents([*readonly, *writable])
    for path in readonly:
        argv += ["--ro-bind", str(path), str(path)]
    for folder in writable:
        argv += ["--bind", str(folder), str(folder)]
    argv += [
        "--chdir", str(work_dir),
        "--clearenv",
        "--setenv", "HOME", "/tmp",
        # The sandbox uid has no account; getpass.getuser() reads these first.
        "--setenv", "USER", "grader",
        "--setenv", "LOGNAME", "grader",
        "--setenv", "PATH", f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "--setenv", "MPLBACKEND", "Agg",
        "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
        "--setenv", "IPYTHONDIR", "/tmp/ipython",
        "--setenv", "JUPYTER_RUNTIME_DIR", "/tmp/jupyter",
        "--setenv", "OPENBLAS_NUM_THREADS", "1",
        "--setenv", "OMP_NUM_THREADS", "1",
        "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
        "--setenv", "PYTHONPATH", os.pathsep.join(map(str, [work_dir, *python_path])),
        "--setenv", "NBGRADER_EXECUTION", "autograde",
        "--",
    ]
    return argv + (drop_privileges_and_limit(limits) if wrap else [])


def drop_privileges_and_limit(limits):
    """``setpriv`` to nobody (when root) and ``prlimit``: the last wrappers before the command."""
    argv = []
    if os.geteuid() == 0:
        argv += ["setpriv", f"--reuid={limits.uid}", f"--regid={limits.uid}", "--clear-groups", "--"]
    return argv + [
        "prlimit",
        f"--cpu={limits.cpu_seconds}",
        f"--as={limits.memory_mb * 1024 * 1024}",
        f"--nproc={limits.processes}",
        f"--fsize={limits.file_mb * 1024 * 1024}",
        "--",
    ]


def _traversable_parents(paths):
    """bwrap creates missing parents of a bind target as 0700; make them 0755 so ``nobody`` gets through."""
    parents = sorted({parent for path in paths for parent in Path(path).parents if parent not in (Path("/"), Path("/tmp"))},
                     key=lambda parent: len(parent.parts))
    argv = []
    for parent in parents:
        argv += ["--perms", "0755", "--dir", str(parent)]
    return argv


def open_to_sandbox(folder, limits=Limits()):
    """Let the sandboxed user (``limits.uid`` when grading as root) write in ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, limits.uid, limits.uid, follow_symlinks=False)


# jupyter_client starts a kernel in a session of its own, which a SIGKILL to the grader's process group
# does not reach; bwrap --die-with-parent ends it when its grading process dies, unless that process died
# between the fork and bwrap's own prctl, and then an orphaned kernel would wait for ever. The guard sets
# the parent-death signal first, then checks that its parent is still the grading process, and only then
# becomes the command.
_ORPHAN_GUARD = ("import ctypes, os, sys; ctypes.CDLL(None).prctl(1, 9); "  # PR_SET_PDEATHSIG, SIGKILL
                 "os.getppid() == int(sys.argv[1]) or os._exit(1); os.execv(sys.argv[2], sys.argv[2:])")


def orphan_guard(parent_pid):
    """The argv prefix that runs a command only while ``parent_pid`` is its parent, and kills it when that ends."""
    return [sys.executable, "-I", "-S", "-c", _ORPHAN_GUARD, str(parent_pid)]


def write_kernelspec(jupyter_path, work_dir, socket_dir, limits, defer_matplotlib=False):
    """A kernelspec named ``optim-sandbox`` under ``jupyter_path/kernels`` that starts ipykernel sandboxed.

    ``interrupt_mode: message``: nbclient interrupts a timed-out cell through the
    control channel, since a signal to bwrap would not reach the kernel.
    ``defer_matplotlib``: matplotlib is imported on first use, not by the set-up cell
    (site/deferred_matplotlib.py); for grading without the experiment cells.
    """
    spec_dir = Path(jupyter_path) / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    # jupyter_client writes the connection file readable by its owner only; the sandbox
    # copies it for the unprivileged kernel before dropping privileges.
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", "/tmp/connection.json"]
    site = [SANDBOX_SITE] if defer_matplotlib else []
    if defer_matplotlib:
        kernel.append("--IPKernelApp.extensions=deferred_matplotlib")
    script = (
        'cp "$1" /tmp/connection.json && chmod 644 /tmp/connection.json && exec '
        + " ".join(shlex.quote(arg) for arg in drop_privileges_and_limit(limits) + kernel)
        + " >/dev/null 2>&1"  # the kernel's own chatter; the notebook's output travels over ZeroMQ
    )
    argv = orphan_guard(os.getpid()) + bwrap_command(work_dir, [socket_dir], limits, wrap=False, readonly_dirs=site,
                                                     python_path=site) + [
        "/bin/sh", "-c", script, "sh", "{connection_file}"]
    spec = {"argv": argv, "display_name": "Python 3 (grading sandbox)", "language": "python",
            "interrupt_mode": "message"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return spec_dir

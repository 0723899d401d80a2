"""Write-then-rename: a reader never sees a half-written file, and a failed write leaves none."""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path):
    """Yields a ``.partial`` path beside ``path`` to write; it replaces ``path`` only if the block
    ends without an error, so a reader never sees a half-written file (and a failed write leaves none)."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def atomic_copy(source, target):
    """Copy ``source`` to ``target`` (its folder made if need be) with write-then-rename."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing(target) as partial:
        shutil.copyfile(source, partial)

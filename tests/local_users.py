"""Local users of the grading machine, made for a test (useradd, as root) and removed after: students
who submit from their own accounts, and strangers who plant files in shared folders."""

import pwd
import subprocess


class LocalUsers:
    """Users ``names``, made now (one left by a killed run is made again); ``remove()`` deletes them."""

    def __init__(self, names):
        self.names = names
        for name in names:
            subprocess.run(["userdel", name], capture_output=True)  # left by a run that was killed, if any
            subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True,
                           capture_output=True)
        self.uid = {name: pwd.getpwnam(name).pw_uid for name in names}
        self.gid = {name: pwd.getpwnam(name).pw_gid for name in names}

    def run(self, name, *argv, **kwargs):
        """``argv`` as user ``name`` (setpriv: that uid and group, no other groups)."""
        return subprocess.run(["setpriv", f"--reuid={self.uid[name]}", f"--regid={self.gid[name]}", "--clear-groups",
                               "--", *argv],
                              check=True, capture_output=True, text=True, **kwargs)

    def remove(self):
        for name in self.names:
            subprocess.run(["userdel", name], capture_output=True)

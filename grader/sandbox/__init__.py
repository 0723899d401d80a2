"""The bubblewrap sandbox: where student code runs, and only there.

bwrap.py builds the ``bwrap`` command (namespaces, a uid of its own, read-only binds, caps) and
the kernelspec that starts the kernel inside it; host.py shares out the machine (slots, capped
tmpfs folders, clean-up after a killed run). harness.py and site/ run INSIDE the sandbox: they
import nothing from grader/, trust nothing, and may be read by student code.
"""

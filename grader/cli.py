"""Command line: ``python -m grader {release,autograde,workspace}``."""

import argparse
import sys
from pathlib import Path

from grader.course import REPO


def _release(args):
    from grader.release import release

    paths = release(args.out)
    for path in paths:
        print(f"released {path}")
    print(f"{len(paths)} notebooks in {args.out}/ (answers and hidden tests removed)")
    return 0


def _workspace(args):
    from grader.workspace import make_workspace

    added, kept = make_workspace(args.dir)
    for name in added:
        print(f"added  {name}")
    for name in kept:
        print(f"kept   {name} (your work is never overwritten)")
    print(f"workspace ready in {args.dir}/")
    return 0


def _autograde(args):
    from grader.autograde import autograde_command

    return autograde_command(args)


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", help="notebooks/ -> student versions (answers removed)")
    release.add_argument("--out", type=Path, default=REPO / "release", help="default: release/")
    release.set_defaults(run=_release)

    workspace = commands.add_parser("workspace", help="a learner copy for self-paced study")
    workspace.add_argument("dir", nargs="?", type=Path, default=REPO / "workspace", help="default: workspace/")
    workspace.set_defaults(run=_workspace)

    autograde = commands.add_parser("autograde", help="grade SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb")
    autograde.add_argument("submissions", type=Path)
    autograde.add_argument("--jobs", type=int, default=2, help="parallel workers (default 2)")
    autograde.add_argument("--timeout", type=float, default=300,
                           help="wall-clock seconds for one whole submission (default 300)")
    autograde.add_argument("--cell-timeout", type=float, default=30,
                           help="seconds before one cell is interrupted (default 30)")
    autograde.add_argument("--memory", type=int, default=2048, help="MB of memory per submission (default 2048)")
    autograde.add_argument("--out", type=Path, default=REPO / "grades", help="default: grades/")
    autograde.set_defaults(run=_autograde)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())

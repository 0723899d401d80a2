"""Command line: ``python -m grader {release,autograde,report,export,workspace,worker}``."""

import argparse
import sys
from pathlib import Path

from grader.course import REPO
from grader.records.export import add_export_command
from grader.run.autograde import Settings


def _release(args):
    from grader.handout.exercises import UnjudgedTestCell
    from grader.handout.release import release

    try:
        paths = release(args.out)
    except UnjudgedTestCell as error:
        print(f"grader: {error}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"released {path}")
    print(f"{len(paths)} notebooks in {args.out}/ (answers and hidden tests removed)")
    return 0


def _workspace(args):
    from grader.handout.workspace import make_workspace

    added, kept = make_workspace(args.dir)
    for name in added:
        print(f"added  {name}")
    for name in kept:
        print(f"kept   {name} (your work is never overwritten)")
    print(f"workspace ready in {args.dir}/")
    return 0


def _autograde(args):
    from grader.run.command import autograde_command
    from grader.intake.submission import WrongInput

    if args.scheduler:  # a scheduler the grader would refuse is refused now, before any work
        from grader.run.tls import cluster_tls

        try:
            cluster_tls(args.scheduler, args.tls_ca_file, args.tls_cert_file, args.tls_key_file, args.insecure)
        except WrongInput as error:
            print(f"grader: {error}", file=sys.stderr)
            return 2
    return autograde_command(args)


def _report(args):
    from grader.class_report.build import run_report

    return run_report(args)


def _worker(args):
    from grader.run.dask_worker import worker_main

    return worker_main(args)


def _add_cluster_options(command, whose):
    """The cluster's TLS files (a certificate authority of the course's own, grader/SCALING.md) and --insecure."""
    command.add_argument("--tls-ca-file", dest="tls_ca_file", metavar="PEM",
                         help="the certificate of the cluster's certificate authority, for a tls:// scheduler "
                         "(default: distributed.comm.tls.ca-file in Dask's configuration)")
    command.add_argument("--tls-cert", dest="tls_cert_file", metavar="PEM",
                         help=f"{whose} certificate, signed by that authority")
    command.add_argument("--tls-key", dest="tls_key_file", metavar="PEM", help=f"{whose} private key")
    command.add_argument("--insecure", action="store_true",
                         help="allow a plain tcp:// scheduler on another machine: whoever can reach it can run code "
                         "on it, on its workers and in this process, and change any grade")


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", help="notebooks/ -> student versions (answers removed)")
    release.add_argument("--out", type=Path, default=REPO / "release", help="default: release/")
    release.set_defaults(run=_release)

    workspace = commands.add_parser("workspace", help="a learner copy for self-paced study")
    workspace.add_argument("dir", nargs="?", type=Path, default=REPO / "workspace", help="default: workspace/")
    workspace.set_defaults(run=_workspace)

    defaults = Settings()
    autograde = commands.add_parser(
        "autograde", help="grade a folder of submissions (nbgrader's submitted/ or inbound/ layout) or one notebook",
        description="Grade SUBMISSIONS into --out: nbgrader's submitted/ layout "
        "(SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb), its exchange inbound/ layout "
        "(<student>+<assignment>+<timestamp>/), or a single .ipynb. Grading into an existing --out "
        "merges: what is not graded now keeps its rows, unchanged submissions are not graded again.")
    autograde.add_argument("submissions", type=Path)
    autograde.add_argument("--out", type=Path, default=REPO / "grades", help="default: grades/")
    autograde.add_argument("--student", action="append", metavar="ID",
                           help="grade only this student (repeatable); other rows of --out are kept")
    autograde.add_argument("--assignment", action="append", metavar="ID",
                           help="grade only this assignment (repeatable); other rows of --out are kept")
    autograde.add_argument("--force", action="store_true",
                           help="regrade submissions --out already holds an up-to-date grade for")
    autograde.add_argument("--owners", metavar="system|any|FILE.csv", default="system",
                           help="whose inbound/ entries count: the local user named like the student (system, the "
                           "default), the uids in a CSV file (columns student_id,uid: a hub whose users have other "
                           "uids), or anyone (any: only if a trusted service writes the exchange; see grader/README.md)")
    autograde.add_argument("--roster", metavar="FILE", type=Path,
                           help="the course's students: a file of ids (one per line, or a CSV with an id column, as "
                           "nbgrader db student import reads) or an nbgrader gradebook.db; others are reported, "
                           "never graded or added")
    autograde.add_argument("--due", action="append", metavar="[ASSIGNMENT=]DATE",
                           help="due date, for every assignment or one (repeatable); late submissions are "
                           "recorded as nbgrader does (default: the due date in --out's gradebook, if any)")
    autograde.add_argument("--late-penalty", choices=("none", "zero"), default=defaults.late_penalty,
                           help="nbgrader's built-in late penalty: none (record lateness only) or zero "
                           f"(default {defaults.late_penalty})")
    autograde.add_argument("--run-experiments", action="store_true",
                           help="also run the cells tagged experiment (training runs, figures: no points), for a "
                           "fully executed notebook; by default they are skipped and say so")
    autograde.add_argument("--jobs", type=int, default=defaults.jobs,
                           help=f"submissions graded at the same time (default {defaults.jobs})")
    autograde.add_argument("--timeout", type=float, default=defaults.timeout,
                           help=f"wall-clock seconds for one whole submission (default {defaults.timeout:g})")
    autograde.add_argument("--cell-timeout", type=float, default=defaults.cell_timeout,
                           help=f"seconds before one notebook cell is interrupted (default {defaults.cell_timeout:g})")
    autograde.add_argument("--judge-timeout", type=float, default=defaults.judge_timeout,
                           help="seconds the independent re-check gives the calls of one exercise "
                           f"(default {defaults.judge_timeout:g})")
    autograde.add_argument("--memory", type=int, default=defaults.memory_mb,
                           help=f"MB of memory per submission (default {defaults.memory_mb})")
    autograde.add_argument("--scheduler", metavar="tls://HOST:8786", default=defaults.scheduler,
                           help="grade on the Dask cluster whose scheduler is here (workers started with "
                           "`python -m grader worker`; grader/SCALING.md), one task per submission; reports are "
                           "written here as usual. tls:// with the course's certificates; tcp:// only on a loopback "
                           "address, unless --insecure. Default: grade on this machine, --jobs at a time")
    _add_cluster_options(autograde, "this instructor's")
    autograde.add_argument("--profile", action="store_true",
                           help="print where each submission's seconds went, step by step (mean over this run)")
    autograde.set_defaults(run=_autograde)

    worker = commands.add_parser(
        "worker", help="start a Dask worker that grades for `autograde --scheduler` (grader/SCALING.md)",
        description="Runs `dask worker SCHEDULER --nthreads 1 --preload grader.run.dask_worker` with what grading needs: "
        "one submission at a time per worker process, and a check at start that this machine can grade "
        "(bubblewrap, the course at the grader's version).")
    worker.add_argument("scheduler", metavar="tls://HOST:8786")
    worker.add_argument("--nworkers", type=int, default=1, help="worker processes on this machine (default 1; "
                        "at most one per core)")
    _add_cluster_options(worker, "this worker's")
    worker.set_defaults(run=_worker)

    report = commands.add_parser(
        "report", help="the class report of an output folder: report.html, mistakes.csv, similarity.csv",
        description="What the class got wrong and which answers are alike: GRADES_DIR/report.html (or --out), "
                    "mistakes.csv and similarity.csv in GRADES_DIR. autograde writes them too, after every run. "
                    "Similar, not proof.")
    report.add_argument("grades_dir", type=Path, metavar="GRADES_DIR", help="the --out folder of autograde")
    report.add_argument("--out", type=Path, metavar="FILE", help="default: GRADES_DIR/report.html")
    report.set_defaults(run=_report)

    add_export_command(commands)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())

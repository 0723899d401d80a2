"""``python -m grader autograde``: the command line's settings in, one summary and an exit code out.
"""

import signal
import sys
from collections import Counter

from grader.grading import profile
from grader.handout.exercises import UnjudgedTestCell
from grader.intake.identity import IdentityError, Owners, Roster
from grader.intake.submission import WrongInput
from grader.records.store import FolderBusy
from grader.run.autograde import autograde, Selection, Settings
from grader.run.interrupts import Interrupted
from grader.run.plan import parse_due
from grader.sandbox.bwrap import SandboxUnavailable
from grader.status import Status


def autograde_command(args):
    """CLI entry: exit 0 when every submission got a grade, 1 when some could not be graded,
    2 on wrong input or setup errors, 130 (Ctrl-C) or 143 (SIGTERM) when interrupted."""
    settings = Settings(jobs=args.jobs, timeout=args.timeout, cell_timeout=args.cell_timeout,
                        judge_timeout=args.judge_timeout, memory_mb=args.memory, late_penalty=args.late_penalty,
                        run_experiments=args.run_experiments, scheduler=args.scheduler,
                        tls_ca_file=getattr(args, "tls_ca_file", None), tls_cert_file=getattr(args, "tls_cert_file", None),
                        tls_key_file=getattr(args, "tls_key_file", None), insecure=getattr(args, "insecure", False))
    try:
        roster = getattr(args, "roster", None)
        selection = Selection(students=tuple(args.student or ()), assignments=tuple(args.assignment or ()),
                              force=args.force, due=parse_due(args.due or ()),
                              owners=Owners.parse(getattr(args, "owners", None)),
                              roster=Roster.load(roster) if roster else None)
        outcome = autograde(args.submissions, args.out, settings, selection)
    except Interrupted as stopped:
        if stopped.reports_written:
            print(f"grader: stopped by {stopped.signal_name}: {stopped.graded} submissions graded in this run were "
                  f"kept and {args.out}/grades.csv written; run the same command again to grade the {stopped.left} left",
                  file=sys.stderr)
        else:
            print(f"grader: stopped by {stopped.signal_name} before grading began; nothing was changed", file=sys.stderr)
        return 128 + signal.Signals[stopped.signal_name].value
    except (OSError, SandboxUnavailable, WrongInput, IdentityError, FolderBusy, UnjudgedTestCell) as error:  # one clear line
        print(f"grader: {error}", file=sys.stderr)
        return 2
    rows = outcome.rows
    failed = [row for row in rows if row["status"] == Status.GRADER_ERROR]
    counts = Counter(row["status"] for row in rows)
    summary = ", ".join(f"{count} {status}" for status, count in counts.most_common())
    print(f"{len(rows)} submissions ({summary}); every one has a score and a reason in {args.out}/grades.csv\n"
          f"{outcome.graded_now} graded now, {outcome.kept} kept from earlier runs (unchanged, or not selected; "
          "--force grades again)")
    for row in failed:
        print(f"  could not grade {row['student_id']}/{row['assignment']}: {row['reason']}", file=sys.stderr)
    if counts[Status.WRONG_OWNER]:
        print(f"grader: {counts['wrong_owner']} inbound entries were not made by the students they name and count for "
              "nobody (their rows say who made them); if this is a copy of the exchange, whose files you own, "
              "--owners any trusts the names instead", file=sys.stderr)
    if getattr(args, "profile", False):
        print(profile.table(outcome.profiles, "where the seconds of one submission went"))
    return 1 if failed else 0

"""``python benchmarks/bench.py`` (``make bench``): the course's speed, measured side by side in one run.

1. Each source notebook executed start to finish in a fresh kernel: seconds, and its slowest cell.
2. Checking a 19 MB notebook of many outputs: what collect does in the parent (file system only),
   the worker's check (load_submission) and the full nbformat validation collect used to do.
3. Autograde, per assignment and on average, the solved notebook submitted by ``--submissions``
   students (default 4), in seconds per submission: plain nbgrader (``nbgrader autograde`` as a
   command, every cell run, no sandbox, no judge, no feedback pages), this grader with ``--jobs 1``
   and ``--jobs 2``, and on a Dask cluster of 2 single-threaded workers on loopback. Every column
   pays the release of the assignment; ours also pays its reports and feedback pages. Then the
   profile of one ``--jobs 1`` submission step by step, and a model of 2,400 and 100,000
   notebooks on 1, 10 and 100 workers built from these numbers, from no-op tasks timed on the
   same cluster and from the parent's keep step timed alone (grader/SCALING.md).
4. The explorations' sliders: time from a key press to the redrawn figure in JupyterLab in chromium,
   as tests/test_e2e_widgets.py measures it (it writes tests/artifacts/widget_redraw_times.json).
5. The mistake engine (``--mistakes-only`` runs this alone): check() on every held-out mistake of
   tests/heldout_mistakes.py, each sorted as named, truthful but unnamed, generic or misleading (a
   cause fresh inputs contradict, solutions/measure.py), for the kinds the registry knows, the
   conventions of other courses and libraries, and the kinds it does not; every correct variant of
   tests/correct_variants.py, none of which may be rejected; and check()'s seconds per call.

Targets (COURSE_DESIGN.md and issue 15): every cell under 10 s, the course under 60 s; autograde
with ``--jobs 1`` below plain nbgrader and at most 1.5 s per submission on average, and at least
1.8x faster with ``--jobs 2``. Issue 21: at least 95% of the registered kinds and 65% of the others
named, none misleading, no correct variant rejected, check()'s p95 under 1 s per exercise.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import nbformat
from nbclient import NotebookClient

from grader.course import assignment_ids, COURSE_ID, generate_assignments, NOTEBOOKS, REPO, source_notebook
from grader.grading import profile
from grader.records import gradebook, store as records
from grader.records.report import keep_result_files, write_reports
from grader.run.autograde import autograde, Settings

# The tests' scaffolding: a loopback Dask cluster, the held-out mistakes and correct variants.
sys.path.insert(0, str(REPO / "tests"))

BENCH_ASSIGNMENT = "02_exponentially_weighted_averages"
WIDGET_REDRAW_TIMES = REPO / "tests" / "artifacts" / "widget_redraw_times.json"
DASK_WORKERS = 2
COLUMNS = ("nbgrader", "jobs 1", "jobs 2", "dask")
# Targets of issue 15, per submission on average.
TARGET_JOBS1_SECONDS, TARGET_SPEEDUP_JOBS2 = 1.5, 1.8
MODEL_SIZES, MODEL_WORKERS = (2_400, 100_000), (1, 10, 100)
NOOP_TASKS = 1000
IDLE_KEEP_RECORDS = 200


def time_notebook(path):
    """``(seconds, slowest cell seconds)`` to execute one notebook in a fresh kernel."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    started = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - started
    slowest = 0.0
    for cell in nb.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            start = datetime.fromisoformat(timing["iopub.execute_input"])
            end = datetime.fromisoformat(timing["shell.execute_reply"])
            slowest = max(slowest, (end - start).total_seconds())
    return seconds, slowest


def bench_course(assignments):
    print("notebook                                    seconds  slowest cell")
    total = 0.0
    for assignment in assignments:
        seconds, slowest = time_notebook(source_notebook(assignment))
        total += seconds
        print(f"{assignment:<43} {seconds:7.1f}  {slowest:12.1f}")
    print(f"{'whole course (one notebook after another)':<43} {total:7.1f}   target < 60 s, each cell < 10 s")


# ---- autograde: plain nbgrader, --jobs 1, --jobs 2 and Dask, side by side ----

def bench_autograde(count, assignments):
    """The table of issue 15, the profile of one --jobs 1 submission, and the scaling model."""
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as folder, _dask_cluster() as cluster:
        root = Path(folder)
        _warm_up(root / "warm-up", assignments[0], cluster)
        seconds, notes = {}, []
        profiles = {column: [] for column in COLUMNS}
        for assignment in assignments:
            work = root / assignment
            _write_submissions(work / "submissions", assignment, count)
            # One assignment at a time, every column in turn: a slower minute of this shared
            # machine then costs all columns alike.
            seconds[assignment] = {"nbgrader": plain_nbgrader(work / "nbgrader", assignment, count, notes)}
            for column, settings in _our_settings(cluster):
                outcome, seconds[assignment][column] = _timed_autograde(
                    work / "submissions", work / _folder(column), settings, notes)
                profiles[column] += outcome.profiles
        per_submission = {a: {c: s / count for c, s in row.items()} for a, row in seconds.items()}
        _print_table(per_submission, count)
        for note in notes:
            print(f"  ! {note}")
        print()
        print(profile.table(profiles["jobs 1"], "where the seconds of one --jobs 1 submission went (all assignments)"))
        outs = [root / a / _folder("dask") for a in assignments]
        _print_model(per_submission, profiles["dask"], _report_seconds_per_row(outs, root / "reports"),
                     _noop_task_seconds(cluster.address), _idle_keep_seconds(outs[0], root / "idle-keep"))
        _print_bytes(assignments, outs)


@contextmanager
def _dask_cluster():
    """A real ``dask scheduler`` and 2 single-threaded grading workers on loopback (tests/loopback_cluster.py)."""
    from loopback_cluster import loopback_cluster

    with loopback_cluster(workers=DASK_WORKERS) as cluster:
        yield cluster


def _our_settings(cluster):
    return [("jobs 1", Settings(jobs=1, progress=False)), ("jobs 2", Settings(jobs=2, progress=False)),
            ("dask", Settings(jobs=DASK_WORKERS, scheduler=cluster.address, progress=False))]


def _folder(column):
    return column.replace(" ", "")


def _warm_up(folder, assignment, cluster):
    """Untimed: the first run in a process starts the forkserver (imports nbgrader once), the first
    nbgrader command fills the file cache, and every Dask worker starts its own forkserver; without
    it, whichever column runs first pays that alone. Each worker still builds its release of each
    assignment on its first task of that assignment, as it does in an instructor's run."""
    from distributed import Client

    from grader.run.local import start_forkserver

    with Client(cluster.address, set_as_default=False) as client:
        client.run(start_forkserver)
    _write_submissions(folder / "submissions", assignment, DASK_WORKERS)
    plain_nbgrader(folder / "nbgrader", assignment, 1, [])
    for column, settings in _our_settings(cluster):
        autograde(folder / "submissions", folder / _folder(column), settings)


def plain_nbgrader(course, assignment, count, notes):
    """Seconds for plain nbgrader on ``count`` solved copies: the release (the call our grader makes
    for its template), then ``nbgrader autograde`` as a command, so its start-up is paid once, as an
    instructor pays it. Every cell runs, in nbgrader's default python3 kernel, unsandboxed."""
    for index in range(count):
        target = course / "submitted" / f"student{index:03d}" / assignment / f"{assignment}.ipynb"
        target.parent.mkdir(parents=True)
        shutil.copy2(source_notebook(assignment), target)
    started = time.perf_counter()
    generate_assignments(course, [assignment])
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "autograde", assignment,
         f"--CourseDirectory.root={course}", f"--CourseDirectory.course_id={COURSE_ID}"],
        check=False, cwd=course, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        notes.append(f"nbgrader autograde {assignment} exited {completed.returncode}: "
                     f"{completed.stderr.strip().splitlines()[-1:]}")
    with gradebook.open_gradebook(course / "gradebook.db") as gb:
        short = [s.student.id for s in gb.assignment_submissions(assignment) if s.score < s.max_score]
    if short:
        notes.append(f"plain nbgrader gave {len(short)} solved copies of {assignment} less than full marks")
    return seconds


def _timed_autograde(submissions, out, settings, notes):
    started = time.perf_counter()
    outcome = autograde(submissions, out, settings)
    seconds = time.perf_counter() - started
    odd = [(r["student_id"], r["status"], r["score"], r["max_score"]) for r in outcome.rows
           if r["status"] != "graded" or r["score"] != r["max_score"]]
    if odd:
        notes.append(f"{out.name} on {submissions.parent.name}: not every solved copy got full marks: {odd[:3]}")
    return outcome, seconds


def _print_table(per_submission, count):
    average = {c: sum(row[c] for row in per_submission.values()) / len(per_submission) for c in COLUMNS}
    print(f"\nautograde, {count} solved submissions per assignment: seconds per submission "
          "(release, reports and nbgrader's start-up included)")
    header = "".join(f"{c:>10}" for c in COLUMNS)
    print(f"  {'assignment':<37}{header}   j1/nbgr  j1/j2  j1/dask")
    for name, row in [*per_submission.items(), ("average", average)]:
        ratios = (f"{row['jobs 1'] / row['nbgrader']:9.2f}  {row['jobs 1'] / row['jobs 2']:5.2f}"
                  f"  {row['jobs 1'] / row['dask']:7.2f}")
        print(f"  {name:<37}" + "".join(f"{row[c]:10.2f}" for c in COLUMNS) + "   " + ratios)
    print(f"  targets: --jobs 1 below plain nbgrader ({average['jobs 1']:.2f} vs {average['nbgrader']:.2f} s: "
          f"{_met(average['jobs 1'] < average['nbgrader'])}) and at most {TARGET_JOBS1_SECONDS} s "
          f"({_met(average['jobs 1'] <= TARGET_JOBS1_SECONDS)}); speed-up with --jobs 2 at least "
          f"{TARGET_SPEEDUP_JOBS2}x ({average['jobs 1'] / average['jobs 2']:.2f}x: "
          f"{_met(average['jobs 1'] / average['jobs 2'] >= TARGET_SPEEDUP_JOBS2)}) on {os.cpu_count()} cores")


def _met(condition):
    return "met" if condition else "NOT met"


def _noop_task_seconds(address):
    """A no-op task on the cluster: ``(round trip of one task alone, scheduler seconds per task when
    NOOP_TASKS are submitted at once)``; the second is the serial cost that more workers do not hide."""
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        client.submit(_noop, -1, pure=False).result()
        started = time.perf_counter()
        for index in range(50):
            client.submit(_noop, index, pure=False).result()
        round_trip = (time.perf_counter() - started) / 50
        started = time.perf_counter()
        client.gather(client.map(_noop, range(NOOP_TASKS), pure=False))
        return round_trip, (time.perf_counter() - started) / NOOP_TASKS


def _noop(index):
    return index


def _report_seconds_per_row(outs, folder):
    """Seconds per row to write grades.csv and grades_by_cell.csv from all these records at once."""
    every = [record for out in outs for record in records.load_records(out).values()]
    folder.mkdir()
    started = time.perf_counter()
    write_reports(folder, every)
    return (time.perf_counter() - started) / max(1, len(every))


def _idle_keep_seconds(out, folder, count=IDLE_KEEP_RECORDS):
    """The parent's keep step with nothing else running (as on a machine of its own): files,
    gradebook rows and record for ``count`` more students, in a copy of ``out``."""
    shutil.copytree(out, folder)
    record = next(iter(records.load_records(folder).values()))
    result = {"status": "graded", **{key: str(next((folder / key).rglob(f"*{suffix}")))
                                      for key, suffix in (("autograded", ".ipynb"), ("feedback", ".html"))}}
    started = time.perf_counter()
    with gradebook.open_gradebook(folder / "gradebook.db") as db:
        for index in range(count):
            student = f"idle{index:05d}"
            keep_result_files(folder, SimpleNamespace(student=student, assignment=record["assignment"]), result)
            gradebook.sync(db, {**record, "student": student})
            records.save_record(folder, {**record, "student": student})
    return (time.perf_counter() - started) / count


def _print_bytes(assignments, outs):
    """What one task carries: the submitted notebook in, the autograded notebook and feedback page out."""
    sent = sum(source_notebook(a).stat().st_size for a in assignments) / len(assignments)
    results = [path.stat().st_size for out in outs for folder in ("autograded", "feedback")
               for path in (out / folder).rglob("*") if path.suffix in (".ipynb", ".html")]
    back = sum(results) / max(1, sum(len(records.load_records(out)) for out in outs))
    print(f"  bytes per task: {sent / 1e3:.0f} kB in (the solved notebook), {back / 1e3:.0f} kB back "
          "(autograded notebook and feedback page)")


def _print_model(per_submission, dask_profiles, report_per_row, noop, idle_keep):
    """T = N*c/W + N*p: c seconds of one single-threaded worker per submission, shared by W workers;
    p the serial seconds per submission that no worker takes off the parent and the scheduler."""
    rows = per_submission.values()
    jobs1 = sum(r["jobs 1"] for r in rows) / len(rows)
    c = sum(r["dask"] for r in rows) / len(rows) * DASK_WORKERS
    # The worker's own steps: what c tends to once each worker's release of an assignment is shared
    # by hundreds of submissions rather than this run's few.
    steps = _mean(sum(v for k, v in p.items() if k != "keep") for p in dask_profiles)
    keep = _mean(p.get("keep", 0.0) for p in dask_profiles)
    round_trip, scheduler = noop
    p, p_idle = keep + report_per_row + scheduler, idle_keep + report_per_row + scheduler
    print(f"\nscaling model (grader/SCALING.md), measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on "
          f"{platform.node()}: {os.cpu_count()} cores, {_cpu_model()}, Python {platform.python_version()}")
    print(f"  per submission on one single-threaded worker: c = {c:.2f} s (Dask run: wall x {DASK_WORKERS} "
          f"workers / submissions); --jobs 1 here {jobs1:.2f} s; the worker's own steps {steps:.2f} s")
    print(f"  Dask overhead per task: {max(0.0, c - jobs1):.3f} s (c less --jobs 1); a no-op task's round trip "
          f"{round_trip * 1e3:.1f} ms alone, {scheduler * 1e3:.2f} ms each when {NOOP_TASKS} are submitted at once")
    print(f"  parent's serial seconds per submission: p = keep {keep:.3f} (Dask run, sharing the cores with the "
          f"workers) + reports {report_per_row:.4f} + scheduler {scheduler:.4f} = {p:.3f} s; with the keep step "
          f"timed on an idle machine ({idle_keep:.4f} s, {IDLE_KEEP_RECORDS} submissions) p = {p_idle:.3f} s")
    print(f"  model: T = N*c/W + N*p; the parent's term dominates beyond W = c/p = {c / p:.0f} workers "
          f"({c / p_idle:.0f} with the idle machine's p)")
    print(f"  {'notebooks':>10} {'workers':>8} {'hours':>8} {'N*c/W h':>8} {'N*p h':>7}  {'dominated by':<20}"
          f"  {'hours, idle p':>13}  dominated by")
    for n in MODEL_SIZES:
        for w in MODEL_WORKERS:
            work, serial, idle = n * c / w / 3600, n * p / 3600, n * p_idle / 3600
            print(f"  {n:>10,} {w:>8} {work + serial:8.2f} {work:8.2f} {serial:7.2f}  {_dominant(work, serial):<20}"
                  f"  {work + idle:13.2f}  {_dominant(work, idle)}")


def _dominant(work, serial):
    return "the workers" if work >= serial else "the parent (serial)"


def _mean(values):
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def _cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else ():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


# ---- the other sections ----

def bench_submission_checks():
    from nbformat import v4

    from grader.intake.snapshots import Snapshots
    from grader.intake.collect import collect
    from grader.grading.notebook import load_submission

    with tempfile.TemporaryDirectory(prefix="grader-bench-") as folder:
        nb = nbformat.read(source_notebook(BENCH_ASSIGNMENT), as_version=4)
        for _ in range(1900):  # 1,900 outputs of 10 kB: a notebook someone printed a lot in
            nb.cells.append(v4.new_code_cell("print(x)", outputs=[v4.new_output("stream", text="x" * 10_000)]))
        path = Path(folder) / "student" / BENCH_ASSIGNMENT / f"{BENCH_ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
        timings = {}
        snapshots = Snapshots(Path(folder) / ".snapshots")
        for label, step in (("collect (parent: one read, one copy)", lambda: collect(folder, {BENCH_ASSIGNMENT}, snapshots)),
                            ("load_submission (worker, in parallel)", lambda: load_submission(path)),
                            ("nbformat.validate (what collect did before)",
                             lambda: nbformat.validate(nbformat.read(path, as_version=4)))):
            started = time.perf_counter()
            step()
            timings[label] = time.perf_counter() - started
        print(f"\nchecking one {path.stat().st_size / 1e6:.0f} MB notebook")
        for label, value in timings.items():
            print(f"  {label:<45} {value:8.3f} s")
        before = timings["nbformat.validate (what collect did before)"]
        print(f"  the parent now spends {before / timings['collect (parent: one read, one copy)']:.0f}x less on it; "
              f"the worker's check is {before / timings['load_submission (worker, in parallel)']:.0f}x faster than the old one")


def bench_widget_redraws():
    """Slider move -> redrawn figure (ms), measured in the browser by the widget end-to-end test."""
    subprocess.run([sys.executable, "-m", "pytest", "tests/test_e2e_widgets.py", "-m", "e2e", "-q",
                    "-p", "no:cacheprovider"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    print(f"\n{'exploration':<35} {'control':<15} {'median ms':>10} {'max ms':>7}   target ~200 ms")
    for notebook, controls in json.loads(WIDGET_REDRAW_TIMES.read_text()).items():
        for control, timing in controls.items():
            print(f"{notebook:<35} {control:<15} {timing['median_ms']:>10} {timing['max_ms']:>7}")


# Issue 21's targets for the held-out mistakes; random pairs of edits measured per exercise.
TARGET_NAMED_REGISTERED, TARGET_NAMED_UNREGISTERED, TARGET_CHECK_P95_SECONDS = 0.95, 0.65, 1.0
PAIRS_PER_EXERCISE = 40


def bench_mistakes():
    """The mistake engine on the held-out mistakes and the correct variants, with check()'s time per call."""
    from solutions import measure

    from correct_variants import VARIANTS
    from heldout_mistakes import CONVENTIONS, HELDOUT, REGISTERED_AS

    print("\n== the mistake engine: check() on tests/heldout_mistakes.py ==")
    warnings.simplefilter("ignore")  # the mistakes divide by zero and take roots of negatives
    results = [measure.measure(fn, fn.__code__.co_name) for fn in HELDOUT]
    groups = {"registered kinds": [r for r in results if r.label in REGISTERED_AS],
              "conventions": [r for r in results if r.label in CONVENTIONS],
              "unregistered kinds": [r for r in results if r.label not in REGISTERED_AS and r.label not in CONVENTIONS]}
    print(f"{'':20s}{'mistakes':>9s}" + "".join(f"{c:>12s}" for c in measure.CATEGORIES) + f"{'named %':>9s}")
    for group, members in [*groups.items(), ("all", results)]:
        counts = measure.counts(members)
        print(f"{group:20s}{len(members):9d}" + "".join(f"{counts[c]:12d}" for c in measure.CATEGORIES)
              + f"{100 * counts['named'] / max(len(members), 1):8.0f}%")
    for result in results:
        if result.category in ("misleading", "accepted"):
            print(f"  {result.category.upper()}: {result.label} ({result.exercise}): {result.message[:200]}")
    pairs = [measure.measure(fn, label) for label, fn in measure.double_edits(seed=2113, per_exercise=PAIRS_PER_EXERCISE)]
    pair_counts = measure.counts(pairs)
    print(f"random pairs of edits (none a candidate): {len(pairs)}, "
          + ", ".join(f"{category} {pair_counts[category]}" for category in measure.CATEGORIES))
    for result in pairs:
        if result.category in ("misleading", "accepted"):
            print(f"  {result.category.upper()}: {result.label}: {result.message[:200]}")
    rejected = [variant.__code__.co_name for variant in VARIANTS if measure.measure(variant).category != "accepted"]
    print(f"correct variants rejected: {len(rejected)} of {len(VARIANTS)}" + (f" ({', '.join(rejected)})" if rejected else ""))
    seconds = {}
    for fn in [*HELDOUT, *VARIANTS]:
        seconds.setdefault(fn.__name__, []).append(measure.time_check(fn))
    worst = max(seconds, key=lambda name: measure.percentile(seconds[name], 95))
    p95 = measure.percentile(seconds[worst], 95)
    median = measure.percentile([s for values in seconds.values() for s in values], 50)
    print(f"check() seconds per call: median {median:.3f}; worst p95 {p95:.3f} ({worst})")
    named = {group: measure.counts(members)["named"] / max(len(members), 1) for group, members in groups.items()}
    misleading = sum(counts[category] for counts in (measure.counts(results), pair_counts)
                     for category in ("misleading", "accepted"))
    print(f"targets: registered named >= {TARGET_NAMED_REGISTERED:.0%} {_met(named['registered kinds'] >= TARGET_NAMED_REGISTERED)}; "
          f"unregistered named >= {TARGET_NAMED_UNREGISTERED:.0%} {_met(named['unregistered kinds'] >= TARGET_NAMED_UNREGISTERED)}; "
          f"misleading or accepted = 0 {_met(misleading == 0)}; no correct variant rejected {_met(not rejected)}; "
          f"p95 < {TARGET_CHECK_P95_SECONDS:g} s {_met(p95 < TARGET_CHECK_P95_SECONDS)}")


def _write_submissions(folder, assignment, count):
    """``count`` students, each submitting the solved notebook (the source notebook: answers in place)."""
    solved = source_notebook(assignment).read_bytes()
    for index in range(count):
        target = folder / f"student{index:03d}" / assignment / f"{assignment}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_bytes(solved)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python benchmarks/bench.py", description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=4, help="solved submissions per assignment (default 4)")
    parser.add_argument("--assignment", action="append", choices=assignment_ids(),
                        help="only this assignment (repeatable; default all)")
    parser.add_argument("--skip-course", action="store_true")
    parser.add_argument("--skip-autograde", action="store_true")
    parser.add_argument("--skip-checks", action="store_true")
    parser.add_argument("--skip-widgets", action="store_true")
    parser.add_argument("--skip-mistakes", action="store_true")
    parser.add_argument("--mistakes-only", action="store_true", help="only the mistake engine's section (seconds)")
    args = parser.parse_args(argv)
    if args.mistakes_only:
        bench_mistakes()
        return
    os.environ.setdefault("MPLBACKEND", "Agg")
    # nbgrader runs `alembic` by name, and plain nbgrader is run as the venv's command.
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    assignments = list(args.assignment or assignment_ids())
    if not args.skip_course:
        bench_course(assignments)
    if not args.skip_checks:
        bench_submission_checks()
    if not args.skip_autograde:
        bench_autograde(args.submissions, assignments)
    if not args.skip_widgets:
        bench_widget_redraws()
    if not args.skip_mistakes:
        bench_mistakes()


if __name__ == "__main__":
    main()

"""nbgrader's exchange ``inbound/`` layout: ``<student>+<assignment>+<timestamp>[+<random>]/``, one
folder per submission; only entries the named student made count (identity.py), the latest of them.
"""

from dataclasses import dataclass

from grader.intake.identity import submission_time, valid_student_id
from grader.intake.submission import (check_assignment_folder, entry_row, INBOUND_LAYOUT, InboundClaim,
                                      parse_timestamp, Submission, unknown_assignment_row, visible, with_note)
from grader.status import Status


@dataclass(frozen=True)
class InboundName:
    student: str
    assignment: str
    time: object  # the folder's timestamp as nbgrader's parse_utc reads it (a naive UTC datetime)


def _inbound_readings(name):
    """How nbgrader collect reads an inbound folder's name: student, assignment, timestamp.

    nbgrader submit names the folder ``<student>+<assignment>+<timestamp>+<random>`` (the
    random part is URL-safe base64, so holds no "+"; it is left out when ``add_random_string``
    is off) and nbgrader collect splits it with ``rsplit('+', 3)``. That misreads a student id
    holding "+" when there is no random part, so the split without it is tried second.
    """
    if name.count("+") < 2:
        return []
    readings = []
    for parts in (name.rsplit("+", 3), name.rsplit("+", 2)):
        time = parse_timestamp(parts[2]) if parts[0] else None
        if time is not None:
            readings.append(InboundName(parts[0], parts[1], time))
    return readings


def inbound_name(name, known):
    """The reading of an inbound folder's name that names a known assignment, else None."""
    return next((r for r in _inbound_readings(name) if r.assignment in known), None)


def _inbound_reading(name, known):
    """The reading that names a known assignment, else nbgrader's own (an unknown assignment), else None."""
    readings = _inbound_readings(name)
    return next((r for r in readings if r.assignment in known), readings[0] if readings else None)


def collect_inbound(root, entries, known, snapshots, owners):
    """Each student's latest entry per assignment, among the entries that student made."""
    found, groups = [], {}
    for entry in entries:
        name = _inbound_reading(entry.name, known)
        if name is None:
            found.append(entry_row(entry.name, Status.WRONG_LAYOUT, f"{visible(entry.name)} is not an nbgrader submission "
                                    f"folder; this is an inbound folder, expected {INBOUND_LAYOUT}"))
            continue
        refusal = owners.refusal(name.student, entry.uid) if valid_student_id(name.student) else None
        if refusal:
            found.append(entry_row(entry.name, Status.WRONG_OWNER, f"{visible(entry.name)}: {refusal}"))
            continue
        time, _ = submission_time(name.time, entry.ctime, owners)
        groups.setdefault((name.student, name.assignment), []).append((time, entry.name, entry, name))
    for (student, assignment), candidates in sorted(groups.items()):
        _, _, latest, name = max(candidates)  # nbgrader collect: the latest counts (then the last name)
        note = f"latest of {len(candidates)} submissions" if len(candidates) > 1 else ""
        if not valid_student_id(student):
            found.append(Submission(visible(student), visible(assignment), status=Status.INVALID_STUDENT_ID,
                                    reason="student ids may use letters, digits and _ . @ + - only"))
        elif assignment not in known:
            found.append(unknown_assignment_row(student, assignment, known))
        elif not latest.is_folder:
            found.append(with_note(Submission(student, assignment, status=Status.WRONG_LAYOUT,
                                           reason=f"{visible(latest.name)} is not a folder (or is a symbolic "
                                           f"link); expected {INBOUND_LAYOUT}"), note))
        else:
            claim = InboundClaim(latest.name, name.time, owners)
            found.append(check_assignment_folder(student, root, latest.name, assignment, snapshots, claim=claim,
                                                  note=note))
    return found

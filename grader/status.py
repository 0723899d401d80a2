"""Every status a row of grades.csv can have: one vocabulary for collect, grading, the records,
the reports and the gradebook. Str-valued, so a status is written to CSV, JSON and gradebook.db
as the same bytes as the plain string, and a record read back compares equal to it."""

from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"
    GRADED = "graded"
    INVALID = "invalid"
    TIMEOUT = "timeout"
    GRADER_ERROR = "grader_error"
    UNREADABLE = "unreadable"
    INVALID_STUDENT_ID = "invalid_student_id"
    WRONG_LAYOUT = "wrong_layout"
    WRONG_OWNER = "wrong_owner"
    NOT_ON_ROSTER = "not_on_roster"
    WRONG_FILE_NAME = "wrong_file_name"
    MISSING = "missing"
    UNKNOWN_ASSIGNMENT = "unknown_assignment"
    NOT_SUBMITTED = "not_submitted"


# What grading itself concludes; every other status is collect's verdict, given without grading.
GRADING_STATUSES = (Status.GRADED, Status.INVALID, Status.TIMEOUT, Status.GRADER_ERROR)
# Outcomes a rerun keeps for the same bytes and settings.
FINAL = (Status.GRADED, Status.INVALID, Status.TIMEOUT)
# Nothing to grade now: these never replace an earlier grade.
ABSENT = (Status.MISSING, Status.NOT_SUBMITTED)
# Collect's statuses, and what each means.
STATUSES = {
    Status.PENDING: "found and gradable; grading replaces this status with its own (never in a report)",
    Status.INVALID: "the notebook is a symbolic link or not a regular file, has other hard links, is empty, or is "
                    "larger than 20 MB",
    Status.UNREADABLE: "the grader could not open or list the folder or file (its permissions); it is not graded",
    Status.INVALID_STUDENT_ID: "the student id (a student folder's name, or an inbound folder's first part) is not "
                               "valid: letters, digits and _ . @ + - only",
    Status.WRONG_LAYOUT: "a file or folder is not where the layout puts it (a notebook directly in the student "
                         "folder, a file or link where a student folder belongs, an inbound/ entry not named "
                         "<student>+<assignment>+<timestamp>)",
    Status.WRONG_OWNER: "an inbound/ entry made by someone other than the student it names (--owners); it counts for "
                        "nobody, and its row is named after the entry",
    Status.NOT_ON_ROSTER: "the student is not on the roster (--roster); nothing of theirs is graded or added",
    Status.WRONG_FILE_NAME: "the assignment folder holds notebooks, but none named <assignment>.ipynb",
    Status.MISSING: "the assignment folder holds no notebook",
    Status.UNKNOWN_ASSIGNMENT: "a folder names an assignment the course does not have",
    Status.NOT_SUBMITTED: "the student submitted something, but nothing for this assignment (others did)",
}

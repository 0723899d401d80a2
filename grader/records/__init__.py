"""The output folder, the system of record: gradebook.db (gradebook.py), one record per
submission (store.py), grades.csv and grades_by_cell.csv (report.py), the LMS exports
(export.py), all written atomically (atomic.py).

Runs in the parent, and in a grading process for its private gradebook. Trusts only results that
grader/grading/contract.py passed; gradebook.db is the one truth for scores; every record read
back is checked, and every field bounded and cleaned, before it reaches a report.
"""

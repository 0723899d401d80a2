"""The class report (``python -m grader report GRADES_DIR``, and at the end of every autograde run):
report.html, mistakes.csv and similarity.csv, from what an output folder holds: grades.csv,
grades_by_cell.csv (rebuilt first from records/ and gradebook.db, so manual grades count), the
autograded notebooks' answer cells and the released templates in source/.

Runs in the parent, after grading, and reads only files. Trusts nothing it reads: student ids,
answers, CSV fields a person may have edited and notebooks are all hostile; every size is bounded,
every text cleaned (records.report.clean_field) and escaped before it reaches a page or a file, and
whatever cannot be read is named on the page instead of stopping the report. Never writes a grade:
gradebook.db and grades.csv stay the one truth; a failure here never changes a run's grades or exit code.
"""

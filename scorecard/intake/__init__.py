"""Intake: a performance officer's workbook, from the bytes they upload to rows in the store.

The stages, one module each, in the order a file goes through them:

- read.py       bytes -> sheets of cells (.xlsx via python-calamine, .csv, .zip of CSVs), refusing files
                that are unsafe or not workbooks; styles.py adds what calamine does not give (percentage
                formats, fill colours)
- format.py     the scorecard workbook, version 1: every sheet and column, defined once (the template, the
                plan export and the store's tables take their columns from it)
- sheetmap.py   which role each sheet plays and what each of its columns feeds (rows.py: data rows, group
                headings and notes under the header)
- plan_sheet.py, measures_sheet.py, values_sheet.py, benchmarks_sheet.py, audits_sheet.py,
  actions_sheet.py   each role's parser, reading cells through cells.py (text, numbers, limits) and the
                words councils use (words.py); checks.py looks across sheets once all are read
- parse.py      the parse stage as a whole: sheets -> ParsedWorkbook (records and issues.py's issues)
- load.py       check a file (read + parse, nothing written), then commit it to the store in one transaction
- preview.py    what a checked file would change in the store, before it is loaded
- template.py   the blank workbook; export.py a plan's data as a workbook to correct and load again
"""

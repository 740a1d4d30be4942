"""Reliability tests: crashes, signals, concurrency, hostile input, terminals and fuzzing.

The normal run keeps the counts small (the directory finishes in about a minute);
`CALM_RELIABILITY_LONG=1` (or `scripts/reliability.py --long`) runs the same tests with bigger
counts. Every test adds its figures to `helpers.FIGURES`, printed at the end of the run and
written as JSON to `$CALM_RELIABILITY_REPORT` when that is set.
"""

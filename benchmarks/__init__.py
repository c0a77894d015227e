"""Benchmarks, run with `make bench`: medians against a baseline measured in the same run."""

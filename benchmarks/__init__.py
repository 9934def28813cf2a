"""Benchmarks anyone can run with `make bench`; each reports ratios from one run."""

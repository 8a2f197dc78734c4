"""Benchmarks: `make bench` or `python -m bench [ingest|filter] [--quick]`; see README.md."""

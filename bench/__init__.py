"""Benchmarks: `make bench-nlu`, `make bench-load` (see bench/README.md)."""

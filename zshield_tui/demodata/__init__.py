"""Realistic demo alerts for `zshield demo`, the tests and the benchmarks.

Everything points at a fictional org (`yourorg`) and at documentation address ranges and
reserved domains, so nothing generated here can name a real host. Imports only the domain
layer and the standard library.
"""

from .evidence import write_evidence_files
from .generator import generate_alerts

__all__ = ["generate_alerts", "write_evidence_files"]

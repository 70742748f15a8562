"""``python -m runbook``."""

from runbook.console import run

run()

"""runbook.run."""

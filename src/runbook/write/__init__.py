"""runbook.write."""

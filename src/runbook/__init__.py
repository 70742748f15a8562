"""runbook: make Markdown playbooks executable."""

__version__ = "0.1.0"

"""Reporters: pure renderers of a RunResult (terminal, JSON, JUnit, HTML, summaries)."""

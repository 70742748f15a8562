"""runbook.lint.check"""

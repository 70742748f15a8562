"""runbook.parse.markdown"""

"""runbook.judge.verdict"""

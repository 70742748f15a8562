"""parse: Markdown text -> :class:`~runbook.model.Document`, everything validated before anything runs.

Owns reading a playbook: the markdown-it token stream and YAML front matter
(``markdown``, the only markdown-it/PyYAML user), blocks and heading rules (``blocks``),
what blocks mean (``structure``: steps, phases, ids, expected output, criteria
ownership), attributes and directives (``attrs``), role-giving prose (``labels``),
commands and transcripts (``commands``, ``transcript``), placeholders, annotation
regions (``regions``) and the "PASS if" clause grammar (``grammar``). It may import
only the base modules (model, errors, source, config) and ``shell``; never judge, run
or anything later.
"""

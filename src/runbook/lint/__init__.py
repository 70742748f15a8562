"""lint: ``runbook check``, findings about a Document without running it.

Owns the stable finding codes and the Finding record (``codes``), the entry point that
parses, runs every rule and filters codes (``check``) and the rules, grouped by what
they read: document structure (``rules_doc``), steps and criteria (``rules_steps``),
shell hazards (``rules_shell``). Rules import ``codes``, never ``check`` (no cycle). It
may import the base modules and ``shell``, ``parse``, ``judge``, ``run``, ``write``;
never report, api or cli.
"""

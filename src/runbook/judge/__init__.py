"""judge: evidence of a run -> verdict, as pure functions (no shell, no files).

Owns deciding: criterion clauses against output and exit status (``criteria``),
expected-output matching with ``...``/``(re)``/``(glob)`` and the diff (``matching``),
ANSI/CR normalisation (``normalise``), troubleshooting rows that match a failure
(``trouble``) and the step verdict with drift and the default exit check
(``verdict``). It may import the base modules, ``shell`` and ``parse``; never run,
write or anything later.
"""

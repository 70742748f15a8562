"""run: a Document and Settings -> RunResult, in one persistent shell.

Owns executing: which steps run (``plan``), the run's policy (``runner``: phases,
blocking, retries, ``within``, teardown, secrets; ``background`` and ``requires`` for
background steps and ``requires:``), the interfaces it
talks through (``protocol``: Session, Observer), the pty shell (``session``, the only
pexpect user, with ``shell_lines``, ``capture`` and ``procs``) and secret masking
(``mask``). It may import the base modules, ``shell``, ``parse`` and ``judge``; never
write, lint, report, api or cli. It never prints: observers are told.
"""

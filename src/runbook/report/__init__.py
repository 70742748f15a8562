"""report: pure renderers of a RunResult (terminal, JSON, JUnit, HTML, Markdown summary).

Owns what a finished or running run looks like outside the document: the live terminal
report, an Observer (``terminal``, the only rich user), the JSON of spec §8 and its
reader (``json``), JUnit XML (``junit``), the self-contained HTML page (``html``, the document rendered by ``html_markdown``) and
the CI step summary (``summary``). It may import every earlier stage (base modules,
``shell``, ``parse``, ``judge``, ``run``, ``write``, ``lint``); never api or cli.
"""

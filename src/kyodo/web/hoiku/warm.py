"""What the nursery pages read once per process, read before the web server forks (`kyodo.web.serve.warm`).

The run page names every shipped ward's rules (the what-if form offers them) and reads the run's own rules through
`kyodo.hoiku.rules.versions`: without this, each worker spends its first run page reading the shipped rules files.
"""

from __future__ import annotations


def warm() -> None:
    import kyodo.hoiku.rules.versions  # noqa: F401 (imported by the run page's first what-if form)
    from kyodo.hoiku.model.labels import rules_label
    from kyodo.hoiku.rules import available_rules

    for name in available_rules():
        rules_label(name)

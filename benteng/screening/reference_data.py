"""Reference data of screening: the default risk rules and the destination countries.

Idempotent and additive: creates the rules and countries that are missing, never touches a
row an analyst may have edited, and records the first rule set version (or a new one when
shipped rules or countries were added to an existing installation). The work is
``rules_load_defaults`` in ``rules.py``, which also seeds a database that has none yet.
"""

from __future__ import annotations

from benteng.screening.rules import rules_load_defaults


def load_reference() -> str:
    return rules_load_defaults()

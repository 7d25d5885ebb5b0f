"""The demo county: a realistic Kent fostering duty desk, built by ``dutydesk demo``.

``build(database, seed, households, children, progress)`` is the entry point
(see ``dutydesk.demo.build``); the modules split the work: names, people,
households, children (and placements), history, scenarios.
"""

from dutydesk.demo.build import DemoSummary, build, has_data, prepare_store

__all__ = ["DemoSummary", "build", "has_data", "prepare_store"]

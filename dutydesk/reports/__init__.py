"""Reports from the desk's own records: consistency, sufficiency, vacancies, timescales, and a carer's letter.

Read models only: each report is built with SQL aggregates over the records the
duty process already keeps, returns plain dataclasses, and never writes except
the audit line when a report leaves the desk (``reports.export``). The screens
and the command line call ``reports.run`` and ``reports.drill``; nothing here
imports Textual.
"""

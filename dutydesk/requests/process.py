"""The duty-process names that ``screens/`` calls through ``process.X`` today.

Only a bridge: the steps live in ``steps`` (searching, contacting, closing),
``decisions`` (propose, sign off, return), ``views`` and ``lists`` (reading).
Nothing in ``dutydesk/`` imports this module; delete it once the screens import
from those homes.
"""

from __future__ import annotations

from dutydesk.requests.decisions import propose, return_decision, sign_off
from dutydesk.requests.lists import contact_list, list_requests
from dutydesk.requests.steps import close_unmet, mark_searched, record_contact, withdraw
from dutydesk.requests.views import request_detail

__all__ = ["close_unmet", "contact_list", "list_requests", "mark_searched", "propose", "record_contact",
           "request_detail", "return_decision", "sign_off", "withdraw"]

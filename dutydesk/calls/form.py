"""The call form's fields, read as a call to log: which field is wrong, in the desk's words.

The form sends a snapshot of its fields (plain JSON-able values, the same dict a
draft holds) and gets back the ``CallInput`` for ``call_log.log_call``, or an
``InvalidInput`` whose ``field`` names the form field to fix (the form puts the
cursor there). "Back by" is a team code or a worker's login, looked up in the store.
"""

from __future__ import annotations

from typing import Any

from dutydesk.access.desk import Desk
from dutydesk.calls import call_log as calls
from dutydesk.calls import typed
from dutydesk.calls.intake import ChildInput, RequestInput
from dutydesk.errors import InvalidInput, NotFound


def _fail(field: str, message: str) -> InvalidInput:
    err = InvalidInput(message)
    err.field = field  # type: ignore[attr-defined]
    return err


def call_input_from_fields(desk: Desk, f: dict[str, Any]) -> calls.CallInput:
    """The CallInput the fields describe; InvalidInput (with ``.field``) says what to fix."""

    def need(ok: bool, field: str, message: str) -> None:
        if not ok:
            raise _fail(field, message)

    def parsed(field: str, fn: Any) -> Any:
        try:
            return fn()
        except InvalidInput as err:
            err.field = field  # type: ignore[attr-defined]
            raise

    need(f["caller_type"] is not None, "caller_type", "Choose who called: press p police, w child's SW, ...")
    need(f["category"] is not None, "category", "Choose what the call is about: r placement request, ...")
    need(bool(f["summary"].strip()), "summary", "Type a one-line summary of the call.")
    received = parsed("received", lambda: typed.parse_when(f["received"], what="Time received"))
    new_child = None
    if f["new_child"] and not f["child"]:
        new_child = child_from_fields(f)
    # Children added before this one (ctrl+n): a sibling group, or a parent and their baby.
    earlier_ids = [c["id"] for c in f.get("children") or () if isinstance(c.get("id"), int)]
    earlier_new = [child_from_fields(c, field="child") for c in f.get("children") or () if "id" not in c]
    request = None
    if f["category"] == "placement_request":
        need(f["req_type"] is not None, "req_type", "Choose the placement type: e emergency, s short term, ...")
        need(f["req_urgency"] is not None, "req_urgency", "Choose the urgency: e emergency, u urgent, p planned.")
        need(bool(f["child"] or new_child or earlier_ids or earlier_new), "child",
             "A placement request needs the child: type a name, or Enter on no match to record them.")
        child_ids = tuple(earlier_ids + ([f["child"]["id"]] if f["child"] else []))
        new_children = tuple(earlier_new + ([new_child] if new_child else []))
        need(len(set(child_ids)) == len(child_ids), "child", "The same child is added twice; remove the repeat.")
        start = parsed("req_from", lambda: typed.parse_day(f["req_from"], what="Needed from"))
        need(start is not None, "req_from", "Type the date the placement is needed from (DD/MM/YYYY or today).")
        km = f["req_km"].strip()
        limits = set(f["req_limits"])
        request = RequestInput(
            placement_type=f["req_type"], urgency=f["req_urgency"], needed_from=start,
            child_ids=child_ids, new_children=new_children,
            needed_until=parsed("req_until", lambda: typed.parse_day(f["req_until"], what="Needed until")),
            needs=frozenset(f["req_needs"]), needs_wheelchair_access="wheelchair" in limits,
            near_place_id=f["req_place"]["id"] if f["req_place"] else None,
            max_distance_km=float(km) if km else None,
            no_younger_children="no_younger_children" in limits, no_other_children="no_other_children" in limits,
            no_pets="no_pets" in limits, no_smokers="no_smokers" in limits,
        )
    callback = None
    if f["cb_due"].strip():
        due = parsed("cb_due", lambda: typed.parse_when(f["cb_due"], what="Call back", prefer_future=True))
        callback = calls.CallbackInput(due_at=due, **callback_owner(desk, f["cb_for"]))
    elif f["cb_for"].strip():
        need(False, "cb_due", "A callback needs a time: type HH:MM or +30m, or clear 'Back by'.")
    return calls.CallInput(
        caller_type=f["caller_type"], category=f["category"], summary=f["summary"], received_at=received,
        direction=f["direction"] or "incoming", caller_name=f["caller_name"], caller_phone=f["caller_phone"],
        notes=f["notes"], **call_child(f, request, new_child, earlier_ids, earlier_new),
        household_id=f["household"]["id"] if f["household"] else None, request=request, callback=callback,
    )


def call_child(f: dict[str, Any], request: Any, new_child: Any, earlier_ids: list[int],
               earlier_new: list[Any]) -> dict[str, Any]:
    """The child the call is linked to: with a request, the service links the request's first child."""
    if request is not None:
        return {"child_id": None, "new_child": None}
    if earlier_ids or earlier_new:
        return {"child_id": earlier_ids[0] if earlier_ids else None,
                "new_child": None if earlier_ids else earlier_new[0]}
    return {"child_id": f["child"]["id"] if f["child"] else None, "new_child": new_child}


def child_from_fields(f: dict[str, Any], *, field: str = "") -> ChildInput:
    """A new child from the form's child fields (``field`` names where to send the cursor instead)."""

    def need(ok: bool, name: str, message: str) -> None:
        if not ok:
            raise _fail(field or name, message)

    age_text = f["child_age"].strip()
    need(bool(f["child_first"].strip()), "child_first", "Type the child's first name (or 'unknown').")
    need(bool(age_text), "child_age", "Type the child's age, their date of birth as DD/MM/YYYY, "
                                      "or 'due DD/MM/YYYY' for a baby not born yet.")
    need(f["child_gender"] is not None, "child_gender", "Choose the child's gender: f, m, n or u.")
    expected = age_text.lower().startswith("due")
    age = int(age_text) if age_text.isdigit() else None
    dob = None
    if age is None:
        try:
            dob = typed.parse_day(age_text[3:] if expected else age_text,
                                  what="Expected date of birth" if expected else "Date of birth")
        except InvalidInput as err:
            err.field = field or "child_age"  # type: ignore[attr-defined]
            raise
        need(dob is not None, "child_age", "After 'due', type the expected date of birth as DD/MM/YYYY.")
    return ChildInput(first_name=f["child_first"], last_name=f["child_last"], age=age, date_of_birth=dob,
                      gender=f["child_gender"], expected=expected)


def callback_owner(desk: Desk, text: str) -> dict[str, Any]:
    """'OOH' (a team code) or 'dana' (a login); blank: the worker's own team."""
    t = text.strip()
    if not t:
        return {}
    try:
        return {"team_id": calls.team_id_for(desk, t)}
    except NotFound:
        pass
    try:
        return {"assigned_to_id": calls.user_id_for(desk, t)}
    except NotFound:
        raise _fail("cb_for", f"'Back by' {t!r} is neither a team code nor a worker's login; "
                              "type a team code such as OOH, a login, or leave it blank.") from None

"""App-wide desk actions: one registry of things you can do from any screen.

This is the extension point for new screens. Each entry becomes

- an app-level key binding (with a binding ``id``, so a keymap can remap it),
  shown in the footer and in F1 help;
- a command in the command palette (ctrl+p), on every screen;
- an action, ``app.desk('<id>')``, that any screen or widget may trigger.

To add one (say the call form), add a line to ``DESK_ACTIONS`` below::

    DeskAction("log_call", "f2", "Log call", "Log a call: who rang, why, what happens next",
               screen="screens.call_form:CallFormScreen", roles=LOGGING_ROLES),

``screen`` names the Screen class as ``"module:Class"``; it is imported only
when the action is used, so start-up stays fast. The class is built with no
arguments and finds the signed-in user on ``self.app.desk`` (a
``dutydesk.access.desk.Desk``, handed to services). Until the module exists the
action says it is not ready yet instead of failing. ``roles`` (the name of a
``dutydesk.access.identity.Permission``) hides the action from people whose role
cannot use it; the service still checks.

A screen's *own* keys need nothing here: give the screen ``BINDINGS`` with a
description and they appear in the footer, in F1 help and in the palette
(``screens.palette``). A screen may add palette-only commands by defining
``palette_commands(self) -> Iterable[PaletteCommand]``, and may stop the app
quitting while it holds unsaved work by defining ``unsaved_changes(self) -> str | None``
(a sentence such as "The call you are typing is not saved."); the app then asks first.

Keys are ones that cross SSH: F-keys and ctrl+letter for app-wide actions,
plain letters for a screen's own actions. Each action's binding id is
``desk.<id>``, so a person can remap it in ``keys.toml`` (see ``screens.app``).
Subclass ``screens.base.DeskScreen`` for ``self.desk`` and worker-error handling.
"""

from __future__ import annotations

from dataclasses import dataclass

# Who may use an action: the name of a ``dutydesk.access.identity.Permission``. It is looked up
# only once the desk is open, so this module (on the path to the first frame) imports nothing heavy.
LOGGING_ROLES = "LOG"
MANAGER_ROLES = "SIGN_OFF"
REPORT_ROLES = "LOG"  # a duty worker sees their own team's consistency only (the service decides)


@dataclass(frozen=True, slots=True)
class DeskAction:
    id: str
    key: str
    title: str
    help: str
    screen: str | None = None
    roles: str | None = None  # a Permission name (LOGGING_ROLES, MANAGER_ROLES); None: everyone
    show: bool = True

    @property
    def binding_id(self) -> str:
        return f"desk.{self.id}"

    def allowed_for(self, role: str | None) -> bool:
        if self.roles is None:
            return True
        if role is None:
            return False
        from dutydesk.access.identity import Permission

        return role in {r.value for r in getattr(Permission, self.roles)}


DESK_ACTIONS: list[DeskAction] = [
    DeskAction("home", "f9", "Dashboard", "Go back to the duty dashboard",
               screen="screens.dashboard:DashboardScreen", show=False),
    DeskAction("log_call", "f2", "Log call", "Log a call: who rang, why, what happens next",
               screen="screens.call_form:CallFormScreen", roles=LOGGING_ROLES),
    DeskAction("find_carer", "f3", "Find carer", "Find a foster carer household by name, place or terms",
               screen="screens.finder:FinderScreen"),
    DeskAction("requests", "f4", "Requests", "Placement requests through the duty process",
               screen="screens.request_list:RequestListScreen", show=False),
    DeskAction("oversight", "f6", "Oversight", "Decisions waiting for a manager's sign-off",
               screen="screens.oversight:OversightScreen", roles=MANAGER_ROLES),
    DeskAction("calls", "f7", "Calls", "Find calls: filter by date, team, category, caller; search the notes",
               screen="screens.calls_list:CallsListScreen", show=False),
    DeskAction("callbacks", "f5", "Callbacks", "Callbacks due: yours and your team's; done, snooze, reassign",
               screen="screens.callbacks:CallbacksScreen", show=False),
    DeskAction("handover", "f10", "Handover", "Handover: what the next shift must know; write and read notes",
               screen="screens.handover:HandoverScreen", show=False),
    DeskAction("allegations", "ctrl+g", "Allegations", "Allegations and concerns: the open ones and their next steps",
               screen="screens.allegation_list:AllegationListScreen", show=False),
    DeskAction("reports", "f8", "Reports", "Reports: consistency, sufficiency, vacancies, timescales",
               screen="screens.reports:ReportsScreen", roles=REPORT_ROLES, show=False),
    DeskAction("audit", "ctrl+r", "Audit trail", "Audit trail: who did or opened what; filter by user, record, date",
               screen="screens.audit:AuditScreen", roles="READ_AUDIT", show=False),
]


def register(action: DeskAction) -> None:
    """Add or replace an action at run time (before the app starts)."""
    DESK_ACTIONS[:] = [a for a in DESK_ACTIONS if a.id != action.id] + [action]


def find(action_id: str) -> DeskAction | None:
    return next((a for a in DESK_ACTIONS if a.id == action_id), None)

"""Over 400 lines because it is the desk's sixteen scenarios, one short method each on one class that
shares the county being built; split up, each part would need that whole state passed back and forth.

The situations of the desk's scenario list, placed in the demo so they can be found and worked.

Each scenario's records carry a recognisable reference (``PR-S01``, ``CR-S06``,
``AL-S09``...) and the summary printed after the build lists them. Times are
anchored on the demo's clock: the night-time placement on the latest 02:10 that
has passed, the shift change on the latest 17:00 that has passed, so nothing
lies in the future.
"""

from __future__ import annotations

import datetime as dt

from db.enums import (
    AllegationEventKind,
    AllegationStatus,
    CallbackStatus,
    CallCategory,
    CallerType,
    CandidateStatus,
    DecisionKind,
    DecisionStatus,
    Gender,
    GenderTerms,
    HouseholdKind,
    HouseholdStatus,
    LegalStatus,
    PlacementEndReason,
    PlacementType,
    RequestState,
    Specialism,
    UnmetNeed,
    UnmetResolution,
    Urgency,
)
from dutydesk.demo import considered as K
from dutydesk.demo import search_log
from dutydesk.demo import steps as H
from dutydesk.demo.children import Stay, new_child, placement_row, stay
from dutydesk.demo.county import HH, County, Kid
from dutydesk.demo.households import new_household

P = PlacementType
S = Specialism
RS = RequestState
CS = CandidateStatus
DAY = dt.timedelta(days=1)

TITLES = {
    1: "Police protection at night",
    2: "Sibling group of three",
    3: "Carer with an empty bed asks why",
    4: "Disabled child, short breaks",
    5: "Teenager, placement breakdown",
    6: "Unaccompanied asylum-seeking child",
    7: "Parent and child",
    8: "Connected person (grandmother)",
    9: "Allegation",
    10: "Out-of-area child",
    11: "Shift change",
    12: "Two workers, one bed",
}

# How many children the scenarios create (the build keeps the total to --children).
CHILDREN = 17


class Scenarios:
    def __init__(self, county: County) -> None:
        self.c = county
        self.hh: dict[str, HH] = {}
        self.kid: dict[str, Kid] = {}
        now = county.now
        today = county.today
        # The latest night whose 02:10 call and 03:10 placement have passed.
        self.night = today if county.at(today, 3, 20) <= now else today - DAY
        # The latest shift change (17:00) that has passed; the day's events lead up to it.
        self.day = today if county.at(today, 17, 5) <= now else today - DAY
        self.open_allegations: list = []  # recorded through the allegations service (log_allegations)

    def place(self, name: str):
        return next(p for p in self.c.places if p.name == name)

    def t(self, day: dt.date, hhmm: str) -> dt.datetime:
        h, m = hhmm.split(":")
        return self.c.at(day, int(h), int(m))

    def user(self, username: str):
        return self.c.users[username]

    # ------------------------------------------------------------ households (written with the rest)

    def households(self) -> None:
        c = self.c
        today = c.today
        A = HouseholdStatus.APPROVED
        old = today - dt.timedelta(days=6 * 365)

        def add(key, kind, town, name, **kw):
            kw.setdefault("status", A)
            kw.setdefault("approved_on", old + dt.timedelta(days=len(self.hh) * 37))
            kw.setdefault("annual_review_due", today + dt.timedelta(days=90 + len(self.hh) * 7))
            kw.setdefault("dbs_expires_on", today + dt.timedelta(days=400))
            kw.setdefault("smoker", False)
            h = new_household(c, kind, self.place(town), name=name, scenario=True, **kw)
            self.hh[key] = h
            return h

        IN, CP, IFA = HouseholdKind.IN_HOUSE, HouseholdKind.CONNECTED_PERSON, HouseholdKind.IFA
        # 1: two emergency-approved carers near Margate.
        add("s1_no_answer", IN, "Westgate-on-Sea", "Fletcher, Joanne and Mark", age_min=8, age_max=17,
            places=2, occupied=1, types=frozenset({P.EMERGENCY, P.SHORT_TERM}),
            specialisms=frozenset({S.TEENAGERS}), vacant_since=today - dt.timedelta(days=12))
        add("s1_placed", IN, "Birchington", "Pearce, Karen", age_min=10, age_max=17, places=2, occupied=2,
            reserved=1, types=frozenset({P.EMERGENCY, P.SHORT_TERM, P.LONG_TERM}),
            specialisms=frozenset({S.TEENAGERS}), vacant_since=None)
        # 3: a Thanet carer with a bed empty for exactly 47 days.
        add("s3", IN, "Ramsgate", "Kemp, Susan and Gary", age_min=5, age_max=17, places=2, occupied=1,
            types=frozenset({P.SHORT_TERM, P.LONG_TERM}), specialisms=frozenset(),
            vacant_since=today - dt.timedelta(days=47), other_children_ages="")
        # 4: wheelchair-accessible households approved for short breaks.
        for key, town, name, specs in [
            ("s4_a", "Ashford", "Gibbs, Helen and Andrew", {S.DISABILITY, S.COMPLEX_HEALTH}),
            ("s4_b", "Folkestone", "Mensah, Abena", {S.DISABILITY}),
            ("s4_c", "Maidstone", "Wright, Paul and Simon", set()),
        ]:
            add(key, IN, town, name, age_min=5, age_max=17, places=2, occupied=0, wheelchair=True,
                types=frozenset({P.SHORT_BREAKS, P.SHORT_TERM}), specialisms=frozenset(specs),
                vacant_since=today - dt.timedelta(days=20 + len(self.hh)))
        # 5: the carers giving notice on a 15-year-old.
        add("s5", IN, "Hythe", "Turner, Lisa and Dean", age_min=11, age_max=17, places=2, occupied=1,
            types=frozenset({P.SHORT_TERM, P.LONG_TERM}), specialisms=frozenset({S.TEENAGERS}),
            vacant_since=self.day, other_children_ages="12")
        # 6: Pashto-speaking households approved for unaccompanied asylum-seeking children.
        for key, kind, town, name, langs in [
            ("s6_a", IN, "Folkestone", "Ahmadi, Farida and Ahmad", "english,pashto,dari"),
            ("s6_b", IN, "Canterbury", "Karimi, Mariam", "english,pashto"),
            ("s6_c", IN, "Dover", "Noori, Soraya and Rahim", "english,dari"),
            ("s6_d", IFA, "Ashford", "Hashimi, Layla and Jamal", "english,pashto,urdu"),
        ]:
            add(key, kind, town, name, age_min=12, age_max=17, places=2, occupied=0, languages=langs,
                religion="Muslim", ethnicity="Asian Other - Afghan",
                types=frozenset({P.EMERGENCY, P.SHORT_TERM, P.LONG_TERM}),
                specialisms=frozenset({S.UASC, S.TEENAGERS}),
                vacant_since=today - dt.timedelta(days=9 + len(self.hh)),
                agency="Channel Foster Care" if kind == IFA else None)
        # 7: parent-and-child households.
        for key, town, name in [("s7_a", "Gravesend", "Adeyemi, Grace and Samuel"),
                                ("s7_b", "Dartford", "Harris, Nicola"),
                                ("s7_c", "Maidstone", "Okonkwo, Chioma")]:
            add(key, IN, town, name, age_min=0, age_max=17, places=2, occupied=0, pets=False,
                types=frozenset({P.PARENT_AND_CHILD, P.SHORT_TERM}), specialisms=frozenset({S.BABIES}),
                vacant_since=today - dt.timedelta(days=30 + len(self.hh)))
        # 8: a grandmother approved yesterday as a connected person (temporary approval).
        s8_day = self.day - DAY
        add("s8", CP, "Sittingbourne", "Doyle, Maureen", age_min=7, age_max=7, places=1, occupied=1, reserved=1,
            types=frozenset({P.SHORT_TERM}), specialisms=frozenset(), approved_on=s8_day,
            approval_expires_on=s8_day + dt.timedelta(weeks=16), approval_extended=False,
            annual_review_due=s8_day + dt.timedelta(weeks=16), vacant_since=None, pets=True)
        # 9 and the two other open allegations: approved households the allegations service puts on hold.
        add("s9", IN, "Herne Bay", "Bell, Tracey and Wayne", age_min=5, age_max=12, places=2, occupied=1,
            reserved=1, types=frozenset({P.SHORT_TERM, P.LONG_TERM}), specialisms=frozenset(),
            vacant_since=today - dt.timedelta(days=33))
        add("al_2", IN, "Gravesend", "Morris, Kelly", age_min=0, age_max=10, places=2, occupied=2, reserved=1,
            types=frozenset({P.SHORT_TERM}), vacant_since=None)
        add("al_3", IN, "Tunbridge Wells", "Scott, Donna and Lee", age_min=8, age_max=17, places=3, occupied=2,
            reserved=1, types=frozenset({P.SHORT_TERM, P.LONG_TERM}), vacant_since=today - dt.timedelta(days=70))
        # 10: an IFA household where another authority has placed a child.
        add("s10", IFA, "Deal", "Francis, Marcia and Andre", age_min=8, age_max=17, places=2, occupied=2,
            reserved=1, agency="Harbour Fostering", types=frozenset({P.SHORT_TERM, P.LONG_TERM}),
            specialisms=frozenset({S.TEENAGERS}), vacant_since=None)
        # 12: exactly one free place, wanted by two teams at once.
        add("s12", IN, "Maidstone", "Cooper, Emma and David", age_min=0, age_max=17, places=2, occupied=1,
            types=frozenset({P.EMERGENCY, P.SHORT_TERM}), specialisms=frozenset({S.SIBLING_GROUPS}),
            vacant_since=today - dt.timedelta(days=5), gender_terms=GenderTerms.ANY)
        for h in self.hh.values():
            if h.kind == HouseholdKind.CONNECTED_PERSON:
                continue
            h.approval_expires_on = None

    # ------------------------------------------------------------ children (before the background ones)

    def children(self) -> None:
        c = self.c
        today = c.today

        def kid(key, ref, first, last, age, gender, town, *, school=True, day=None, known=None, **kw):
            k = new_child(c, age, gender, self.place(town), ref_day=day or today, case_reference=ref,
                          created_day=known or (day or self.day) - dt.timedelta(days=2),
                          first_name=first, last_name=last,
                          school=self.place(town) if school and age >= 4 else None, **kw)
            self.kid[key] = k
            return k

        F, M = Gender.FEMALE, Gender.MALE
        kid("s1", "CR-S01", "Kayla", "Marsh", 13, F, "Margate", legal_status=LegalStatus.POLICE_PROTECTION,
            known=self.night - dt.timedelta(days=400),
            needs=frozenset(), day=self.night)
        kid("s2_a", "CR-S02A", "Tyler", "Brooks", 9, M, "Sittingbourne", family_key="BROOKS-S02", needs=frozenset())
        kid("s2_b", "CR-S02B", "Jayden", "Brooks", 7, M, "Sittingbourne", family_key="BROOKS-S02", needs=frozenset())
        kid("s2_c", "CR-S02C", "Leo", "Brooks", 4, M, "Sittingbourne", family_key="BROOKS-S02", needs=frozenset())
        kid("s3_past", "CR-S03", "Poppy", "Gardner", 8, F, "Ramsgate", needs=frozenset(), known=today - dt.timedelta(days=220),
            day=today - dt.timedelta(days=47))
        kid("s4", "CR-S04", "Ruby", "Clarke", 10, F, "Ashford", needs=frozenset({S.DISABILITY}), wheelchair=True,
            legal_status=LegalStatus.SECTION_20,
            notes="Cerebral palsy; uses a wheelchair. Short breaks every other weekend, Friday 16:00 to Sunday 16:00.")
        kid("s5", "CR-S05", "Connor", "Walsh", 15, M, "Folkestone", needs=frozenset({S.TEENAGERS}), known=today - dt.timedelta(days=250),
            legal_status=LegalStatus.CARE_ORDER)
        kid("s6", "CR-S06", "Zabihullah", "Safi", 16, M, "Dover", school=False, uasc=True, languages="pashto",
            religion="Muslim", ethnicity="Asian Other - Afghan", legal_status=LegalStatus.SECTION_20,
            needs=frozenset({S.UASC}),
            notes="Arrived at Dover today; speaks Pashto only. Age accepted as 16 pending assessment.")
        kid("s7_mum", "CR-S07A", "Chloe", "Parker", 17, F, "Gravesend", family_key="PARKER-S07",
            needs=frozenset(), legal_status=LegalStatus.SECTION_20)
        kid("s7_baby", "CR-S07B", "Freya", "Parker", 0, F, "Gravesend", family_key="PARKER-S07",
            needs=frozenset({S.BABIES}), legal_status=LegalStatus.INTERIM_CARE_ORDER,
            dob=self.day - dt.timedelta(days=3))
        kid("s8", "CR-S08", "Alfie", "Doyle", 7, M, "Sittingbourne", needs=frozenset(), known=self.day - dt.timedelta(days=3),
            legal_status=LegalStatus.INTERIM_CARE_ORDER)
        kid("s9", "CR-S09", "Lily", "Ward", 9, F, "Herne Bay", needs=frozenset(), legal_status=LegalStatus.CARE_ORDER,
            known=today - dt.timedelta(days=410))
        kid("al_2", "CR-AL2", "Mason", "Reed", 6, M, "Gravesend", needs=frozenset(), legal_status=LegalStatus.CARE_ORDER,
            known=today - dt.timedelta(days=160))
        kid("al_3", "CR-AL3", "Jade", "Fox", 14, F, "Tunbridge Wells", needs=frozenset(), known=today - dt.timedelta(days=160),
            legal_status=LegalStatus.SECTION_20)
        kid("s10", "CR-S10", "Jordan", "Campbell", 12, M, "Deal", needs=frozenset(), known=today - dt.timedelta(days=22),
            legal_status=LegalStatus.CARE_ORDER, placing_authority="London Borough of Croydon",
            social_worker="Andrea Phillips (Croydon)",
            notes="Placed by the London Borough of Croydon, which keeps statutory responsibility "
                  "(care order). Kent provides local support and out-of-hours cover only.")
        kid("s12_a", "CR-S12A", "Evie", "Marsh", 6, F, "Maidstone", needs=frozenset())
        kid("s12_b", "CR-S12B", "Harry", "Gibbs", 8, M, "Sittingbourne", needs=frozenset())
        assert len(self.kid) == CHILDREN

    # ------------------------------------------------------------ history

    def _req(self, number: str, kids, team, worker, ptype, urgency, needed_from, steps, **kw):
        rid = self.c.next_id("placement_requests")
        r = H.Req(rid, f"PR-S{number}", kids, team, worker, ptype, urgency, needed_from)
        r.steps = steps
        H.write_request(self.c, r, extras=False, **kw)
        return r

    def _cand(self, r, hh: HH, status, reason, at, contacts=()):
        """A candidate after the request's saved search; one ruled out with no call is the search's
        verdict (the rules it fails, or no free place then) recorded as the worker's contact."""
        c = self.c
        since = c.searches[r.id].run_at
        if status == CS.RULED_OUT and not contacts:
            _r, row = c.search_reqs[r.id]
            search_log.add(c, r.id, hh, excluded=search_log.failed_rules(c, r, row, hh) or [("vacancy", None)])
            contacts = [(at, CS.RULED_OUT, reason)]
        K.candidate(c, r, hh, status, reason, at, since=since, contacts=list(contacts))

    def _decision(self, r, kind, hh, proposed_at, status, *, signer=None, signed_at=None, retrospective=False,
                  rationale, comment=""):
        c = self.c
        did = c.next_id("decisions")
        c.writer.add("decisions", {
            "id": did, "request_id": r.id, "kind": kind, "household_id": hh.id if hh else None,
            "rationale": rationale, "status": status, "proposed_by_id": r.worker.id, "proposed_at": proposed_at,
            "outside_terms": False, "exemption_reason": "", "retrospective": retrospective,
            "signed_off_by_id": signer.id if signer else None, "signed_off_at": signed_at,
            "signoff_comment": comment, "returned_by_id": None, "returned_at": None, "returned_comment": ""})
        return did

    def _stay(self, kid, hh, number, ptype, starts_on, **kw) -> Stay:
        s = stay(self.c, kid, hh, number, ptype, starts_on, scripted=True, **kw)
        self.c.writer.add("placements", placement_row(self.c, s))
        return s

    def _note(self, number: int, text: str) -> None:
        self.c.scenario_notes.append((number, TITLES[number], text))

    def history(self) -> None:
        c = self.c
        w = c.writer
        hh, kid, u, t = self.hh, self.kid, self.user, self.t
        night, day = self.night, self.day
        today = c.today

        # Background children already fill the numbered places above each scenario's own.
        # 10: out-of-area child placed three weeks ago with an IFA household.
        start10 = today - dt.timedelta(days=21)
        s10 = self._stay(kid["s10"], hh["s10"], 1, P.LONG_TERM, start10,
                         created_by_id=u("grace.o").id, created_at=t(start10, "15:30"))
        H.call(c, at=t(start10, "11:05"), taker=u("kwame.a"), team="EAST", caller_type=CallerType.OTHER_AUTHORITY,
               category=CallCategory.INFORMATION, caller_name="Andrea Phillips (London Borough of Croydon)",
               summary="Croydon notifying placement of Jordan Campbell (12) with Harbour Fostering carers in Deal.",
               notes="The placing authority (London Borough of Croydon) keeps statutory responsibility: "
                     "reviews, social work visits and the care plan stay with Croydon. The desk records the "
                     "placement for local support and out-of-hours calls.",
               child=kid["s10"], hh=hh["s10"], placement_id=s10.id)
        self._note(10, "Jordan Campbell CR-S10, placed by London Borough of Croydon with Francis household "
                       f"{hh['s10'].reference} (Harbour Fostering, Deal)")

        # 1: police protection at 02:10; emergency placement awaiting retrospective sign-off.
        oliver = u("oliver.b")
        call1 = H.call(c, at=t(night, "02:10"), taker=oliver, team="OOH", caller_type=CallerType.POLICE,
                       category=CallCategory.PLACEMENT_REQUEST, caller_name="PC Dan Whitaker, Margate",
                       summary="Kayla Marsh (13) taken into police protection in Margate; needs a bed tonight.",
                       child=kid["s1"])
        r1 = self._req("01", [kid["s1"]], "OOH", oliver, P.EMERGENCY, Urgency.EMERGENCY, night, [
            (RS.LOGGED, t(night, "02:14"), oliver.id), (RS.SEARCHING, t(night, "02:18"), oliver.id),
            (RS.CONTACTING, t(night, "02:26"), oliver.id), (RS.PROPOSED, t(night, "03:02"), oliver.id),
            (RS.PLACED, t(night, "03:10"), oliver.id)],
            max_km=20.0, notes="Police protection (section 46). Needs to stay at her Margate school.")
        self._cand(r1, hh["s1_no_answer"], CS.NO_ANSWER, "No answer after two tries.", t(night, "02:41"), [
            (t(night, "02:28"), CS.NO_ANSWER, "No answer."), (t(night, "02:41"), CS.NO_ANSWER, "No answer; message left.")])
        self._cand(r1, hh["s1_placed"], CS.CHOSEN, "Carer agreed to take Kayla tonight.", t(night, "02:55"), [
            (t(night, "02:50"), CS.ACCEPTED, "Karen can take her tonight; will collect from Margate police station.")])
        d1 = self._decision(r1, DecisionKind.PLACE, hh["s1_placed"], t(night, "03:02"), DecisionStatus.PROPOSED,
                            retrospective=True,
                            rationale="Only emergency-approved carer answering tonight within reach of Kayla's "
                                      "school in Margate; first carer did not answer after two tries.")
        self._stay(kid["s1"], hh["s1_placed"], 1, P.EMERGENCY, night, request_id=r1.id, decision_id=d1,
                   created_by_id=oliver.id, created_at=t(night, "03:10"))
        self._link_call(call1, r1.id)
        if t(night, "08:30") <= c.now:
            w.add("handover_notes", {
                "id": c.next_id("handover_notes"), "team_id": c.teams["OOH"], "to_team_id": None,
                "written_by_id": oliver.id, "written_at": t(night, "08:30"),
                "body": f"Emergency placement {r1.reference}: Kayla Marsh (13), police protection, placed with "
                        f"Pearce ({hh['s1_placed'].reference}) at 03:10. Needs retrospective manager sign-off.\n"
                        "Delegated authority and placement plan to start today."})
            c.skip_handover.add(("OOH", night))
        self._note(1, f"{r1.reference}: Kayla Marsh CR-S01, police call 02:10 {night:%d %b}, placed with "
                      f"Pearce {hh['s1_placed'].reference}; awaiting retrospective sign-off")

        # 2: three brothers; no in-house household can take all three; closed unmet, IFA commissioned.
        dec1 = dt.date(today.year, 12, 1)
        if dec1 < today:
            dec1 = dt.date(today.year + 1, 12, 1)
        priya, james = u("priya.s"), u("james.c")
        d2 = day - dt.timedelta(days=6)
        brothers = [kid["s2_a"], kid["s2_b"], kid["s2_c"]]
        call2 = H.call(c, at=t(d2, "10:05"), taker=priya, team="NORTH", caller_type=CallerType.CHILDS_SOCIAL_WORKER,
                       category=CallCategory.PLACEMENT_REQUEST, caller_name=kid["s2_a"].social_worker,
                       summary=f"Brooks brothers (9, 7 and 4) need a short-term home together from {dec1:%d %B}.",
                       child=kid["s2_a"])
        r2 = self._req("02", brothers, "NORTH", priya, P.SHORT_TERM, Urgency.PLANNED, dec1, [
            (RS.LOGGED, t(d2, "10:12"), priya.id), (RS.SEARCHING, t(d2, "10:20"), priya.id),
            (RS.PROPOSED, t(d2 + DAY, "11:00"), priya.id), (RS.SIGNED_OFF, t(d2 + 2 * DAY, "09:45"), james.id),
            (RS.CLOSED_UNMET, t(d2 + 2 * DAY, "10:00"), priya.id)],
            unmet=frozenset({UnmetNeed.SIBLING_GROUP}), resolution=UnmetResolution.IFA_COMMISSIONED,
            closed_reason="Unmet need: sibling group of 3. No in-house household has three places; IFA "
                          "placement commissioned to keep the brothers together.",
            notes="Keep the three brothers together if at all possible.")
        self._link_call(call2, r2.id)
        ruled = [h for h in c.households if h.kind == HouseholdKind.IN_HOUSE and h.place.area
                 and h.place.area.value == "North" and h.status == HouseholdStatus.APPROVED][:6]
        for i, h in enumerate(ruled):
            free = h.places - h.occupied
            reason = (f"Sibling group larger than the vacancy: {free} place{'s' if free != 1 else ''} free, 3 needed."
                      if free < 3 else "Age range does not include a 4-year-old.")
            self._cand(r2, h, CS.RULED_OUT, reason, t(d2, "10:25") + dt.timedelta(minutes=i))
        self._decision(r2, DecisionKind.COMMISSION_IFA, None, t(d2 + DAY, "11:00"), DecisionStatus.SIGNED_OFF,
                       signer=james, signed_at=t(d2 + 2 * DAY, "09:45"),
                       rationale="No in-house household can take three brothers together. Splitting them was "
                                 "considered and rejected (the boys have never been apart); commission an IFA "
                                 "placement for all three.", comment="Agreed: keep them together.")
        self._note(2, f"{r2.reference}: Brooks brothers CR-S02A/B/C (9, 7, 4), from {dec1:%d %b}; closed unmet "
                      "(sibling group of 3), IFA commissioned")

        # 3: the Thanet carer vacant for exactly 47 days, and every request she was considered for.
        s3 = hh["s3"]
        gone = today - dt.timedelta(days=47)
        self._stay(kid["s3_past"], s3, 2, P.SHORT_TERM, gone - dt.timedelta(days=160), ended_on=gone,
                   end_reason=PlacementEndReason.PLANNED_END, end_note="Returned home to her mother under a care plan.",
                   created_by_id=u("dana.e").id)
        considered = 0
        reasons = [
            (CS.RULED_OUT, "Ranked lower: 24 km from the child's school; chosen household 3 km."),
            (CS.DECLINED_BY_CARER, "Carer declined: child's dog allergy and the family's two dogs."),
            (CS.NO_ANSWER, "No answer after two tries; message left."),
        ]  # three is enough to show; each one costs a saved search at the end of the build
        east = [entry for entry in c.placed_log if entry[1] is not None and entry[1].value == "East"]
        since = [entry for entry in east if entry[3] >= c.at(gone, 0)]
        before = [entry for entry in reversed(east) if entry[3] < c.at(gone, 0)]
        for rid, area, chosen_id, t_from, t_to, worker_id in since + before:
            if considered >= len(reasons):
                break
            if chosen_id == s3.id or (rid, s3.id) in c.cand_pairs or rid not in c.search_reqs:
                continue
            r, row = c.search_reqs[rid]
            status, reason = reasons[considered]
            rules = search_log.failed_rules(c, r, row, s3)
            if t_from < c.at(gone, 0):  # while both places were filled
                rules = [("vacancy", [2, 2])]
            at = t_from + (t_to - t_from) / 2
            if rules:
                search_log.add(c, rid, s3, excluded=rules)
                status, reason = CS.RULED_OUT, search_log.rule_words(rules)
                K.candidate(c, r, s3, status, reason, at, since=t_from, contacts=[(at, CS.RULED_OUT, reason)])
            else:
                K.candidate(c, r, s3, status, reason, at, since=t_from)
            considered += 1
        H.call(c, at=t(day, "10:20"), taker=u("dana.e"), team="EAST", caller_type=CallerType.CARER,
               category=CallCategory.CARER_AVAILABILITY, caller_name="Susan Kemp",
               summary="Susan Kemp (Ramsgate) asks why no child has been placed: bed empty for 47 days.", hh=s3)
        self._note(3, f"Kemp household {s3.reference} (Ramsgate, Thanet): vacant 47 days; "
                      f"considered for {considered} requests")

        # 4: short breaks for a 10-year-old wheelchair user.
        ellie = u("ellie.w")
        rhys = u("rhys.m")
        d4 = day - dt.timedelta(days=3)
        friday = today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)
        call4 = H.call(c, at=t(d4, "10:50"), taker=rhys, team="SOUTH", caller_type=CallerType.CHILDS_SOCIAL_WORKER,
                       category=CallCategory.PLACEMENT_REQUEST, caller_name=kid["s4"].social_worker,
                       summary="Ruby Clarke (10), wheelchair user: planned short breaks every other weekend.",
                       child=kid["s4"])
        r4 = self._req("04", [kid["s4"]], "SOUTH", rhys, P.SHORT_BREAKS, Urgency.PLANNED, friday, [
            (RS.LOGGED, t(d4, "11:00"), rhys.id), (RS.SEARCHING, t(d4, "11:30"), rhys.id)],
            needed_until=friday + dt.timedelta(days=180), max_km=30.0,
            notes="Every other weekend, Friday 16:00 to Sunday 16:00. Needs a wheelchair-accessible home "
                  "(level access, downstairs bedroom and wet room).")
        self._link_call(call4, r4.id)
        self._note(4, f"{r4.reference}: Ruby Clarke CR-S04 (10, wheelchair); accessible short-breaks carers "
                      f"{hh['s4_a'].reference}, {hh['s4_b'].reference}, {hh['s4_c'].reference}")

        # 5: 15-year-old's placement breaks down; 24 hours' notice; new request.
        s5h = hh["s5"]
        start5 = today - dt.timedelta(days=240)
        gr = u("grace.o")
        notice = t(day - DAY, "16:00")
        s5 = self._stay(kid["s5"], s5h, 2, P.SHORT_TERM, start5, ended_on=day,
                        end_reason=PlacementEndReason.BREAKDOWN,
                        end_note=f"Carers gave 24 hours' notice on {day - DAY:%d %b} after Connor damaged the "
                                 "kitchen and threatened their son.", created_by_id=gr.id)
        call5 = H.call(c, at=notice, taker=gr, team="SOUTH", caller_type=CallerType.CARER,
                       category=CallCategory.PLACEMENT_UPDATE, caller_name="Lisa Turner",
                       summary="Turner carers give 24 hours' notice on Connor Walsh (15) after an incident last night.",
                       child=kid["s5"], hh=s5h, placement_id=s5.id)
        r5 = self._req("05", [kid["s5"]], "SOUTH", gr, P.SHORT_TERM, Urgency.URGENT, day, [
            (RS.LOGGED, t(day - DAY, "16:20"), gr.id), (RS.SEARCHING, t(day - DAY, "16:35"), gr.id),
            (RS.CONTACTING, t(day, "09:15"), gr.id)],
            notes="Placement breakdown; current carers end the placement at 16:00. No younger children: "
                  "Connor has hurt a younger child before.", no_younger_children=True)
        self._link_call(call5, r5.id)
        # Carers the search ranked today: a free place, and none of the rules against them.
        _r, row5 = c.search_reqs[r5.id]
        near5 = kid["s5"].school or kid["s5"].home
        keep_out = {s5h.id, hh["s3"].id, hh["s12"].id}  # their own stories count their requests and places
        picks = sorted((h for h in c.households if h.status == HouseholdStatus.APPROVED and h.id not in keep_out
                        and h.occupied < h.places and not search_log.failed_rules(c, r5, row5, h)),
                       key=lambda h: ((h.place.lat - near5.lat) ** 2 + (h.place.lon - near5.lon) ** 2, h.id))[:3]
        for i, h in enumerate(picks):
            status, why = [(CS.DECLINED_BY_CARER, "Carer declined: not able to manage the risk to their own son."),
                           (CS.NO_ANSWER, "No answer after two tries."),
                           (CS.CONTACTED, "Carer thinking it over; will ring back by 19:00.")][i]
            at = t(day, "09:40") + dt.timedelta(minutes=35 * i)
            self._cand(r5, h, status, why, at, [(at, status if status != CS.CONTACTED else CS.CONTACTED, why)])
        self._note(5, f"{r5.reference}: Connor Walsh CR-S05 (15); Turner placement ended {day:%d %b} "
                      f"(breakdown, 24 hours' notice), new request contacting carers")

        # 6: a 16-year-old arrives at Dover speaking Pashto.
        dana = u("dana.e")
        call6 = H.call(c, at=t(day, "14:30"), taker=dana, team="EAST", caller_type=CallerType.OTHER,
                       category=CallCategory.PLACEMENT_REQUEST, caller_name="Border Force, Dover Eastern Docks",
                       summary="Unaccompanied boy (16) at Dover, speaks Pashto only; needs a placement today.",
                       child=kid["s6"])
        r6 = self._req("06", [kid["s6"]], "EAST", dana, P.EMERGENCY, Urgency.EMERGENCY, day, [
            (RS.LOGGED, t(day, "14:45"), dana.id), (RS.SEARCHING, t(day, "15:05"), dana.id)],
            language="pashto", religion="Muslim",
            notes="Unaccompanied asylum-seeking child. Pashto interpreter booked via the language line.")
        self._link_call(call6, r6.id)
        self._note(6, f"{r6.reference}: Zabihullah Safi CR-S06 (16, Pashto) at Dover; Pashto-speaking UASC carers "
                      f"{hh['s6_a'].reference}, {hh['s6_b'].reference}, {hh['s6_d'].reference} (IFA)")

        # 7: a mother of 17 and her newborn; only parent-and-child households qualify.
        tom = u("tom.h")
        call7 = H.call(c, at=t(day, "09:30"), taker=tom, team="NORTH", caller_type=CallerType.HOSPITAL,
                       category=CallCategory.PLACEMENT_REQUEST, caller_name="Midwife, Darent Valley Hospital",
                       summary="Chloe Parker (17) and baby Freya (3 days) need a parent-and-child placement on discharge.",
                       child=kid["s7_mum"])
        r7 = self._req("07", [kid["s7_mum"], kid["s7_baby"]], "NORTH", tom, P.PARENT_AND_CHILD, Urgency.URGENT,
                       day + DAY, [
                           (RS.LOGGED, t(day, "09:40"), tom.id), (RS.SEARCHING, t(day, "09:55"), tom.id),
                           (RS.CONTACTING, t(day, "10:30"), tom.id), (RS.PROPOSED, t(day, "15:10"), tom.id)],
                       notes="Parent-and-child assessment placement, 12 weeks, on discharge tomorrow.")
        self._link_call(call7, r7.id)
        self._cand(r7, hh["s7_b"], CS.DECLINED_BY_CARER, "Carer declined: already supporting a young mum next month.",
                   t(day, "11:00"), [(t(day, "11:00"), CS.DECLINED_BY_CARER, "Declined.")])
        self._cand(r7, hh["s7_a"], CS.ACCEPTED, "Carers experienced with parent-and-child; 6 km from the hospital.",
                   t(day, "14:20"), [(t(day, "14:20"), CS.ACCEPTED, "Grace and Samuel can take both tomorrow.")])
        self._decision(r7, DecisionKind.PLACE, hh["s7_a"], t(day, "15:10"), DecisionStatus.PROPOSED,
                       rationale="Approved parent-and-child carers with a room free, near the hospital and "
                                 "Chloe's college; experienced with teenage mothers.")
        self._note(7, f"{r7.reference}: Chloe Parker CR-S07A (17) and Freya CR-S07B (newborn); proposed to "
                      f"Adeyemi {hh['s7_a'].reference}, awaiting sign-off")

        # 8: a grandmother takes her grandson tonight: connected person, temporary approval.
        d8 = day - DAY
        s8h = hh["s8"]
        call8 = H.call(c, at=t(d8, "16:40"), taker=priya, team="NORTH", caller_type=CallerType.CHILDS_SOCIAL_WORKER,
                       category=CallCategory.PLACEMENT_REQUEST, caller_name=kid["s8"].social_worker,
                       summary="Alfie Doyle (7) needs care tonight; his grandmother Maureen offers to take him.",
                       child=kid["s8"])
        maya = u("maya.p")
        r8 = self._req("08", [kid["s8"]], "NORTH", priya, P.SHORT_TERM, Urgency.EMERGENCY, d8, [
            (RS.LOGGED, t(d8, "16:45"), priya.id), (RS.SEARCHING, t(d8, "16:50"), priya.id),
            (RS.CONTACTING, t(d8, "17:00"), priya.id), (RS.PROPOSED, t(d8, "17:35"), priya.id),
            (RS.SIGNED_OFF, t(d8, "17:50"), maya.id), (RS.PLACED, t(d8, "19:30"), priya.id)],
            notes="Connected person: grandmother. Regulation 24 temporary approval for 16 weeks.")
        self._link_call(call8, r8.id)
        self._cand(r8, s8h, CS.CHOSEN, "Grandmother; Alfie knows her well and stays at his school.", t(d8, "17:20"),
                   [(t(d8, "17:10"), CS.ACCEPTED, "Maureen will collect Alfie from school club.")])
        d8d = self._decision(r8, DecisionKind.PLACE, s8h, t(d8, "17:35"), DecisionStatus.SIGNED_OFF, signer=maya,
                             signed_at=t(d8, "17:50"),
                             rationale="Temporary approval of the grandmother as a connected person "
                                       "(Regulation 24): viability checks done, DBS applied for; keeps Alfie with "
                                       "family and at his school.", comment="Agreed; review before 16 weeks.")
        self._stay(kid["s8"], s8h, 1, P.SHORT_TERM, d8, request_id=r8.id, decision_id=d8d,
                   created_by_id=priya.id, created_at=t(d8, "19:30"))
        self._note(8, f"Doyle, Maureen {s8h.reference}: connected person approved {d8:%d %b}, temporary approval "
                      f"until {s8h.approval_expires_on:%d %b %Y}; {r8.reference} Alfie Doyle CR-S08")

        # 9 and two older open allegations; all three households on hold.
        s9h = hh["s9"]
        s9 = self._stay(kid["s9"], s9h, 1, P.LONG_TERM, today - dt.timedelta(days=400),
                        created_by_id=dana.id)
        call9 = H.call(c, at=t(day, "11:40"), taker=dana, team="EAST", caller_type=CallerType.OTHER,
                       category=CallCategory.ALLEGATION,
                       caller_name="Mrs Hall, designated safeguarding lead, Herne Bay Junior School",
                       summary="Lily Ward (9) told her teacher that her foster carer hit her.",
                       child=kid["s9"], hh=s9h, placement_id=s9.id)
        self._allegation("S09", s9h, kid["s9"], call9, dana, t(day, "12:00"),
                         "Lily (9) told her teacher this morning that her foster carer hit her on the arm.",
                         referred=None, meeting=None)
        self._note(9, f"AL-S09: Lily Ward CR-S09 told her teacher her carer hit her; Bell household "
                      f"{s9h.reference} on hold since 12:00 {day:%d %b}; LADO referral due within one working day")
        for key, ref, days_ago, summary in [
            ("al_2", "AL-S9B", 6, "Mason (6) had a bruise on his cheek; explanations from the carer differ."),
            ("al_3", "AL-S9C", 21, "Jade (14) says the carer's partner pushed her against a door."),
        ]:
            h = hh[key]
            sd = self._stay(kid[key], h, 1, P.SHORT_TERM, today - dt.timedelta(days=150), created_by_id=dana.id)
            raised_day = day - dt.timedelta(days=days_ago)
            worker = u("tom.h") if key == "al_2" else u("ellie.w")
            team = "NORTH" if key == "al_2" else "WEST"
            cl = H.call(c, at=t(raised_day, "14:10"), taker=worker, team=team,
                        caller_type=CallerType.CHILDS_SOCIAL_WORKER, category=CallCategory.ALLEGATION,
                        caller_name=kid[key].social_worker, summary=summary, child=kid[key], hh=h, placement_id=sd.id)
            self._allegation(ref[3:], h, kid[key], cl, worker, t(raised_day, "14:20"), summary,
                             referred=t(raised_day, "16:30"),
                             meeting=t(raised_day + dt.timedelta(days=3), "10:00"))

        # 11: the shift change at 17:00: two open requests, a callback due 19:30, a household on hold since noon.
        cb_due = t(day, "19:30")
        H.callback(c, due=cb_due, team="OOH", summary=f"Ring Connor Walsh's social worker back with the carers' "
                   f"answers ({r5.reference}).", created_by=gr, assigned=None, call_id=call5, request_id=r5.id,
                   status=CallbackStatus.OPEN, created_at=t(day, "16:50"))
        w.add("handover_notes", {
            "id": c.next_id("handover_notes"), "team_id": c.teams["EAST"], "to_team_id": c.teams["OOH"],
            "written_by_id": dana.id, "written_at": t(day, "17:00"),
            "body": (f"Open requests: {r5.reference} Connor Walsh (15), placement broke down, contacting carers; "
                     f"{r6.reference} Zabihullah Safi (16, Pashto), arrived at Dover, searching.\n"
                     f"Callback due 19:30: ring Connor's social worker back ({r5.reference}).\n"
                     f"On hold since 12:00: Bell household {s9h.reference} (Lily Ward's allegation); no new placements. "
                     "LADO referral due tomorrow.")})
        c.skip_handover.add(("EAST", day))
        self._note(11, f"Handover East -> out of hours at 17:00 {day:%d %b}: {r5.reference} and {r6.reference} open, "
                       f"callback due 19:30, {s9h.reference} on hold since 12:00")

        # 12: two workers in different teams, one bed.
        s12 = hh["s12"]
        harp, tomh = u("harpreet.k"), u("tom.h")
        r12a = self._req("12A", [kid["s12_a"]], "WEST", harp, P.SHORT_TERM, Urgency.URGENT, day + DAY, [
            (RS.LOGGED, t(day, "15:00"), harp.id), (RS.SEARCHING, t(day, "15:10"), harp.id)])
        r12b = self._req("12B", [kid["s12_b"]], "NORTH", tomh, P.SHORT_TERM, Urgency.URGENT, day + DAY, [
            (RS.LOGGED, t(day, "15:20"), tomh.id), (RS.SEARCHING, t(day, "15:25"), tomh.id)])
        for r, who, team, k in ((r12a, harp, "WEST", kid["s12_a"]), (r12b, tomh, "NORTH", kid["s12_b"])):
            cl = H.call(c, at=r.steps[0][1] - dt.timedelta(minutes=6), taker=who, team=team,
                        caller_type=CallerType.CHILDS_SOCIAL_WORKER, category=CallCategory.PLACEMENT_REQUEST,
                        caller_name=k.social_worker, summary=f"{k.first_name} {k.last_name} "
                        f"({k.age_on(today)}) needs a short-term placement tomorrow.", child=k)
            self._link_call(cl, r.id)
        self._note(12, f"Cooper household {s12.reference} (Maidstone): exactly one free place; wanted by "
                       f"{r12a.reference} (West) and {r12b.reference} (North)")
        self.c.scenario_notes.sort()

    def _allegation(self, ref, h, k, call_id, worker, raised, summary, *, referred, meeting) -> None:
        """Kept for ``log_allegations``, which records it through the allegations service once the rows are in."""
        from dutydesk.access.identity import Actor
        from dutydesk.demo.allegations import OpenAllegation

        self.open_allegations.append(OpenAllegation(
            key=f"AL-{ref}", household_id=h.id, child_id=k.id, call_id=call_id,
            worker=Actor(worker.id, worker.username, worker.full_name, worker.role),
            raised=raised, summary=summary, said_by="the child, to " + ("her teacher" if ref == "S09" else "the social worker"),
            referred=referred, decided=referred is not None and ref != "S9B", meeting=meeting,
            carers_told=None if referred is None else referred + dt.timedelta(hours=1)))

    def log_allegations(self, session) -> None:
        """The open allegations through the service; their notes name the references it gave."""
        from dutydesk.demo.allegations import log_open

        refs = log_open(session, self.open_allegations, self.c.now)
        notes = self.c.scenario_notes
        for i, (number, title, text) in enumerate(notes):
            for key, ref in refs.items():
                text = text.replace(key, ref)
            notes[i] = (number, title, text)

    def _link_call(self, call_id: int, request_id: int) -> None:
        """Calls are written before the request they open; point them at it afterwards."""
        self.c.call_links.append((call_id, request_id))

"""Black-box tests of the hazardous-chemical vehicle appointments service (issue 13): a booking from a driver's
login through approval, the gate, its lot zone, the call, the dock and the exit; each refusal with its coded
reason and field and nothing stored; a driver seeing only its own bookings and an enterprise only its docks'; twenty
concurrent bookings for the last place of a slot; bad input answered 4xx naming the field with nothing changed.
Registered into run.py's list."""
import json
import threading
import time

from harness import WebSocket, check, login, request, test_registry
from energy_tests import credit_code

TESTS, test = test_registry()

MIN = 60_000
OFFSET = 8 * 3_600_000  # the park's UTC+8


def local_day(ms):
    return (ms + OFFSET) // 86_400_000


def next_slot(step_min=5):
    """The next slot start on a grid of step_min minutes, at least a minute ahead."""
    now = int(time.time() * 1000)
    step = step_min * MIN
    slot = (now // step + 1) * step
    return slot if slot - now >= MIN else slot + step


def gate_time(slot):
    """A gate event just before the slot, on the slot's own park day (the gate looks for today's appointment)."""
    at = slot - MIN
    return at if local_day(at) == local_day(slot) else slot


def ok(st, out, want, what):
    check(st == want, f"{what}: {st} {out}")
    return out


def refused(st, out, status, field, reason, what):
    errs = out.get("error", {}).get("errors", []) if isinstance(out, dict) else []
    fields = {(e.get("field"), e.get("code") or e.get("reason")) for e in errs}
    top = out.get("error", {}) if isinstance(out, dict) else {}
    check(st == status and ((field, reason) in fields or (top.get("field") == field and top.get("reason") == reason)),
          f"{what}: expected {status} {field} {reason}, got {st} {json.dumps(out, ensure_ascii=False)[:600]}")


class Park:
    """An enterprise with loading docks, its logistics user, a carrier, vehicles, a driver login and an escort."""

    def __init__(self, base, admin, stamp, docks=1, labels=("2", "3", "4", "8"), approval=True, capacity=1):
        self.base, self.admin, self.stamp = base, admin, stamp
        ent = ok(*request(base, "POST", "/api/v1/enterprises",
                          {"name": f"危化物流测试{stamp}", "credit_code": credit_code(stamp), "sector": "2614"},
                          admin)[::2], 201, "enterprise")
        self.enterprise = ent["id"]
        password = "logistics-test-2026"
        ok(*request(base, "POST", "/api/v1/users", {"name": f"lent{stamp}", "role": "enterprise_user",
                                                     "enterprise_id": ent["id"], "password": password}, admin)[::2],
           201, "enterprise user")
        self.ent = login(base, f"lent{stamp}", password)
        self.docks = []
        for i in range(docks):
            fac = ok(*request(base, "POST", "/api/v1/facilities",
                              {"enterprise_id": ent["id"], "name": f"装卸站台{i + 1}", "kind": "loading_dock"},
                              admin)[::2], 201, "facility")
            ok(*request(base, "PUT", f"/api/v1/logistics/docks/{fac['id']}",
                        {"open": "00:00", "close": "24:00", "slot_minutes": 5, "parallel_capacity": capacity,
                         "labels": list(labels), "loading_minutes": 5, "unloading_minutes": 5,
                         "requires_approval": approval}, self.ent)[::2], 200, "dock configured by its enterprise")
            self.docks.append(fac["id"])
        self.carrier = ok(*request(base, "POST", "/api/v1/logistics/carriers",
                                   {"name": f"测试危货运输{stamp}"}, admin)[::2], 201, "carrier")["id"]
        ok(*request(base, "POST", "/api/v1/users", {"name": f"ldrv{stamp}", "role": "driver", "password": password},
                    admin)[::2], 201, "driver user")
        self.driver_token = login(base, f"ldrv{stamp}", password)
        _, _, me = request(base, "GET", "/api/v1/auth/me", token=self.driver_token)
        self.driver = self.person("driver", "测试司机", user_id=me.get("id") or me.get("user", {}).get("id"))
        self.escort = self.person("escort", "测试押运员")

    def person(self, kind, name, user_id=None):
        body = {"kind": kind, "name": name, "carrier_id": self.carrier, "qualification_no": f"Q{self.stamp}",
                "qualification_expires": "2099-12-31"}
        if user_id:
            body["user_id"] = user_id
        return ok(*request(self.base, "POST", "/api/v1/logistics/people", body, self.admin)[::2], 201, kind)["id"]

    def vehicle(self, n, tank_expires="2099-12-31"):
        plate = f"浙F{(self.stamp * 37 + n) % 100000:05d}"
        ok(*request(self.base, "POST", "/api/v1/logistics/vehicles",
                    {"plate": plate, "carrier_id": self.carrier, "tank": True, "permit_no": f"P{n}",
                     "permit_expires": "2099-12-31", "tank_cert_no": f"T{n}", "tank_cert_expires": tank_expires},
                    self.admin)[::2], 201, f"vehicle {plate}")
        return plate

    def body(self, plate, slot, un="UN1203", dock=None, kg=20000):
        return {"plate": plate, "dock_id": dock or self.docks[0], "slot_start": slot, "operation": "loading",
                "goods": [{"un_number": un, "quantity_kg": kg}], "driver_id": self.driver, "escort_id": self.escort}


def day_bookings(base, token, slot):
    st, _, out = request(base, "GET", f"/api/v1/logistics/bookings?date={date_of(slot)}", token=token)
    check(st == 200, f"bookings: {st} {out}")
    return out["items"]


def date_of(ms):
    return time.strftime("%Y-%m-%d", time.gmtime((ms + OFFSET) / 1000))


def gate_events(base, token, slot):
    st, _, out = request(base, "GET", f"/api/v1/logistics/gate/events?date={date_of(slot)}", token=token)
    check(st == 200, f"gate events: {st} {out}")
    return out["items"]


@test
def logistics_booking_to_exit_with_refusals_and_scope(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    stamp = time.time_ns() % 10**8
    ok(*request(base, "PUT", "/api/v1/logistics/settings",
                {"lead_time_min": 0, "class_caps": [{"label": "4", "cap": 1}]}, admin)[::2], 200, "settings")
    park = Park(base, admin, stamp, docks=2)
    plate = park.vehicle(1)
    expired = park.vehicle(2, tank_expires="2020-01-31")
    other = park.vehicle(3)
    st, _, gate_tok = request(base, "POST", "/api/v1/tokens", {"label": f"gate cam {stamp}", "role": "gate",
                                                               "expires_in_days": 1}, admin)
    check(st == 201, f"a gate camera token: {st} {gate_tok}")
    gate = gate_tok["token"]
    slot = next_slot()

    # Refusals, each with its reason and field, and nothing stored.
    before = len(day_bookings(base, admin, slot))
    refused(*request(base, "POST", "/api/v1/logistics/bookings", park.body(expired, slot), park.driver_token)[::2],
            400, "documents.tank_inspection", "logistics.document.expired", "an expired tank certificate")
    refused(*request(base, "POST", "/api/v1/logistics/bookings", park.body(plate, slot, un="UN1547"),
                     park.driver_token)[::2],
            400, "goods[0].un_number", "logistics.dock.class_not_allowed", "a label the dock does not accept")
    refused(*request(base, "POST", "/api/v1/logistics/bookings", park.body(plate, slot + 2 * MIN), park.driver_token)[::2],
            400, "slot_start", "logistics.slot.misaligned", "a slot off the dock's grid")
    ok(*request(base, "PUT", "/api/v1/logistics/settings", {"lead_time_min": 600}, admin)[::2], 200, "lead time 10 h")
    refused(*request(base, "POST", "/api/v1/logistics/bookings", park.body(plate, slot), park.driver_token)[::2],
            400, "slot_start", "logistics.slot.lead_time", "inside the lead time")
    ok(*request(base, "PUT", "/api/v1/logistics/settings", {"lead_time_min": 0}, admin)[::2], 200, "no lead time")
    ok(*request(base, "POST", "/api/v1/logistics/blacklist", {"subject": "plate", "subject_id": other, "days": 30,
                                                              "note": "test"}, admin)[::2], 201, "blacklisted")
    refused(*request(base, "POST", "/api/v1/logistics/bookings", park.body(other, slot), park.driver_token)[::2],
            422, "plate", "logistics.blacklisted", "a blacklisted plate")
    check(len(day_bookings(base, admin, slot)) == before, "a refused booking stored nothing")

    # The booking: the dock needs its enterprise's approval.
    b = ok(*request(base, "POST", "/api/v1/logistics/bookings", park.body(plate, slot), park.driver_token)[::2], 201,
           "the driver books")
    check(b["status"] == "requested" and b["plate"] == plate and b["labels"] == ["3"], f"booking: {b}")
    # The slot's one place is taken: a second vehicle is refused.
    second = park.vehicle(4)
    refused(*request(base, "POST", "/api/v1/logistics/bookings", park.body(second, slot), admin)[::2],
            409, "slot_start", "logistics.slot.full", "the slot's last place is gone")
    # Class 4 is capped at one vehicle at a time in the park.
    cap_slot = slot + 60 * MIN
    ok(*request(base, "POST", "/api/v1/logistics/bookings", park.body(second, cap_slot, un="UN1402", kg=1000), admin)[::2],
       201, "one class-4 vehicle")
    refused(*request(base, "POST", "/api/v1/logistics/bookings",
                     park.body(park.vehicle(5), cap_slot, un="UN1402", kg=1000, dock=park.docks[1]), admin)[::2],
            409, "goods", "logistics.cap.class_full", "a second class-4 vehicle at once")

    # Scoping: the demo's driver and the demo's enterprise user do not see it; its driver and its dock's do.
    demo_driver = login(base, "driver", "driver-demo-2026")
    demo_ent = login(base, "ent-user", "ent-demo-2026")
    for who, token, sees in (("its driver", park.driver_token, True), ("its dock's enterprise", park.ent, True),
                             ("another driver", demo_driver, False), ("another enterprise", demo_ent, False)):
        ids = {x["id"] for x in day_bookings(base, token, slot)}
        check((b["id"] in ids) == sees, f"{who} {'sees' if sees else 'does not see'} the booking: {ids}")
        st, _, one = request(base, "GET", f"/api/v1/logistics/bookings/{b['id']}", token=token)
        check((st == 200) == sees and (sees or st == 404), f"{who} reads the booking: {st} {one}")
    refused(*request(base, "POST", f"/api/v1/logistics/bookings/{b['id']}/approve", {}, demo_ent)[::2],
            404, "", "logistics.booking.not_found", "another enterprise cannot approve")
    _, _, mine = request(base, "GET", "/api/v1/logistics/me", token=park.driver_token)
    check([x["id"] for x in mine["bookings"]].count(b["id"]) == 1, f"the driver's own page: {mine}")

    # Not approved yet: the gate refuses it, with the reason.
    d = ok(*request(base, "POST", "/api/v1/logistics/gate/events",
                    {"plate": plate, "direction": "in", "gate": "T1", "at": gate_time(slot)}, gate)[::2], 200, "gate")
    check(d["decision"] == "refused" and d["reason"]["code"] == "logistics.gate.not_approved", f"not approved: {d}")
    b = ok(*request(base, "POST", f"/api/v1/logistics/bookings/{b['id']}/approve", {}, park.ent)[::2], 200, "approve")
    check(b["status"] == "scheduled", f"approved: {b}")
    unknown = f"浙F{(stamp * 37 + 99) % 100000:05d}"
    d = ok(*request(base, "POST", "/api/v1/logistics/gate/events",
                    {"plate": unknown, "direction": "in", "gate": "T1"}, gate)[::2], 200, "gate")
    check(d["decision"] == "refused" and d["reason"]["code"] == "logistics.gate.unknown_plate", f"unknown plate: {d}")

    # Gate in: the driver's live feed gets its own call.
    ws = WebSocket(base, f"/api/v1/live?token={park.driver_token}")
    ws_other = WebSocket(base, f"/api/v1/live?token={demo_driver}")
    try:
        d = ok(*request(base, "POST", "/api/v1/logistics/gate/events",
                        {"plate": plate, "direction": "in", "gate": "T1", "at": gate_time(slot)}, gate)[::2], 200, "in")
        check(d["decision"] == "checked_in" and d["zone_name"] and d["reason"]["code"] == "logistics.gate.checked_in",
              f"checked in with a zone: {d}")
        check(d["call"]["booking_id"] == b["id"] and d["call"]["reason"]["code"] == "logistics.call.booked",
              f"its dock is free: called at once: {d['call']}")
        got = None
        deadline = time.time() + 10
        while time.time() < deadline and not got:
            ev = ws.recv(timeout=max(0.1, deadline - time.time()))
            if ev.get("type") == "logistics.call":
                got = ev
        check(got and got["booking_id"] == b["id"], f"the driver's phone gets the call: {got}")
        ws_other.sock.settimeout(1.0)
        try:
            while True:
                ev = ws_other.recv(timeout=1.0)
                check(ev.get("type") != "logistics.call" and ev.get("booking", {}).get("id") != b["id"],
                      f"another driver gets nothing of it: {ev}")
        except (TimeoutError, OSError):
            pass
    finally:
        ws.close()
        ws_other.close()
    events = len(gate_events(base, admin, slot))
    refused(*request(base, "POST", "/api/v1/logistics/gate/events",
                     {"plate": plate, "direction": "in", "gate": "T1", "at": gate_time(slot)}, gate)[::2],
            409, "plate", "logistics.gate.already_inside", "a vehicle already inside")
    check(len(gate_events(base, admin, slot)) == events, "the refused repeat stored no event")

    # No zone ever holds incompatible goods: the demo's organic peroxide (5.2 with an explosive label) stands alone.
    _, _, lot = request(base, "GET", "/api/v1/logistics/lot", token=admin)
    for z in lot["zones"]:
        explosive = [v for v in z["vehicles"] if "1" in v["labels"]]
        check(not explosive or len(z["vehicles"]) == 1, f"zone {z['name']} holds explosives with others: {z}")

    # The dock: start, finish (the next call is nobody's), the exit.
    b = ok(*request(base, "POST", f"/api/v1/logistics/bookings/{b['id']}/dock-start", {}, park.ent)[::2], 200, "start")
    check(b["status"] == "in_progress" and b["dock_start_at"], f"at the dock: {b}")
    f = ok(*request(base, "POST", f"/api/v1/logistics/bookings/{b['id']}/dock-finish", {}, park.ent)[::2], 200, "finish")
    check(f["booking"]["status"] == "completed" and f["call"]["booking_id"] is None
          and f["call"]["reason"]["code"] == "logistics.call.nobody_waiting", f"finished: {f}")
    d = ok(*request(base, "POST", "/api/v1/logistics/gate/events",
                    {"plate": plate, "direction": "out", "gate": "T1"}, gate)[::2], 200, "out")
    check(d["decision"] == "checked_out", f"out: {d}")
    full = ok(*request(base, "GET", f"/api/v1/logistics/bookings/{b['id']}", token=park.driver_token)[::2], 200, "read")
    check([h["status"] for h in full["history"]] == ["requested", "scheduled", "arrived", "in_progress", "completed"]
          and full["gate_out_at"], f"the whole sequence: {full['history']}")
    _, _, audit = request(base, "GET", f"/api/v1/audit?entity=logistics_booking&entity_id={b['id']}&page_size=50",
                          token=admin)
    actions = sorted(a["action"] for a in audit["items"])
    check(actions.count("update") == 4 and "create" in actions and "call" in actions,
          f"every change of the booking is audited: {actions}")

    # A transition that does not exist.
    refused(*request(base, "POST", f"/api/v1/logistics/bookings/{b['id']}/cancel", {}, park.driver_token)[::2],
            400, "status", "logistics.status.transition", "a completed booking cannot be cancelled")

    # A manual move beside incompatible goods raises a warning; acknowledged and closed like an alarm.
    third = park.vehicle(6)
    s3 = next_slot() + 10 * MIN
    b3 = ok(*request(base, "POST", "/api/v1/logistics/bookings", park.body(third, s3, dock=park.docks[1]), admin)[::2],
            201, "third")
    ok(*request(base, "POST", f"/api/v1/logistics/bookings/{b3['id']}/approve", {}, admin)[::2], 200, "approve")
    # The park at its cap: nobody is called, the vehicle stays in the lot.
    ok(*request(base, "PUT", "/api/v1/logistics/settings", {"park_vehicle_cap": 1}, admin)[::2], 200, "cap 1")
    d3 = ok(*request(base, "POST", "/api/v1/logistics/gate/events",
                     {"plate": third, "direction": "in", "gate": "T1", "at": gate_time(s3)}, gate)[::2], 200, "in")
    check(d3["decision"] == "checked_in" and d3["call"]["booking_id"] is None
          and d3["call"]["reason"]["code"] == "logistics.call.park_full", f"in the lot, not called: {d3}")
    ok(*request(base, "PUT", "/api/v1/logistics/settings", {"park_vehicle_cap": 12}, admin)[::2], 200, "cap back")
    _, _, lot = request(base, "GET", "/api/v1/logistics/lot", token=admin)
    peroxide_zone = next(z for z in lot["zones"] if any("1" in v["labels"] for v in z["vehicles"]))
    check(all(v["booking_id"] != b3["id"] for v in peroxide_zone["vehicles"]), "not parked beside the peroxide")
    ok(*request(base, "POST", f"/api/v1/logistics/bookings/{b3['id']}/move", {"zone_id": peroxide_zone["id"]},
                gate)[::2], 200, "moved by hand")
    warning = None
    deadline = time.time() + 20
    while time.time() < deadline and not warning:
        _, _, found = request(base, "GET", "/api/v1/logistics/warnings", token=admin)
        warning = next((w for w in found["items"] if w["kind"] == "incompatible_zone"), None)
        time.sleep(0.5)
    check(warning and warning["status"] == "raised" and warning["text"]["code"] == "logistics.warning.incompatible_zone",
          f"the job flags the incompatible zone: {warning}")
    refused(*request(base, "POST", f"/api/v1/logistics/warnings/{warning['id']}/acknowledge", {}, park.ent)[::2],
            403, "", "request.role_denied", "an enterprise user cannot acknowledge")
    w = ok(*request(base, "POST", f"/api/v1/logistics/warnings/{warning['id']}/acknowledge", {"note": "moving"},
                    admin)[::2], 200, "ack")
    check(w["status"] == "acknowledged", f"acknowledged: {w}")
    w = ok(*request(base, "POST", f"/api/v1/logistics/warnings/{warning['id']}/close", {}, admin)[::2], 200, "close")
    check(w["status"] == "closed" and w["note"] == "moving", f"closed: {w}")

    # The big screen: plates and classes, no names.
    st, _, viewer = request(base, "POST", "/api/v1/tokens", {"label": f"wall {stamp}", "role": "viewer",
                                                             "expires_in_days": 1}, admin)
    check(st == 201, f"viewer token: {st}")
    screen = ok(*request(base, "GET", "/api/v1/logistics/screen", token=viewer["token"])[::2], 200, "screen")
    text = json.dumps(screen, ensure_ascii=False)
    check("测试司机" not in text and "quantity_kg" not in text and screen["zones"], f"screen shows no names: {text[:300]}")


@test
def logistics_concurrent_last_place_and_bad_input(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    stamp = time.time_ns() % 10**8 + 7
    # Calls here wait on the dock, not on the park's cap (which an earlier test on the same server may have lowered).
    ok(*request(base, "PUT", "/api/v1/logistics/settings", {"lead_time_min": 0, "park_vehicle_cap": 100}, admin)[::2],
       200, "settings")
    park = Park(base, admin, stamp, approval=False)
    plates = [park.vehicle(i) for i in range(20)]
    slot = next_slot() + 30 * MIN
    results = [None] * len(plates)

    def book(i):
        results[i] = request(base, "POST", "/api/v1/logistics/bookings", park.body(plates[i], slot), admin)

    threads = [threading.Thread(target=book, args=(i,)) for i in range(len(plates))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r[0] for r in results)
    check(statuses.count(201) == 1 and statuses.count(409) == len(plates) - 1,
          f"one place, twenty at once: exactly one booked: {statuses}")
    for st, _, out in results:
        if st == 409:
            check(out["error"]["reason"] == "logistics.slot.full" and out["error"]["field"] == "slot_start",
                  f"refused for the full slot: {out}")
    st, _, slots = request(base, "GET", f"/api/v1/logistics/docks/{park.docks[0]}/slots?date={date_of(slot)}", token=admin)
    taken = next(s for s in slots["items"] if s["start"] == slot)
    check(st == 200 and taken["taken"] == 1 and taken["free"] == 0 and not taken["bookable"],
          f"the slot shows one taken: {taken}")

    # Bad input: 4xx naming the field, nothing changed.
    bookings = len(day_bookings(base, admin, slot))
    events = len(gate_events(base, admin, slot))
    free = next_slot() + 60 * MIN
    refused(*request(base, "POST", "/api/v1/logistics/bookings", park.body("ABC123", free), admin)[::2],
            400, "plate", "logistics.plate.province", "a plate that is not a plate")
    refused(*request(base, "POST", "/api/v1/logistics/bookings", park.body(plates[1], free, un="UN9999"), admin)[::2],
            400, "goods[0].un_number", "logistics.un.unknown", "an unknown UN number")
    refused(*request(base, "POST", "/api/v1/logistics/bookings", park.body(plates[1], free, un="1203x"), admin)[::2],
            400, "goods[0].un_number", "logistics.un.format", "not a UN number")
    # The demo's day dock opens 08:00-20:00: 21:00 tomorrow is outside its hours.
    _, _, docks = request(base, "GET", "/api/v1/logistics/docks", token=admin)
    day_dock = next(x for x in docks["items"] if x["configured"] and x["open"] == "08:00")
    tomorrow_21 = (local_day(int(time.time() * 1000)) + 1) * 86_400_000 - OFFSET + 21 * 3_600_000
    refused(*request(base, "POST", "/api/v1/logistics/bookings",
                     park.body(plates[1], tomorrow_21, un="UN1203", dock=day_dock["id"]), admin)[::2],
            400, "slot_start", "logistics.slot.outside_hours", "a slot outside opening hours")
    refused(*request(base, "POST", "/api/v1/logistics/gate/events",
                     {"plate": "京A", "direction": "in", "gate": "T1"}, admin)[::2],
            400, "plate", "logistics.plate.length", "a gate event with a plate that is not a plate")
    refused(*request(base, "POST", "/api/v1/logistics/gate/events",
                     {"plate": plates[0], "direction": "sideways", "gate": "T1"}, admin)[::2],
            400, "direction", "logistics.gate.direction", "a direction that is not in or out")
    booked = next(r[2] for r in results if r[0] == 201)
    d = ok(*request(base, "POST", "/api/v1/logistics/gate/events",
                    {"plate": booked["plate"], "direction": "in", "gate": "T1", "at": gate_time(slot)}, admin)[::2],
           200, "in")
    check(d["decision"] == "checked_in", f"the booked vehicle enters: {d}")
    events += 1
    refused(*request(base, "POST", "/api/v1/logistics/gate/events",
                     {"plate": booked["plate"], "direction": "in", "gate": "T1", "at": gate_time(slot)}, admin)[::2],
            409, "plate", "logistics.gate.already_inside", "a gate event for a vehicle already inside")
    check(len(day_bookings(base, admin, slot)) == bookings, "bad bookings stored nothing")
    check(len(gate_events(base, admin, slot)) == events, "bad gate events stored nothing")

    # A walk-in registered at the gate waits while the dock serves the booked vehicle, and is called when it frees.
    st, _, gate_tok = request(base, "POST", "/api/v1/tokens", {"label": f"gate {stamp}", "role": "gate",
                                                               "expires_in_days": 1}, admin)
    check(st == 201, f"gate token: {st}")
    gate = gate_tok["token"]
    walker = next(p for p in plates if p != booked["plate"])
    walk_body = {k: v for k, v in park.body(walker, 0).items() if k != "slot_start"}
    refused(*request(base, "POST", "/api/v1/logistics/bookings/walk-in",
                     dict(walk_body, goods=[{"un_number": "UN1547", "quantity_kg": 100}]), gate)[::2],
            400, "goods[0].un_number", "logistics.dock.class_not_allowed", "a walk-in is checked like a booking")
    walk = ok(*request(base, "POST", "/api/v1/logistics/bookings/walk-in", walk_body, gate)[::2], 201, "walk-in")
    check(walk["walk_in"] and walk["status"] == "scheduled", f"walk-in: {walk}")
    d = ok(*request(base, "POST", "/api/v1/logistics/gate/events",
                    {"plate": walker, "direction": "in", "gate": "T1"}, gate)[::2], 200, "walk-in at the gate")
    check(d["decision"] == "checked_in" and d["call"]["booking_id"] is None
          and d["call"]["reason"]["code"] == "logistics.call.dock_busy", f"the dock serves the booked vehicle: {d}")
    ok(*request(base, "POST", f"/api/v1/logistics/bookings/{booked['id']}/dock-start", {}, admin)[::2], 200, "start")
    f = ok(*request(base, "POST", f"/api/v1/logistics/bookings/{booked['id']}/dock-finish", {}, admin)[::2], 200, "done")
    check(f["call"]["booking_id"] == walk["id"] and f["call"]["reason"]["code"] == "logistics.call.walk_in",
          f"the walk-in is called when the dock frees: {f['call']}")


@test
def logistics_driver_sees_its_carriers_people(ctx):
    """A driver sees the drivers and escorts of its own carrier (to pick its escort when booking), read-only and
    without the others' phones; never another carrier's."""
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    park = Park(base, admin, time.time_ns() % 10**8 + 11)
    demo_driver = login(base, "driver", "driver-demo-2026")
    st, _, people = request(base, "GET", "/api/v1/logistics/people", token=park.driver_token)
    check(st == 200, f"people: {st} {people}")
    ids = {p["id"] for p in people["items"]}
    check(ids == {park.driver, park.escort}, f"the driver sees its carrier's driver and escort only: {people['items']}")
    for p in people["items"]:
        check(p["carrier_id"] == park.carrier, f"another carrier's person: {p}")
        if p["id"] == park.driver:
            check("phone" in p and p["user_id"], f"its own record whole: {p}")
        else:
            check("phone" not in p and "user_id" not in p and p["qualification_expires"] == "2099-12-31",
                  f"an escort with what a booking needs and no phone: {p}")
    st, _, escorts = request(base, "GET", "/api/v1/logistics/people?kind=escort", token=park.driver_token)
    check(st == 200 and [p["id"] for p in escorts["items"]] == [park.escort], f"its carrier's escorts: {escorts}")
    st, _, theirs = request(base, "GET", "/api/v1/logistics/people?kind=escort", token=demo_driver)
    check(st == 200 and theirs["items"] and park.escort not in {p["id"] for p in theirs["items"]},
          f"another carrier's driver does not see that escort: {theirs}")
    st, _, everyone = request(base, "GET", "/api/v1/logistics/people", token=admin)
    check(len(everyone["items"]) > len(theirs["items"]) and any("phone" in p for p in everyone["items"]),
          f"the park sees everybody: {len(everyone['items'])}")
    check(request(base, "POST", "/api/v1/logistics/people",
                  {"kind": "escort", "name": "x", "carrier_id": park.carrier, "qualification_no": "q",
                   "qualification_expires": "2099-12-31"}, park.driver_token)[0] == 403, "a driver adds nobody")


def appointments_panel(base, token):
    st, _, home = request(base, "GET", "/api/v1/home", token=token)
    check(st == 200, f"home: {st} {home}")
    found = [p for p in home["panels"] if p["kind"] == "appointments"]
    check(len(found) == 1 and "error" not in found[0], f"the appointments panel: {found}")
    return found[0]


@test
def logistics_driver_home_lists_own_appointments(ctx):
    """A driver's home lists its own appointments to come (never another driver's), with the lot zone and the call
    once it is inside, until it leaves the park."""
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    stamp = time.time_ns() % 10**8 + 13
    ok(*request(base, "PUT", "/api/v1/logistics/settings", {"lead_time_min": 0, "park_vehicle_cap": 100}, admin)[::2],
       200, "settings")
    park = Park(base, admin, stamp, approval=False)
    demo_driver = login(base, "driver", "driver-demo-2026")
    nothing = appointments_panel(base, park.driver_token)
    check(nothing["items"] == [] and nothing["count"] == 0 and nothing["empty"]["code"] == "home.empty.appointments",
          f"nothing booked yet: {nothing}")
    plate = park.vehicle(1)
    slot = next_slot()
    b = ok(*request(base, "POST", "/api/v1/logistics/bookings", park.body(plate, slot), park.driver_token)[::2], 201,
           "the driver books")
    mine = appointments_panel(base, park.driver_token)
    check([x["booking_id"] for x in mine["items"]] == [b["id"]] and mine["count"] == 1 and "empty" not in mine,
          f"its own booking, and only that: {mine}")
    item = mine["items"][0]
    check(item["plate"] == plate and item["dock_id"] == park.docks[0] and item["dock_name"] == "装卸站台1"
          and item["enterprise_name"] == f"危化物流测试{stamp}" and item["status"] == "scheduled"
          and item["slot_start"] == slot and item["operation"] == "loading" and item["labels"] == ["3"]
          and item["called"] is False and item["zone_name"] is None, f"what the driver needs to know: {item}")
    # Refusals name the dock as the driver knows it, not by its id.
    st, _, full = request(base, "POST", "/api/v1/logistics/bookings", park.body(park.vehicle(2), slot),
                          park.driver_token)
    check(st == 409 and full["error"]["reason"] == "logistics.slot.full"
          and full["error"]["params"]["dock"] == "装卸站台1", f"the full slot names its dock: {st} {full}")
    st, _, wrong = request(base, "POST", "/api/v1/logistics/bookings", park.body(plate, slot + 5 * MIN, un="UN1547"),
                           park.driver_token)
    check(st == 400 and wrong["error"]["errors"][0]["params"]["dock"] == "装卸站台1",
          f"a label the dock does not take names the dock: {st} {wrong}")
    check(appointments_panel(base, park.driver_token)["count"] == 1, "refusals add nothing to the panel")
    _, _, me = request(base, "GET", "/api/v1/logistics/me", token=demo_driver)
    theirs = appointments_panel(base, demo_driver)
    their_ids = {x["booking_id"] for x in theirs["items"]}
    check(theirs["items"] and b["id"] not in their_ids, f"another driver never sees it: {theirs}")
    check(their_ids <= {x["id"] for x in me["bookings"]}, f"the demo driver's panel is its own bookings: {their_ids}")
    check(not their_ids & {x["booking_id"] for x in mine["items"]}, "nor the other way round")

    # At the gate: the zone while inside, and the call to the free dock.
    d = ok(*request(base, "POST", "/api/v1/logistics/gate/events",
                    {"plate": plate, "direction": "in", "gate": "T1", "at": gate_time(slot)}, admin)[::2], 200, "in")
    check(d["decision"] == "checked_in" and d["call"]["booking_id"] == b["id"], f"in and called: {d}")
    inside = appointments_panel(base, park.driver_token)["items"][0]
    check(inside["status"] == "arrived" and inside["zone_name"] == d["zone_name"] and inside["called"] is True
          and inside["inside"] is True, f"inside, in its zone, called: {inside}")
    check(appointments_panel(base, park.driver_token)["called"] == 1, "one call to answer")
    ok(*request(base, "POST", f"/api/v1/logistics/bookings/{b['id']}/dock-start", {}, admin)[::2], 200, "start")
    ok(*request(base, "POST", f"/api/v1/logistics/bookings/{b['id']}/dock-finish", {}, admin)[::2], 200, "finish")
    done = appointments_panel(base, park.driver_token)["items"]
    check([x["status"] for x in done] == ["completed"], f"done at the dock, still inside: {done}")
    d = ok(*request(base, "POST", "/api/v1/logistics/gate/events",
                    {"plate": plate, "direction": "out", "gate": "T1"}, admin)[::2], 200, "out")
    check(d["decision"] == "checked_out", f"out: {d}")
    gone = appointments_panel(base, park.driver_token)
    check(gone["items"] == [] and gone["empty"]["code"] == "home.empty.appointments", f"out of the park: {gone}")

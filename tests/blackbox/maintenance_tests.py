"""Black-box tests of the maintenance service (issue 12): plans whose next due is derived and explained (a meter plan
falling due from posted telemetry opens its work order; a plan entering its lead window reaches the live feed of its
enterprise only), bad plans refused naming the field with nothing stored, a work order carried from open to verified
by the right roles and refused to the wrong ones, stock that never goes below zero (also under concurrent issues),
regulated equipment's due list by enterprise, health scores with their terms, and alarms that open work orders (by
a condition plan and by hand). Each test builds its own enterprises, so the scope checks see real neighbours.
Registered into run.py's list."""
import json
import threading
import time
from datetime import datetime, timedelta, timezone

from harness import WebSocket, check, login, request, test_registry, webhook_receiver
from energy_tests import credit_code
from telemetry_tests import device_token, restart_with_config, restore_defaults, write

TESTS, test = test_registry()

DAY_S = 86400


def today_local(offset_days=0):
    """The park's calendar day (UTC+8) offset by some days, as YYYY-MM-DD."""
    return (datetime.now(timezone.utc) + timedelta(hours=8, days=offset_days)).strftime("%Y-%m-%d")


def iso(ts_s):
    return datetime.fromtimestamp(ts_s, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def plant(base, admin, prefix):
    """An enterprise with a workshop, a pump (with a run-state and a temperature sensor), a pressure vessel, and its
    own enterprise user; returns a dict with ids and the user's token."""
    stamp = time.time_ns() % 10**9
    st, _, ent = request(base, "POST", "/api/v1/enterprises",
                         {"name": f"{prefix}{stamp}", "credit_code": credit_code(stamp), "sector": "2710"}, admin)
    check(st == 201, f"enterprise: {st} {ent}")
    st, _, fac = request(base, "POST", "/api/v1/facilities",
                         {"enterprise_id": ent["id"], "name": "维修测试车间", "kind": "workshop"}, admin)
    check(st == 201, f"facility: {st} {fac}")
    out = {"enterprise_id": ent["id"], "stamp": stamp}
    for key, tag, name, typ in (("pump", "P-1", "离心泵", "pump"), ("vessel", "D-1", "压力储罐", "pressure_vessel")):
        st, _, eq = request(base, "POST", "/api/v1/equipment",
                            {"facility_id": fac["id"], "tag": tag, "name": name, "type": typ,
                             "install_date": "2016-05-01", "design_life_years": 20}, admin)
        check(st == 201, f"equipment {tag}: {st} {eq}")
        out[key] = eq["id"]
    for key, quantity, unit, limits in (("run", "state", "1", {}),
                                        ("temp", "temperature", "degC", {"high_limit": 80, "low_limit": 0})):
        st, _, s = request(base, "POST", "/api/v1/sensors",
                           {"equipment_id": out["pump"], "key": f"mt{stamp}.p1.{key}", "name": f"P-1 {key}",
                            "kind": "sensor", "quantity": quantity, "unit": unit, **limits}, admin)
        check(st == 201, f"sensor {key}: {st} {s}")
        out[key] = s
    password = "maintenance-test-2026"
    st, _, user = request(base, "POST", "/api/v1/users",
                          {"name": f"mt{stamp}", "role": "enterprise_user", "enterprise_id": ent["id"],
                           "password": password}, admin)
    check(st == 201, f"user: {st} {user}")
    out["user_name"] = user["name"]
    out["token"] = login(base, user["name"], password)
    return out


def poll(fn, seconds=30, step=0.5):
    """fn() until it returns something truthy, or None after `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        got = fn()
        if got:
            return got
        time.sleep(step)
    return None


def count(base, token, path):
    st, _, body = request(base, "GET", path, token=token)
    check(st == 200, f"GET {path}: {st} {body}")
    return len(body["items"])


def maintenance_events(ws, seconds):
    out = []
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            msg = ws.recv(timeout=max(0.1, deadline - time.time()))
        except Exception:  # noqa: BLE001 - a quiet feed times out
            break
        if msg.get("type") == "maintenance":
            out.append(msg)
    return out


@test
def maintenance_plans_due_reminders_and_bad_input(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    a = plant(base, admin, "维保甲")
    b = plant(base, admin, "维保乙")
    ws_a = WebSocket(base, f"/api/v1/live?token={a['token']}")
    ws_b = WebSocket(base, f"/api/v1/live?token={b['token']}")

    # Bad plans: each refused naming the field, nothing stored.
    before = count(base, admin, "/api/v1/maintenance/plans")
    cases = [
        ({"unit": "month", "anchor": "fixed", "start": today_local()}, "every", "field.required"),
        ({"unit": "fortnight", "every": 1, "start": today_local()}, "unit", "field.one_of"),
        ({"unit": "month", "every": 0, "start": today_local()}, "every", "maintenance.field.every_range"),
        ({"unit": "month", "every": 1, "start": "2025-02-30"}, "start", "maintenance.field.date"),
        ({"unit": "month", "every": 1, "start": today_local(), "lead_days": 400}, "lead_days",
         "maintenance.field.lead_days_range"),
    ]
    for extra, field, code in cases:
        st, _, bad = request(base, "POST", "/api/v1/maintenance/plans",
                             {"equipment_id": a["pump"], "name": "坏计划", "kind": "calendar", **extra}, a["token"])
        check(st == 400 and bad["error"]["field"] == field and bad["error"]["reason"] == code,
              f"bad plan {extra}: {st} {bad}")
    st, _, bad = request(base, "POST", "/api/v1/maintenance/plans",
                         {"equipment_id": a["pump"], "name": "坏计量", "kind": "meter", "basis": "litres", "every": 5,
                          "sensor_id": a["run"]["id"]}, a["token"])
    check(st == 400 and bad["error"]["field"] == "basis", f"unknown basis: {st} {bad}")
    st, _, bad = request(base, "POST", "/api/v1/maintenance/plans",
                         {"equipment_id": b["pump"], "name": "别家的", "kind": "calendar", "unit": "month", "every": 1,
                          "start": today_local()}, a["token"])
    check(st == 400 and bad["error"]["field"] == "equipment_id", f"another enterprise's equipment: {st} {bad}")
    check(count(base, admin, "/api/v1/maintenance/plans") == before, "a refused plan was stored")

    # A monthly fixed plan that started 40 days ago and was never done: due since its start, explained.
    st, _, cal = request(base, "POST", "/api/v1/maintenance/plans",
                         {"equipment_id": a["pump"], "name": "月度点检", "kind": "calendar", "unit": "month", "every": 1,
                          "anchor": "fixed", "start": today_local(-40), "lead_days": 3}, a["token"])
    check(st == 201 and cal["next_due"]["due_date"] == today_local(-40) and cal["next_due"]["due_now"]
          and cal["next_due"]["overdue_days"] == 40 and cal["next_due"]["derivation"]["code"] == "maintenance.due.first",
          f"calendar plan: {st} {cal}")
    # B's plan, 2 days ahead with a 5-day lead: in its reminder window, not due.
    st, _, cal_b = request(base, "POST", "/api/v1/maintenance/plans",
                           {"equipment_id": b["pump"], "name": "周保养", "kind": "calendar", "unit": "week", "every": 2,
                            "anchor": "floating", "start": today_local(2), "lead_days": 5}, admin)
    check(st == 201 and cal_b["next_due"]["remind"] and not cal_b["next_due"]["due_now"], f"plan B: {st} {cal_b}")

    # Scope: each enterprise user sees only its own plans.
    st, _, mine = request(base, "GET", "/api/v1/maintenance/plans", token=a["token"])
    check(st == 200 and mine["items"] and all(p["enterprise_id"] == a["enterprise_id"] for p in mine["items"]),
          f"A's plans: {mine}")
    st, _, _ = request(base, "GET", f"/api/v1/maintenance/plans/{cal_b['id']}", token=a["token"])
    check(st == 404, f"B's plan seen by A: {st}")
    st, _, _ = request(base, "GET", f"/api/v1/maintenance/plans?enterprise_id={b['enterprise_id']}", token=a["token"])
    check(st == 403, f"A asking for B's plans: {st}")

    # A run-hours meter plan counted from three hours ago: the pump ran 2.5 h of it, the plan asks every 2 h.
    start = int(time.time()) - 3 * 3600
    st, _, meter = request(base, "POST", "/api/v1/maintenance/plans",
                           {"equipment_id": a["pump"], "name": "运行 2 小时保养", "kind": "meter", "basis": "run_hours",
                            "every": 2, "lead": 0.5, "sensor_id": a["run"]["id"], "counted_from": iso(start)},
                           a["token"])
    check(st == 201 and meter["next_due"]["used"] == 0 and not meter["next_due"]["due_now"], f"meter plan: {st} {meter}")
    dev = device_token(base, admin)
    lines = [f"{a['run']['key']} value={1 if i < 15 else 0} {start + i * 600}" for i in range(19)]
    st, _, body = write(base, dev, "\n".join(lines))
    check(st == 204, f"run state written: {st} {body}")
    st, _, meter = request(base, "GET", f"/api/v1/maintenance/plans/{meter['id']}", token=a["token"])
    due = meter["next_due"]
    check(st == 200 and abs(due["used"] - 2.5) < 1e-9 and due["due_now"] and abs(due["remaining"] + 0.5) < 1e-9
          and due["derivation"]["code"] == "maintenance.due.meter", f"meter plan due from telemetry: {st} {meter}")

    # The job opens the due plans' work orders (the meter plan's and the overdue calendar plan's) ...
    def opened(plan_id):
        _, _, orders = request(base, "GET", f"/api/v1/maintenance/work-orders?equipment_id={a['pump']}", token=a["token"])
        return [o for o in orders["items"] if o["plan_id"] == plan_id]
    got = poll(lambda: opened(meter["id"]))
    check(got and got[0]["state"] == "open" and got[0]["created_by"] == "system", f"meter plan's order: {got}")
    got = poll(lambda: opened(cal["id"]))
    check(got and got[0]["due_date"] == today_local(-40), f"calendar plan's order: {got}")
    time.sleep(1)
    check(len(opened(cal["id"])) == 1, "the job opened a second order for the same due")

    # ... and reminders reach each enterprise's live feed, never the other's.
    ev_a = maintenance_events(ws_a, 3)
    ev_b = maintenance_events(ws_b, 1)
    reminded_a = {e["plan"]["id"] for e in ev_a if e.get("event") == "reminder"}
    reminded_b = {e["plan"]["id"] for e in ev_b if e.get("event") == "reminder"}
    check(cal["id"] in reminded_a and meter["id"] in reminded_a, f"A's reminders: {ev_a}")
    check(cal_b["id"] in reminded_b and not (reminded_b & {cal["id"], meter["id"]}), f"B's reminders: {ev_b}")
    check(all(e.get("work_order", e.get("plan", {})).get("enterprise_id") == b["enterprise_id"] for e in ev_b),
          f"B saw another enterprise's event: {ev_b}")
    ws_a.close()
    ws_b.close()


@test
def maintenance_work_order_open_to_verified(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    tech = login(base, "tech", "tech-demo-2026")
    staff = login(base, "staff", "staff-demo-2026")
    a = plant(base, admin, "工单甲")
    b = plant(base, admin, "工单乙")

    st, _, bad = request(base, "POST", "/api/v1/maintenance/work-orders",
                         {"equipment_id": a["pump"], "title": "x", "priority": "whenever"}, a["token"])
    check(st == 400 and bad["error"]["field"] == "priority", f"bad priority: {st} {bad}")
    st, _, _ = request(base, "POST", "/api/v1/maintenance/work-orders", {"equipment_id": a["pump"], "title": "x"}, tech)
    check(st == 403, f"a technician opens no orders: {st}")
    st, _, wo = request(base, "POST", "/api/v1/maintenance/work-orders",
                        {"equipment_id": a["pump"], "title": "机封泄漏", "priority": "high",
                         "due_date": today_local(3)}, a["token"])
    check(st == 201 and wo["state"] == "open" and wo["allowed"] == ["assigned", "cancelled"], f"opened: {st} {wo}")
    path = f"/api/v1/maintenance/work-orders/{wo['id']}/transition"

    def step(body, token, want):
        st, _, out = request(base, "POST", path, body, token)
        check(st == want, f"{body} -> {st} (wanted {want}): {out}")
        return out

    out = step({"to": "done", "signature": "张三"}, a["token"], 409)
    check(out["error"]["allowed"] == ["assigned", "cancelled"] and out["error"]["field"] == "to"
          and out["error"]["reason"] == "maintenance.workorder.transition", f"refused step: {out}")
    step({"to": "teleported"}, a["token"], 400)
    step({"to": "assigned", "assignee": "tech"}, tech, 403)
    out = step({"to": "assigned"}, a["token"], 400)
    check(out["error"]["field"] == "assignee", f"no assignee: {out}")
    out = step({"to": "assigned", "assignee": "nobody-here"}, a["token"], 400)
    check(out["error"]["field"] == "assignee", f"unknown assignee: {out}")
    out = step({"to": "assigned", "assignee": "tech"}, a["token"], 200)
    check(out["state"] == "assigned" and out["assignee"] == "tech", f"assigned: {out}")
    step({"to": "in_progress"}, tech, 200)
    out = step({"to": "on_hold"}, tech, 400)
    check(out["error"]["field"] == "note", f"hold without a reason: {out}")
    step({"to": "on_hold", "note": "等备件"}, tech, 200)
    step({"to": "in_progress"}, tech, 200)
    st, _, logged = request(base, "POST", f"/api/v1/maintenance/work-orders/{wo['id']}/time",
                            {"minutes": 90, "note": "拆检"}, tech)
    check(st == 201 and logged["minutes_total"] == 90 and logged["time_log"][0]["person"] == "tech", f"time: {st} {logged}")
    st, _, bad = request(base, "POST", f"/api/v1/maintenance/work-orders/{wo['id']}/time", {"minutes": 0}, tech)
    check(st == 400 and bad["error"]["field"] == "minutes", f"zero minutes: {st} {bad}")
    out = step({"to": "done"}, tech, 400)
    check(out["error"]["field"] == "signature", f"done without sign-off: {out}")
    out = step({"to": "done", "signature": "设备维修巡检员"}, tech, 200)
    check(out["state"] == "done" and out["done_by"] == "tech" and out["done_signature"] == "设备维修巡检员", f"done: {out}")
    out = step({"to": "verified", "signature": "x"}, tech, 403)
    check(out["error"]["reason"] == "maintenance.workorder.role", f"technician verifying: {out}")
    # Another enterprise's user neither sees nor moves it.
    st, _, _ = request(base, "GET", f"/api/v1/maintenance/work-orders/{wo['id']}", token=b["token"])
    check(st == 404, f"B reads A's order: {st}")
    step({"to": "verified", "signature": "乙"}, b["token"], 404)
    st, _, listed = request(base, "GET", "/api/v1/maintenance/work-orders", token=b["token"])
    check(st == 200 and all(o["enterprise_id"] == b["enterprise_id"] for o in listed["items"]), f"B's list: {listed}")
    out = step({"to": "verified", "signature": "园区安环专员"}, staff, 200)
    check(out["state"] == "verified" and out["verified_by"] == "staff" and out["allowed"] == [], f"verified: {out}")
    out = step({"to": "in_progress"}, a["token"], 409)
    check(out["error"]["allowed"] == [], f"after verified: {out}")

    # The one who signed it done cannot verify it.
    st, _, wo2 = request(base, "POST", "/api/v1/maintenance/work-orders", {"equipment_id": a["pump"], "title": "二"},
                         a["token"])
    path = f"/api/v1/maintenance/work-orders/{wo2['id']}/transition"
    step({"to": "assigned", "assignee": a["user_name"]}, a["token"], 200)
    step({"to": "in_progress"}, a["token"], 200)
    step({"to": "done", "signature": "甲"}, a["token"], 200)
    out = step({"to": "verified", "signature": "甲"}, a["token"], 400)
    check(out["error"]["field"] == "signature" and out["error"]["reason"] == "maintenance.workorder.verifier_not_doer",
          f"self-verification: {out}")
    step({"to": "cancelled", "note": "x"}, a["token"], 409)

    # Every step is in the audit log.
    st, _, audit = request(base, "GET", f"/api/v1/audit?entity=work_order&entity_id={wo['id']}&page_size=200", token=admin)
    actions = [(e["action"], (e.get("after") or {}).get("state")) for e in audit["items"]]
    for want in [("create", "open"), ("transition", "assigned"), ("transition", "in_progress"),
                 ("transition", "on_hold"), ("log_time", None), ("transition", "done"), ("transition", "verified")]:
        check(want in actions, f"audit lacks {want}: {actions}")


@test
def maintenance_stock_never_below_zero(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    tech = login(base, "tech", "tech-demo-2026")
    a = plant(base, admin, "备件甲")
    b = plant(base, admin, "备件乙")
    st, _, bad = request(base, "POST", "/api/v1/maintenance/parts",
                         {"store": "备件库", "part_no": "MS-1", "name": "机械密封", "quantity": -1}, a["token"])
    check(st == 400 and bad["error"]["field"] == "quantity", f"negative stock: {st} {bad}")
    st, _, part = request(base, "POST", "/api/v1/maintenance/parts",
                          {"store": "备件库", "part_no": "MS-1", "name": "机械密封", "unit": "套", "quantity": 5,
                           "reorder_point": 2}, a["token"])
    check(st == 201 and part["enterprise_id"] == a["enterprise_id"] and not part["reorder"], f"part: {st} {part}")
    st, _, dup = request(base, "POST", "/api/v1/maintenance/parts",
                         {"store": "备件库", "part_no": "MS-1", "name": "again"}, a["token"])
    check(st == 409, f"duplicate part: {st} {dup}")
    st, _, wo = request(base, "POST", "/api/v1/maintenance/work-orders", {"equipment_id": a["pump"], "title": "换机封"},
                        a["token"])
    issue = f"/api/v1/maintenance/work-orders/{wo['id']}/parts"
    st, _, out = request(base, "POST", issue, {"part_id": part["id"], "quantity": 3}, tech)
    check(st == 201 and out["parts"][0]["quantity"] == 3, f"issued: {st} {out}")
    st, _, parts = request(base, "GET", "/api/v1/maintenance/parts", token=a["token"])
    row = next(p for p in parts["items"] if p["id"] == part["id"])
    check(row["quantity"] == 2 and row["reorder"] and parts["reorder_count"] >= 1, f"reorder flag: {parts}")
    st, _, bad = request(base, "POST", issue, {"part_id": part["id"], "quantity": 3}, tech)
    check(st == 409 and bad["error"]["field"] == "quantity" and bad["error"]["reason"] == "maintenance.parts.insufficient",
          f"below zero: {st} {bad}")
    st, _, detail = request(base, "GET", f"/api/v1/maintenance/work-orders/{wo['id']}", token=tech)
    st2, _, parts = request(base, "GET", "/api/v1/maintenance/parts", token=a["token"])
    check(len(detail["parts"]) == 1 and next(p for p in parts["items"] if p["id"] == part["id"])["quantity"] == 2,
          f"the refused issue changed something: {detail} {parts}")
    # B's order cannot draw on A's store, and B does not see A's parts.
    st, _, wo_b = request(base, "POST", "/api/v1/maintenance/work-orders", {"equipment_id": b["pump"], "title": "乙"},
                          b["token"])
    st, _, bad = request(base, "POST", f"/api/v1/maintenance/work-orders/{wo_b['id']}/parts",
                         {"part_id": part["id"], "quantity": 1}, b["token"])
    check(st == 400 and bad["error"]["field"] == "part_id", f"another enterprise's part: {st} {bad}")
    st, _, parts_b = request(base, "GET", "/api/v1/maintenance/parts", token=b["token"])
    check(all(p["enterprise_id"] == b["enterprise_id"] for p in parts_b["items"]), f"B sees A's parts: {parts_b}")

    # Twenty issues of one at once against eight in stock: exactly eight pass, the stock ends at zero.
    st, _, _ = request(base, "POST", f"/api/v1/maintenance/parts/{part['id']}/receive", {"quantity": 6}, a["token"])
    check(st == 200, f"receive: {st}")
    results = []

    def one():
        s, _, _ = request(base, "POST", issue, {"part_id": part["id"], "quantity": 1}, tech)
        results.append(s)
    threads = [threading.Thread(target=one) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    st, _, parts = request(base, "GET", "/api/v1/maintenance/parts", token=a["token"])
    left = next(p for p in parts["items"] if p["id"] == part["id"])["quantity"]
    check(results.count(201) == 8 and results.count(409) == 12 and left == 0, f"concurrent issues: {results} left {left}")
    st, _, detail = request(base, "GET", f"/api/v1/maintenance/work-orders/{wo['id']}", token=tech)
    check(sum(p["quantity"] for p in detail["parts"]) == 11, f"issued in all: {detail['parts']}")


@test
def maintenance_regulated_equipment_due_by_enterprise(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    staff = login(base, "staff", "staff-demo-2026")
    tech = login(base, "tech", "tech-demo-2026")
    a = plant(base, admin, "特设甲")
    b = plant(base, admin, "特设乙")
    url = f"/api/v1/maintenance/regulated/{a['vessel']}"
    body = {"kind": "pressure_vessel", "registration_no": f"容33{a['stamp'] % 10000:04d}", "grade": 2,
            "entered_service": "2016-05-01", "last_inspection": today_local(-400)}
    for extra, field in (({"kind": "teapot"}, "kind"), ({"grade": 6}, "grade"), ({"entered_service": "2016-13-01"},
                                                                                   "entered_service")):
        st, _, bad = request(base, "PUT", url, {**body, **extra}, staff)
        check(st == 400 and bad["error"]["field"] == field, f"bad {extra}: {st} {bad}")
    st, _, listed = request(base, "GET", f"/api/v1/maintenance/regulated?enterprise_id={a['enterprise_id']}", token=staff)
    check(st == 200 and listed["items"] == [], f"a refused registration was stored: {listed}")
    st, _, _ = request(base, "PUT", url, body, tech)
    check(st == 403, f"a technician registers nothing: {st}")
    st, _, _ = request(base, "PUT", url, body, b["token"])
    check(st == 404, f"B registers A's vessel: {st}")
    st, _, reg = request(base, "PUT", url, body, a["token"])
    annual = next(d for d in reg["dues"] if d["inspection"].startswith("annual"))
    periodic = next(d for d in reg["dues"] if d["inspection"] == "periodic inspection")
    check(st == 200 and reg["status"] == "overdue" and annual["status"] == "overdue" and annual["days_left"] < 0
          and annual["derivation"]["code"] == "maintenance.statutory.from_last" and periodic["status"] == "ok"
          and periodic["source"].startswith("TSG 21"), f"registered: {st} {reg}")
    # B's vessel is in date.
    st, _, reg_b = request(base, "PUT", f"/api/v1/maintenance/regulated/{b['vessel']}",
                           {**body, "registration_no": "容339999", "last_inspection": today_local(-30)}, staff)
    check(st == 200 and reg_b["status"] == "ok", f"B's vessel: {st} {reg_b}")
    # The park's due list, by enterprise: A's overdue vessel, not B's in-date one.
    st, _, due = request(base, "GET", "/api/v1/maintenance/regulated?status=due", token=staff)
    ids = {i["equipment_id"] for i in due["items"]}
    group = next(g for g in due["by_enterprise"] if g["enterprise_id"] == a["enterprise_id"])
    check(st == 200 and a["vessel"] in ids and b["vessel"] not in ids and group["overdue"] == 1, f"due list: {due}")
    st, _, mine = request(base, "GET", "/api/v1/maintenance/regulated", token=b["token"])
    check(st == 200 and [i["equipment_id"] for i in mine["items"]] == [b["vessel"]], f"B's own list: {mine}")
    st, _, bad = request(base, "GET", "/api/v1/maintenance/regulated?status=later", token=staff)
    check(st == 400 and bad["error"]["field"] == "status", f"bad status: {st} {bad}")


@test
def maintenance_health_and_alarms_open_work_orders(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    tech = login(base, "tech", "tech-demo-2026")
    a = plant(base, admin, "健康甲")
    b = plant(base, admin, "健康乙")
    # A condition plan on the pump, linked to a high-temperature rule.
    st, _, rule = request(base, "POST", "/api/v1/alarm-rules",
                          {"name": "P-1 高温", "sensor_id": a["temp"]["id"], "kind": "threshold", "high": 80,
                           "severity": "critical"}, a["token"])
    check(st == 201, f"rule: {st} {rule}")
    st, _, plan = request(base, "POST", "/api/v1/maintenance/plans",
                          {"equipment_id": a["pump"], "name": "高温检修", "kind": "condition",
                           "alarm_rule_id": rule["id"], "priority": "urgent"}, a["token"])
    check(st == 201 and plan["next_due"]["derivation"]["code"] == "maintenance.due.condition", f"plan: {st} {plan}")
    st, _, bad = request(base, "POST", "/api/v1/maintenance/plans",
                         {"equipment_id": b["pump"], "name": "x", "kind": "condition", "alarm_rule_id": rule["id"]},
                         b["token"])
    check(st == 400 and bad["error"]["field"] == "alarm_rule_id", f"B linking A's rule: {st} {bad}")
    dev = device_token(base, admin)
    now = int(time.time()) - 3 * 3600
    lines = [f"{a['temp']['key']} value={60 + i} {now + i * 600}" for i in range(18)]  # 60 … 77 °C, rising
    check(write(base, dev, "\n".join(lines))[0] == 204, "temperatures")
    check(write(base, dev, f"{a['temp']['key']} value=95 {int(time.time())}")[0] == 204, "hot reading")

    def alarm_order():
        _, _, orders = request(base, "GET", f"/api/v1/maintenance/work-orders?equipment_id={a['pump']}", token=a["token"])
        return [o for o in orders["items"] if o["plan_id"] == plan["id"] and o["alarm_id"]]
    got = poll(alarm_order, 20)
    check(got and got[0]["priority"] == "urgent" and got[0]["state"] == "open", f"the alarm opened no order: {got}")
    alarm_id = got[0]["alarm_id"]
    # By hand from the same alarm: the order it already has.
    st, _, same = request(base, "POST", f"/api/v1/maintenance/alarms/{alarm_id}/work-order", {}, tech)
    check(st == 200 and same["id"] == got[0]["id"], f"manual on a handled alarm: {st} {same}")
    st, _, _ = request(base, "POST", f"/api/v1/maintenance/alarms/{alarm_id}/work-order", {}, b["token"])
    check(st == 404, f"B opens an order from A's alarm: {st}")

    # An alarm no plan listens to: opened by hand.
    st, _, rule2 = request(base, "POST", "/api/v1/alarm-rules",
                           {"name": "P-1 低温", "sensor_id": a["temp"]["id"], "kind": "threshold", "low": 5,
                            "severity": "warning"}, a["token"])
    check(write(base, dev, f"{a['temp']['key']} value=1 {int(time.time()) + 1}")[0] == 204, "cold reading")
    alarm2 = poll(lambda: request(base, "GET", f"/api/v1/alarms?rule_id={rule2['id']}", token=a["token"])[2]["items"], 10)
    check(alarm2, "no low-temperature alarm")
    st, _, manual = request(base, "POST", f"/api/v1/maintenance/alarms/{alarm2[0]['id']}/work-order",
                            {"priority": "high"}, a["token"])
    check(st == 201 and manual["alarm_id"] == alarm2[0]["id"] and manual["plan_id"] is None
          and manual["equipment_id"] == a["pump"], f"manual order: {st} {manual}")

    # Health: every term explains itself; the rising temperature trends toward its 80 °C limit.
    st, _, h = request(base, "GET", f"/api/v1/maintenance/health/{a['pump']}", token=a["token"])
    terms = {t["term"]: t for t in h["terms"]}
    check(st == 200 and set(terms) == {"age", "alarms", "overdue", "trend"} and 0 <= h["score"] <= 100
          and terms["alarms"]["scored"] and terms["alarms"]["penalty"] > 0
          and h["summary"]["code"] == "maintenance.health.summary", f"health: {st} {h}")
    check(terms["age"]["scored"] and terms["age"]["inputs"]["code"] == "maintenance.health.inputs.age", f"age: {terms}")
    st, _, _ = request(base, "GET", f"/api/v1/maintenance/health/{a['pump']}", token=b["token"])
    check(st == 404, f"B reads A's health: {st}")
    st, _, overview = request(base, "GET", "/api/v1/maintenance/health", token=admin)
    scores = [i["score"] for i in overview["items"]]
    check(st == 200 and scores == sorted(scores) and any(i["equipment_id"] == a["pump"] for i in overview["items"]),
          f"overview: {st} {len(scores)}")
    st, _, own = request(base, "GET", "/api/v1/maintenance/health", token=b["token"])
    check(st == 200 and {i["equipment_id"] for i in own["items"]} == {b["pump"], b["vessel"]}, f"B's overview: {own}")


@test
def maintenance_reminder_reaches_the_plans_webhook(ctx):
    base = ctx.server.base
    hook = webhook_receiver()
    # Webhooks reach public addresses only; the park admin allows this local receiver in the configuration.
    restart_with_config(ctx, f'[alarms]\nwebhook_allow_hosts = ["127.0.0.1:{hook.server_port}"]\n')
    try:
        admin = login(base, "admin", "admin-demo-2026")
        tech = login(base, "tech", "tech-demo-2026")
        a = plant(base, admin, "提醒甲")
        body = {"equipment_id": a["pump"], "name": "安全阀校验", "kind": "calendar", "unit": "year", "every": 1,
                "anchor": "fixed", "start": today_local(10), "lead_days": 30}
        for url in ("ftp://example.com/x", "http://127.0.0.1:1/robot", "http://localhost/robot"):
            st, _, bad = request(base, "POST", "/api/v1/maintenance/plans", {**body, "webhook_url": url}, a["token"])
            check(st == 400 and bad["error"]["field"] == "webhook_url", f"webhook {url}: {st} {bad}")
        url = f"http://127.0.0.1:{hook.server_port}/robot/send?access_token=0123456789abcdef0123"
        st, _, plan = request(base, "POST", "/api/v1/maintenance/plans", {**body, "webhook_url": url}, a["token"])
        check(st == 201 and plan["webhook_url"] == url and not plan["webhook_url_masked"]
              and plan["next_due"]["remind"], f"plan with webhook: {st} {plan}")
        st, _, seen = request(base, "GET", f"/api/v1/maintenance/plans/{plan['id']}", token=tech)
        check(st == 200 and seen["webhook_url_masked"] and "0123456789abcdef" not in seen["webhook_url"],
              f"a technician sees the robot's token: {seen}")
        got = poll(lambda: [b for _, b in hook.received if "安全阀校验" in b.get("text", {}).get("content", "")], 20)
        check(got and got[0]["msgtype"] == "text" and today_local(10) in got[0]["text"]["content"]
              and "P-1" in got[0]["text"]["content"], f"reminder webhook: {hook.received}")
        time.sleep(6)
        check(len([b for _, b in hook.received if "安全阀校验" in b["text"]["content"]]) == 1,
              f"the reminder was sent more than once: {hook.received}")
    finally:
        hook.shutdown()
        restore_defaults(ctx)


@test
def maintenance_counter_plan_counts_throughput(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    a = plant(base, admin, "计数甲")
    st, _, counter = request(base, "POST", "/api/v1/sensors",
                             {"equipment_id": a["pump"], "key": f"mt{a['stamp']}.p1.cycles", "name": "P-1 cycles",
                              "kind": "sensor", "quantity": "count", "unit": "1"}, admin)
    check(st == 201, f"counter sensor: {st} {counter}")
    start = int(time.time()) - 4 * 3600
    st, _, plan = request(base, "POST", "/api/v1/maintenance/plans",
                          {"equipment_id": a["pump"], "name": "每 100 次循环检查", "kind": "meter", "basis": "counter",
                           "every": 100, "lead": 20, "sensor_id": counter["id"], "counted_from": iso(start)},
                          a["token"])
    check(st == 201 and plan["basis"] == "counter", f"counter plan: {st} {plan}")
    # Counting starts at the first reading after counted_from (the one before it, 900, belongs to the last service):
    # 1000 → 1085 is 85 of 100, inside the 20-cycle lead.
    dev = device_token(base, admin)
    values = [(start - 600, 900), (start + 600, 1000), (start + 4200, 1060), (start + 7800, 1085)]
    check(write(base, dev, "\n".join(f"{counter['key']} value={v} {t}" for t, v in values))[0] == 204, "counts")
    st, _, plan = request(base, "GET", f"/api/v1/maintenance/plans/{plan['id']}", token=a["token"])
    due = plan["next_due"]
    check(st == 200 and abs(due["used"] - 85) < 1e-9 and due["remind"] and not due["due_now"]
          and abs(due["remaining"] - 15) < 1e-9, f"counter count: {plan}")
    check(write(base, dev, f"{counter['key']} value=1120 {start + 9000}")[0] == 204, "more counts")
    st, _, plan = request(base, "GET", f"/api/v1/maintenance/plans/{plan['id']}", token=a["token"])
    check(abs(plan["next_due"]["used"] - 120) < 1e-9 and plan["next_due"]["due_now"], f"counter due: {plan}")



@test
def maintenance_screen_panel_for_the_wall(ctx):
    """GET /api/v1/maintenance/screen, read with the wall display's viewer token, agrees with what the park's own
    routes say: health bands and the lowest five with their costliest term (GET /health), open work orders by state
    and priority, those overdue and the oldest five (GET /work-orders); and nothing a lobby should not read is sent."""
    from security_tests import api_token
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    tech = login(base, "tech", "tech-demo-2026")
    a = plant(base, admin, "大屏甲")
    b = plant(base, admin, "大屏乙")
    screen, _ = api_token(base, admin, "viewer", "maintenance screen")

    def panel():
        st, _, got = request(base, "GET", "/api/v1/maintenance/screen", token=screen)
        check(st == 200, f"screen: {st} {got}")
        return got
    before = panel()["work_orders"]

    # A: one order overdue by 4 days (open), one urgent in progress due in 2 days, one cancelled (not counted), one
    # done awaiting verification (counted, never overdue); B: one open high order.
    def order(who, equipment, title, priority, due):
        st, _, wo = request(base, "POST", "/api/v1/maintenance/work-orders",
                            {"equipment_id": equipment, "title": title, "priority": priority, "due_date": due}, who)
        check(st == 201, f"order {title}: {st} {wo}")
        return wo

    def step(wo, body, who):
        st, _, out = request(base, "POST", f"/api/v1/maintenance/work-orders/{wo['id']}/transition", body, who)
        check(st == 200, f"{body}: {st} {out}")
    order(a["token"], a["pump"], "机封泄漏 张三负责", "normal", today_local(-4))
    busy = order(a["token"], a["vessel"], "安全阀更换", "urgent", today_local(2))
    step(busy, {"to": "assigned", "assignee": "tech"}, a["token"])
    step(busy, {"to": "in_progress"}, tech)
    dropped = order(a["token"], a["pump"], "作废单", "low", today_local(-9))
    step(dropped, {"to": "cancelled", "note": "重复"}, a["token"])
    finished = order(a["token"], a["pump"], "已修好", "low", today_local(-9))
    step(finished, {"to": "assigned", "assignee": "tech"}, a["token"])
    step(finished, {"to": "in_progress"}, tech)
    step(finished, {"to": "done", "signature": "李四"}, tech)
    order(b["token"], b["pump"], "乙厂泵检修", "high", today_local(5))

    # The park's job may open orders meanwhile: compare a panel with the lists read between two equal panels.
    for _ in range(10):
        first = panel()
        _, _, orders = request(base, "GET", "/api/v1/maintenance/work-orders", token=admin)
        _, _, overview = request(base, "GET", "/api/v1/maintenance/health", token=admin)
        got = panel()
        if got["work_orders"] == first["work_orders"] and got["health"] == first["health"]:
            break
    wo = got["work_orders"]
    delta = {k: wo["by_state"][k] - before["by_state"][k] for k in wo["by_state"]}
    check(delta["in_progress"] >= 1 and delta["done"] >= 1 and wo["open"] - before["open"] >= 4,
          f"A's and B's orders are not counted: {before} -> {wo}")
    live = [o for o in orders["items"] if o["state"] not in ("verified", "cancelled")]
    today = today_local()
    want_state = {k: sum(o["state"] == k for o in live) for k in ("open", "assigned", "in_progress", "on_hold", "done")}
    want_priority = {k: sum(o["priority"] == k for o in live) for k in ("urgent", "high", "normal", "low")}
    overdue = [o for o in live if o["state"] != "done" and o["due_date"] and o["due_date"] < today]
    check(wo["open"] == len(live) and wo["by_state"] == want_state and wo["by_priority"] == want_priority
          and wo["overdue"] == len(overdue), f"open orders {wo} against the list {want_state} {want_priority}")
    oldest = sorted(live, key=lambda o: (o["created_at"], o["id"]))[:5]
    check([o["id"] for o in wo["oldest"]] == [o["id"] for o in oldest], f"oldest: {wo['oldest']} vs {oldest}")
    for row, o in zip(wo["oldest"], oldest):
        days = 0
        if o in overdue:
            days = (datetime.strptime(today, "%Y-%m-%d") - datetime.strptime(o["due_date"], "%Y-%m-%d")).days
        check(row["state"] == o["state"] and row["priority"] == o["priority"] and row["due_date"] == o["due_date"]
              and row["overdue_days"] == days and row["equipment_tag"] and row["enterprise_name"],
              f"oldest row {row} vs {o}")

    h = got["health"]
    items = overview["items"]
    bands = {"good": sum(i["score"] >= 75 for i in items),
             "fair": sum(50 <= i["score"] < 75 for i in items), "poor": sum(i["score"] < 50 for i in items)}
    lowest = sorted(items, key=lambda i: (i["score"], i["tag"]))[:5]
    check(h["equipment"] == len(items) and h["bands"] == bands and abs(h["mean_score"] - overview["mean_score"]) < 1e-9
          and [e["equipment_id"] for e in h["lowest"]] == [i["equipment_id"] for i in lowest],
          f"health {h} against the overview's bands {bands}")
    for e, i in zip(h["lowest"], lowest):
        scored = [t for t in i["terms"] if t["scored"] and t["points"] > 0]
        costliest = max(scored, key=lambda t: t["points"]) if scored else None
        check(e["equipment_tag"] == i["tag"] and e["equipment_type"] == i["type"]
              and e["main_term"] == (costliest["term"] if costliest else None)
              and (costliest is None or abs(e["main_term_points"] - costliest["points"]) < 1e-9),
              f"costliest term: {e} of {i['terms']}")
    # Nothing of what the orders say or who works them; no equipment names or the terms' inputs.
    text = json.dumps(got, ensure_ascii=False)
    for secret in ("机封泄漏", "张三", "李四", "安全阀更换", '"tech"', "离心泵", "压力储罐", "2016-05-01", "inputs",
                   "title", "assignee", "signature"):
        check(secret not in text, f"the wall shows {secret!r}: {text[:2000]}")
    for who, want in ((a["token"], 403), (tech, 403), (login(base, "staff", "staff-demo-2026"), 200)):
        check(request(base, "GET", "/api/v1/maintenance/screen", token=who)[0] == want, f"screen for a role: {want}")


def add_months(day, months):
    """day (YYYY-MM-DD) + months, on the month's last day where the month is shorter (as the plans do)."""
    y, m, d = (int(x) for x in day.split("-"))
    index = y * 12 + (m - 1) + months
    y, m = divmod(index, 12)
    m += 1
    last = (datetime(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
    return f"{y:04d}-{m:02d}-{min(d, last):02d}"


@test
def maintenance_type_plans_cover_every_equipment_of_a_kind(ctx):
    """A plan on an equipment type gives every equipment of that kind of its enterprise a plan of its own (those
    there and those added later), each with its own due and work order and saying how it was derived; a meter plan
    waits for an equipment's sensor of its quantity; bad plans are refused naming the field with nothing stored, and
    an enterprise never sees or reaches another's."""
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    a = plant(base, admin, "类型甲")
    b = plant(base, admin, "类型乙")
    _, _, pump = request(base, "GET", f"/api/v1/equipment/{a['pump']}", token=admin)

    def add_pump(tag):
        st, _, eq = request(base, "POST", "/api/v1/equipment",
                            {"facility_id": pump["facility_id"], "tag": tag, "name": "离心泵", "type": "pump"},
                            a["token"])
        check(st == 201, f"pump {tag}: {st} {eq}")
        return eq["id"]
    p2 = add_pump("P-2")

    # Bad type plans: each refused naming the field, nothing stored.
    st, _, rule_b = request(base, "POST", "/api/v1/alarm-rules",
                            {"name": "乙 高温", "sensor_id": b["temp"]["id"], "kind": "threshold", "high": 80,
                             "severity": "warning"}, b["token"])
    check(st == 201, f"B's rule: {st} {rule_b}")
    calendar = {"name": "泵月度保养", "kind": "calendar", "unit": "month", "every": 1, "anchor": "fixed",
                "start": today_local(-40), "lead_days": 3}
    cases = [
        (a["token"], {**calendar}, "equipment_type", "field.required"),
        (a["token"], {**calendar, "equipment_type": "pump", "every": 0}, "every", "maintenance.field.every_range"),
        (a["token"], {**calendar, "equipment_type": "pump", "enterprise_id": b["enterprise_id"]}, "enterprise_id",
         "field.no_such_record"),
        (admin, {**calendar, "equipment_type": "pump"}, "enterprise_id", "field.required"),
        (a["token"], {"equipment_type": "pump", "name": "计量", "kind": "meter", "basis": "run_hours", "every": 2},
         "sensor_quantity", "field.required"),
        (a["token"], {"equipment_type": "pump", "name": "x", "kind": "condition", "alarm_rule_id": rule_b["id"]},
         "alarm_rule_id", "field.no_such_record"),
    ]
    before = count(base, admin, "/api/v1/maintenance/type-plans")
    plans_before = count(base, admin, "/api/v1/maintenance/plans")
    for who, body, field, code in cases:
        st, _, bad = request(base, "POST", "/api/v1/maintenance/type-plans", body, who)
        check(st == 400 and bad["error"]["field"] == field and bad["error"]["reason"] == code, f"{body}: {st} {bad}")
    check(request(base, "POST", "/api/v1/maintenance/type-plans", {**calendar, "equipment_type": "pump"},
                  login(base, "tech", "tech-demo-2026"))[0] == 403, "a technician stores no plans")
    check(count(base, admin, "/api/v1/maintenance/type-plans") == before
          and count(base, admin, "/api/v1/maintenance/plans") == plans_before, "a refused type plan was stored")

    # A monthly plan for every pump of A: P-1 and P-2 each get a plan, overdue since the start; the vessel none.
    st, _, tp = request(base, "POST", "/api/v1/maintenance/type-plans", {**calendar, "equipment_type": "pump"},
                        a["token"])
    check(st == 201 and tp["enterprise_id"] == a["enterprise_id"] and tp["equipment_type"] == "pump"
          and sorted(p["equipment_id"] for p in tp["plans"]) == sorted([a["pump"], p2]) and tp["not_covered"] == [],
          f"type plan: {st} {tp}")
    for p in tp["plans"]:
        check(p["type_plan_id"] == tp["id"] and p["next_due"]["due_date"] == today_local(-40)
              and p["next_due"]["overdue_days"] == 40 and p["start"] == today_local(-40)
              and p["from_type"]["derivation"]["code"] == "maintenance.plan.from_type.calendar"
              and p["from_type"]["derivation"]["params"]["equipment_type"] == "pump"
              and p["equipment_tag"] in ("P-1", "P-2"), f"a pump's plan: {p}")
    child = {p["equipment_id"]: p["id"] for p in tp["plans"]}

    # Each pump's plan opens its own work order.
    def orders_of(equipment, plan_id):
        _, _, got = request(base, "GET", f"/api/v1/maintenance/work-orders?equipment_id={equipment}", token=a["token"])
        return [o for o in got["items"] if o["plan_id"] == plan_id]
    for equipment in (a["pump"], p2):
        got = poll(lambda: orders_of(equipment, child[equipment]))
        check(got and got[0]["due_date"] == today_local(-40) and got[0]["equipment_id"] == equipment,
              f"the work order of {equipment}: {got}")

    # A pump added later joins the schedule on its next date, not overdue since the start.
    p3 = add_pump("P-3")
    k = 1
    while add_months(today_local(-40), k) < today_local():
        k += 1
    joined_on = add_months(today_local(-40), k)

    def joined():
        _, _, got = request(base, "GET", f"/api/v1/maintenance/plans?equipment_id={p3}", token=a["token"])
        return [p for p in got["items"] if p["type_plan_id"] == tp["id"]]
    got = poll(joined)
    check(got and got[0]["start"] == joined_on and got[0]["next_due"]["due_date"] == joined_on
          and got[0]["next_due"]["overdue_days"] == 0
          and got[0]["from_type"]["derivation"]["params"]["start"] == joined_on, f"P-3 joins: {got} ({joined_on})")

    # A run-hours plan for every pump counts each pump's state sensor; P-2 and P-3 have none yet: not covered.
    st, _, mp = request(base, "POST", "/api/v1/maintenance/type-plans",
                        {"equipment_type": "pump", "sensor_quantity": "state", "name": "泵运行 500 小时保养",
                         "kind": "meter", "basis": "run_hours", "every": 500, "lead": 50}, a["token"])
    check(st == 201 and [p["equipment_id"] for p in mp["plans"]] == [a["pump"]]
          and mp["plans"][0]["sensor_id"] == a["run"]["id"]
          and mp["plans"][0]["from_type"]["derivation"]["code"] == "maintenance.plan.from_type.meter"
          and sorted(n["equipment_id"] for n in mp["not_covered"]) == sorted([p2, p3])
          and mp["not_covered"][0]["reason"]["code"] == "maintenance.plan.no_sensor_of_quantity",
          f"meter type plan: {st} {mp}")
    st, _, s2 = request(base, "POST", "/api/v1/sensors",
                        {"equipment_id": p2, "key": f"mt{a['stamp']}.p2.run", "name": "P-2 run", "kind": "sensor",
                         "quantity": "state", "unit": "1"}, admin)
    check(st == 201, f"P-2's state sensor: {st} {s2}")

    def covered():
        _, _, got = request(base, "GET", f"/api/v1/maintenance/type-plans/{mp['id']}", token=a["token"])
        return got if any(p["equipment_id"] == p2 for p in got["plans"]) else None
    got = poll(covered)
    check(got and next(p for p in got["plans"] if p["equipment_id"] == p2)["sensor_id"] == s2["id"]
          and [n["equipment_id"] for n in got["not_covered"]] == [p3], f"P-2 covered once it has a sensor: {got}")

    # Scope: B sees none of A's type plans or the plans they made, and A's plans never reach B's pump.
    st, _, seen = request(base, "GET", "/api/v1/maintenance/type-plans", token=b["token"])
    check(st == 200 and all(t["enterprise_id"] == b["enterprise_id"] for t in seen["items"]), f"B's list: {seen}")
    check(request(base, "GET", f"/api/v1/maintenance/type-plans/{tp['id']}", token=b["token"])[0] == 404,
          "B reads A's type plan")
    check(request(base, "GET", f"/api/v1/maintenance/type-plans?enterprise_id={a['enterprise_id']}",
                  token=b["token"])[0] == 403, "B asks for A's type plans")
    _, _, b_plans = request(base, "GET", f"/api/v1/maintenance/plans?equipment_id={b['pump']}", token=admin)
    check(not [p for p in b_plans["items"] if p["type_plan_id"] in (tp["id"], mp["id"])], f"B's pump: {b_plans}")
    _, _, mine = request(base, "GET", "/api/v1/maintenance/plans", token=b["token"])
    check(not [p for p in mine["items"] if p["type_plan_id"] in (tp["id"], mp["id"])], f"B sees A's plans: {mine}")

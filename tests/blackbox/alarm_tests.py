"""Black-box tests of alarms handled to closure: acknowledge with a note, assign, comment, close with a cause, the
history, the filters, statistics per enterprise and rule, and the live feed's events with the same scoping as their
REST twins (a screen sees what is wrong where, not the park's assets or people). Registered into run.py's list."""
import time

from harness import WebSocket, check, login, request, test_registry
from security_tests import api_token
from telemetry_tests import device_token, sensors_of, write

TESTS, test = test_registry()

SCREEN_HIDDEN = {"equipment_name", "location", "assignee", "assignee_id", "ack_note", "close_note", "acknowledged_by"}


def events(ws, kind, seconds=5):
    """The live alarm events of `kind` that arrive within `seconds`."""
    out = []
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            msg = ws.recv(timeout=max(0.1, deadline - time.time()))
        except Exception:  # noqa: BLE001 - a quiet feed times out
            break
        if msg.get("type") == "alarm" and msg.get("event") == kind:
            out.append(msg)
            break
    return out


def errors_of(body):
    return {(e["field"], e["code"]) for e in body["error"].get("errors", [])}


@test
def alarms_handled_to_closure(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    tech = login(base, "tech", "tech-demo-2026")
    other = login(base, "ent-user", "ent-demo-2026")  # enterprise 1's user
    screen, _ = api_token(base, admin, "viewer", "closure screen")
    s = sensors_of(base, admin, 7)[0]
    st, _, rule = request(base, "POST", "/api/v1/alarm-rules",
                          {"name": "closure high", "sensor_id": s["id"], "kind": "threshold", "high": 100,
                           "deadband": 5, "severity": "critical"}, admin)
    check(st == 201, f"rule: {st} {rule}")
    dev = device_token(base, admin)
    now = int(time.time())
    for v in (90, 101, 104):
        check(write(base, dev, f"{s['key']} value={v} {now}")[0] == 204, "write")
        now += 1
    st, _, listed = request(base, "GET", f"/api/v1/alarms?state=open&rule_id={rule['id']}", token=admin)
    check(st == 200 and len(listed["items"]) == 1, f"rule filter: {st} {listed}")
    alarm = listed["items"][0]
    # Each alarm names its enterprise, equipment and location.
    check(alarm["enterprise_id"] == 7 and alarm["enterprise_name"] and alarm["equipment_name"]
          and alarm["facility_name"] is not None, f"names: {alarm}")
    aid = alarm["id"]
    # A screen sees what is wrong where, without assets or people.
    st, _, on_screen = request(base, "GET", f"/api/v1/alarms?state=open&rule_id={rule['id']}", token=screen)
    check(st == 200 and on_screen["items"][0]["enterprise_name"] == alarm["enterprise_name"]
          and not SCREEN_HIDDEN & set(on_screen["items"][0]), f"screen row: {on_screen}")
    check(request(base, "GET", f"/api/v1/alarms/{aid}", token=screen)[0] == 403, "a screen read an alarm's history")

    # Acknowledge with a note.
    st, _, acked = request(base, "POST", f"/api/v1/alarms/{aid}/acknowledge", {"note": "巡检员已前往现场"}, tech)
    check(st == 200 and acked["state"] == "acknowledged" and acked["ack_note"] == "巡检员已前往现场", f"ack: {st} {acked}")

    # Assign: only to a person who may handle this alarm; another enterprise sees nothing.
    check(request(base, "GET", f"/api/v1/alarms/{aid}/assignees", token=other)[0] == 404, "another enterprise's assignees")
    check(request(base, "POST", f"/api/v1/alarms/{aid}/assign", {"assignee_id": 1}, other)[0] == 404,
          "another enterprise assigned")
    st, _, people = request(base, "GET", f"/api/v1/alarms/{aid}/assignees", token=admin)
    by_name = {p["name"]: p for p in people["items"]}
    check(st == 200 and "tech" in by_name and "ent-user" not in by_name, f"assignees: {people}")
    st, _, users = request(base, "GET", "/api/v1/users?size=100", token=admin)
    ent_user = next(u for u in users["items"] if u["name"] == "ent-user")
    st, _, err = request(base, "POST", f"/api/v1/alarms/{aid}/assign", {"assignee_id": ent_user["id"]}, admin)
    check(st == 400 and err["error"]["field"] == "assignee_id" and err["error"]["reason"] == "telemetry.alarm.cannot_assign",
          f"assigned to another enterprise's user: {st} {err}")
    st, _, err = request(base, "POST", f"/api/v1/alarms/{aid}/assign", {}, admin)
    check(st == 400 and err["error"]["field"] == "assignee_id", f"assign without assignee: {st} {err}")
    full = WebSocket(base, f"/api/v1/live?token={admin}")
    wall = WebSocket(base, f"/api/v1/live?token={screen}")
    st, _, assigned = request(base, "POST", f"/api/v1/alarms/{aid}/assign", {"assignee_id": by_name["tech"]["id"]}, admin)
    check(st == 200 and assigned["assignee_id"] == by_name["tech"]["id"] and assigned["assignee"], f"assign: {st} {assigned}")
    got = events(full, "assign")
    check(got and got[0]["alarm"]["id"] == aid and got[0]["alarm"]["assignee"] == assigned["assignee"],
          f"live assign event: {got}")
    got = events(wall, "assign")
    check(got and got[0]["alarm"]["id"] == aid and not SCREEN_HIDDEN & set(got[0]["alarm"]),
          f"the screen's assign event: {got}")
    full.close()
    wall.close()
    st, _, mine = request(base, "GET", "/api/v1/alarms?assignee=me&state=", token=tech)
    check(st == 200 and [a["id"] for a in mine["items"]] == [aid], f"assigned to me: {mine}")
    # The technician's home page says so.
    st, _, home = request(base, "GET", "/api/v1/home", token=tech)
    alarms_panel = next(p for p in home["panels"] if p["kind"] == "alarms")
    check(alarms_panel["assigned_to_me"] == 1, f"home: {alarms_panel}")

    # Comment: an empty one is refused; a real one counts.
    st, _, err = request(base, "POST", f"/api/v1/alarms/{aid}/comments", {"body": "  "}, tech)
    check(st == 400 and err["error"]["field"] == "body", f"empty comment: {st} {err}")
    st, _, commented = request(base, "POST", f"/api/v1/alarms/{aid}/comments", {"body": "冷却水阀卡滞，已手动开启"}, tech)
    check(st == 201 and commented["comment_count"] == 1, f"comment: {st} {commented}")

    # Close: every problem at once, then with a cause while the condition still holds.
    st, _, err = request(base, "POST", f"/api/v1/alarms/{aid}/close", {"cause": "bad luck", "note": 5}, tech)
    check(st == 400 and {"cause", "note"} <= {f for f, _ in errors_of(err)}, f"close errors: {st} {err}")
    st, _, err = request(base, "POST", f"/api/v1/alarms/{aid}/close", {"cause": "other"}, tech)
    check(st == 400 and errors_of(err) == {("note", "telemetry.alarm.note_needed_for_other")}, f"other needs a note: {err}")
    st, _, closed = request(base, "POST", f"/api/v1/alarms/{aid}/close",
                            {"cause": "equipment_fault", "note": "更换冷却水阀"}, tech)
    check(st == 200 and closed["closed_at"] and closed["state"] == "cleared" and closed["close_cause"] == "equipment_fault"
          and closed["closed_by"] == "tech", f"close: {st} {closed}")
    check(request(base, "POST", f"/api/v1/alarms/{aid}/close", {"cause": "other", "note": "again"}, tech)[0] == 409,
          "closed twice")
    check(request(base, "POST", f"/api/v1/alarms/{aid}/acknowledge", {}, tech)[0] == 409, "acknowledged a closed alarm")
    st, _, detail = request(base, "GET", f"/api/v1/alarms/{aid}", token=tech)
    steps = [h["action"] for h in detail["history"]]
    check(st == 200 and steps == ["raise", "acknowledge", "assign", "comment", "close"], f"history: {steps}")
    check(detail["history"][1]["note"] == "巡检员已前往现场" and detail["history"][4]["cause"] == "equipment_fault"
          and detail["comments"][0]["body"] == "冷却水阀卡滞，已手动开启", f"history texts: {detail}")
    st, _, open_now = request(base, "GET", f"/api/v1/alarms?state=open&rule_id={rule['id']}", token=admin)
    check(open_now["items"] == [], f"a closed alarm is still open: {open_now}")
    st, _, closed_list = request(base, "GET", f"/api/v1/alarms?state=closed&rule_id={rule['id']}", token=admin)
    check([a["id"] for a in closed_list["items"]] == [aid], f"closed filter: {closed_list}")

    # Still high: the next reading raises a new alarm.
    check(write(base, dev, f"{s['key']} value=106 {now}")[0] == 204, "write")
    now += 1
    st, _, again = request(base, "GET", f"/api/v1/alarms?state=open&rule_id={rule['id']}", token=admin)
    check(len(again["items"]) == 1 and again["items"][0]["id"] != aid, f"not raised again: {again}")
    # It ends by itself, and waits to be closed.
    write(base, dev, f"{s['key']} value=80 {now}")
    st, _, to_close = request(base, "GET", f"/api/v1/alarms?state=to_close&rule_id={rule['id']}", token=admin)
    check([a["id"] for a in to_close["items"]] == [again["items"][0]["id"]], f"to_close: {to_close}")

    # Statistics per enterprise and rule.
    st, _, stats = request(base, "GET", "/api/v1/alarms/stats", token=admin)
    check(st == 200, f"stats: {st} {stats}")
    by_rule = next(r for r in stats["by_rule"] if r["rule_id"] == rule["id"])
    check(by_rule["raised"] == 2 and by_rule["closed"] == 1 and by_rule["to_close"] == 1 and by_rule["critical"] == 2
          and by_rule["mean_minutes_to_close"] is not None and by_rule["name"] == "closure high", f"by rule: {by_rule}")
    ent7 = next(r for r in stats["by_enterprise"] if r["enterprise_id"] == 7)
    check(ent7["raised"] >= 2 and ent7["name"] == alarm["enterprise_name"], f"by enterprise: {ent7}")
    st, _, theirs = request(base, "GET", "/api/v1/alarms/stats", token=other)
    check(st == 200 and all(r["enterprise_id"] == 1 for r in theirs["by_enterprise"]), f"scoped stats: {theirs}")
    st, _, err = request(base, "GET", "/api/v1/alarms/stats?from=2026-13-01&to=x", token=admin)
    check(st == 400 and {"from", "to"} <= {f for f, _ in errors_of(err)}, f"stats dates: {st} {err}")
    request(base, "POST", f"/api/v1/alarms/{again['items'][0]['id']}/close", {"cause": "process_upset"}, admin)

    # The audit log can hide the system's own entries (the engine raised these alarms; people handled them).
    st, _, every = request(base, "GET", f"/api/v1/audit?entity=alarm&entity_id={aid}", token=admin)
    st2, _, people = request(base, "GET", f"/api/v1/audit?entity=alarm&entity_id={aid}&people_only=true", token=admin)
    check(st == st2 == 200 and {e["action"] for e in every["items"]} == {"raise", "acknowledge", "assign", "comment", "close"}
          and {e["action"] for e in people["items"]} == {"acknowledge", "assign", "comment", "close"}
          and all(e["actor_id"] for e in people["items"]), f"people only: {people}")
    check(request(base, "GET", "/api/v1/audit?people_only=maybe", token=admin)[0] == 400, "people_only must be true or false")
    check(request(base, "DELETE", f"/api/v1/alarm-rules/{rule['id']}", token=admin)[0] == 204, "disable rule")

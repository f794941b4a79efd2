"""Black-box tests of inspection rounds and attachments in the maintenance service (issue 12 items 2 and 4): a route
with its schedule, a round submitted twice under one client id stored once (a different sheet under it refused), an
out-of-limit answer producing a finding and a work order, missed and late rounds listed (and the missed ones on the
live feed of their enterprise only), photos over the limit and text files named .jpg refused, and another
enterprise refused. Registered into run.py's list."""
import uuid
from urllib.parse import quote
from datetime import datetime, timedelta, timezone

from harness import WebSocket, check, login, request, test_registry
from maintenance_tests import maintenance_events, plant
from telemetry_tests import restart_with_config, restore_defaults

TESTS, test = test_registry()

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def make_route(base, token, p, **extra):
    body = {"name": "锅炉房日巡检",
            "schedule": {"kind": "daily", "starts": ["08:00"]},
            "checkpoints": [{"equipment_id": p["vessel"],
                             "items": [{"key": "pressure", "label": "罐内压力", "kind": "number",
                                        "low": 0.2, "high": 1.6, "unit": "MPa"},
                                       {"key": "no_leaks", "label": "法兰无泄漏", "kind": "pass_fail"}]},
                            {"equipment_id": p["pump"],
                             "items": [{"key": "photo", "label": "泵体照片", "kind": "photo", "required": False},
                                       {"key": "note", "label": "备注", "kind": "text", "required": False}]}],
            **extra}
    st, _, route = request(base, "POST", "/api/v1/maintenance/inspection-routes", body, token)
    check(st == 201, f"route: {st} {route}")
    return route


def sheet(p, pressure, leaks_ok=True, photo=None):
    answers = [{"equipment_id": p["vessel"], "item": "pressure", "value": pressure},
               {"equipment_id": p["vessel"], "item": "no_leaks", "value": leaks_ok}]
    if photo is not None:
        answers.append({"equipment_id": p["pump"], "item": "photo", "value": photo})
    return answers


@test
def rounds_route_schedule_idempotent_submit_findings_and_orders(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    tech = login(base, "tech", "tech-demo-2026")
    a = plant(base, admin, "巡检甲")
    b = plant(base, admin, "巡检乙")

    # Bad routes: refused naming the field, nothing stored.
    before = len(request(base, "GET", "/api/v1/maintenance/inspection-routes", token=a["token"])[2]["items"])
    st, _, bad = request(base, "POST", "/api/v1/maintenance/inspection-routes",
                         {"name": "坏路线", "schedule": {"kind": "shift", "starts": ["08:00"]},
                          "checkpoints": [{"equipment_id": a["pump"],
                                           "items": [{"key": "t", "label": "温度", "kind": "number",
                                                      "low": 90, "high": 10}]}]}, a["token"])
    fields = {f["field"] for f in bad["error"].get("errors", [])} | {bad["error"]["field"]}
    check(st == 400 and "schedule.starts" in fields and "checkpoints[0].items[0].high" in fields, f"bad: {st} {bad}")
    st, _, bad = request(base, "POST", "/api/v1/maintenance/inspection-routes",
                         {"name": "别家设备", "schedule": {"kind": "daily", "starts": ["08:00"]},
                          "checkpoints": [{"equipment_id": b["pump"],
                                           "items": [{"key": "ok", "label": "正常", "kind": "pass_fail"}]}]},
                         a["token"])
    check(st == 400 and bad["error"]["field"] == "checkpoints[0].equipment_id", f"other's equipment: {st} {bad}")
    after = len(request(base, "GET", "/api/v1/maintenance/inspection-routes", token=a["token"])[2]["items"])
    check(after == before, "nothing stored for bad routes")

    route = make_route(base, a["token"], a)
    check(route["schedule"] == {"kind": "daily", "starts": ["08:00"]}, f"schedule: {route}")
    # Its schedule: today's window is due (nobody has started it).
    st, _, sched = request(base, "GET", f"/api/v1/maintenance/inspection-routes/{route['id']}/schedule",
                           token=a["token"])
    check(st == 200 and sched["windows"], f"schedule: {st} {sched}")
    current = [w for w in sched["windows"] if w["status"] == "due"]
    check(len(current) == 1 and current[0]["slot"].endswith("T08:00"), f"one due window: {sched}")
    start = instant(current[0]["window_start"])
    end = instant(current[0]["window_end"])
    check(end - start == timedelta(days=1) and start.hour == 0, f"a daily window from 08:00 local: {current[0]}")

    # Another enterprise sees neither the route nor its schedule.
    st, _, _ = request(base, "GET", f"/api/v1/maintenance/inspection-routes/{route['id']}", token=b["token"])
    check(st == 404, f"b reads a's route: {st}")
    check(all(r["id"] != route["id"] for r in
              request(base, "GET", "/api/v1/maintenance/inspection-routes", token=b["token"])[2]["items"]),
          "b lists a's route")

    # The technician starts a round, attaches a photo, submits: one finding (pressure above its limit).
    rid = str(uuid.uuid4())
    st, _, rnd = request(base, "POST", "/api/v1/maintenance/rounds", {"id": rid, "route_id": route["id"]}, tech)
    check(st == 201 and rnd["status"] == "in_progress", f"start: {st} {rnd}")
    st, _, again = request(base, "POST", "/api/v1/maintenance/rounds", {"id": rid, "route_id": route["id"]}, tech)
    check(st == 200 and again["id"] == rnd["id"], f"start again: {st} {again}")
    st, _, photo = request(base, "POST", f"/api/v1/maintenance/rounds/{rnd['id']}/attachments?filename=pump.png",
                           PNG, tech, content_type="image/png")
    check(st == 201 and photo["kind"] == "photo" and photo["content_type"] == "image/png", f"photo: {st} {photo}")
    st, _, by_b = request(base, "POST", f"/api/v1/maintenance/rounds/{rnd['id']}/attachments", PNG, b["token"],
                          content_type="image/png")
    check(st == 404, f"b attaches to a's round: {st} {by_b}")

    body = {"id": rid, "route_id": route["id"], "answers": sheet(a, 1.75, True, photo["id"])}
    st, _, done = request(base, "POST", "/api/v1/maintenance/rounds/submit", body, tech)
    check(st == 201 and done["status"] == "done", f"submit: {st} {done}")
    check(len(done["findings"]) == 1 and done["findings"][0]["item"] == "pressure"
          and done["findings"][0]["reason"]["code"] == "maintenance.round.finding.above_high"
          and done["findings"][0]["reason"]["params"]["limit"] == 1.6, f"finding: {done['findings']}")
    # The phone retries (it never saw the answer): 200 with the stored round, nothing stored twice.
    st, _, retry = request(base, "POST", "/api/v1/maintenance/rounds/submit", body, tech)
    check(st == 200 and retry["id"] == done["id"] and len(retry["findings"]) == 1, f"retry: {st} {retry}")
    st, _, other = request(base, "POST", "/api/v1/maintenance/rounds/submit",
                           {**body, "answers": sheet(a, 1.0, True, photo["id"])}, tech)
    check(st == 409 and other["error"]["field"] == "id", f"another sheet under the same id: {st} {other}")
    st, _, got = request(base, "GET", f"/api/v1/maintenance/rounds/{done['id']}", token=a["token"])
    check(st == 200 and len(got["findings"]) == 1 and got["answers"]["answers"][0]["value"] == 1.75, f"stored: {got}")
    check([f["id"] for f in got["attachments"]] == [photo["id"]] and got["attachments"][0]["filename"] == "pump.png",
          f"the round's photo: {got['attachments']}")
    st, hdrs, _ = request(base, "GET", got["attachments"][0]["href"], token=a["token"])
    check(st == 200 and hdrs["content-type"] == "image/png", f"photo download: {st} {hdrs}")
    st, _, _ = request(base, "GET", f"/api/v1/maintenance/rounds/{done['id']}", token=b["token"])
    check(st == 404, f"b reads a's round: {st}")
    # A second round in the same window is refused: the window is done.
    st, _, twice = request(base, "POST", "/api/v1/maintenance/rounds/submit",
                           {"id": str(uuid.uuid4()), "route_id": route["id"], "answers": sheet(a, 1.0)}, tech)
    check(st == 409, f"second round in the window: {st} {twice}")

    # A sheet that misses a required item or answers with the wrong type: 400 naming the field, nothing stored.
    route2 = make_route(base, a["token"], a)
    st, _, bad = request(base, "POST", "/api/v1/maintenance/rounds/submit",
                         {"id": str(uuid.uuid4()), "route_id": route2["id"],
                          "answers": [{"equipment_id": a["vessel"], "item": "pressure", "value": "high"}]}, tech)
    check(st == 400 and bad["error"]["field"] == "answers[0].value", f"wrong type: {st} {bad}")
    st, _, items = request(base, "GET", f"/api/v1/maintenance/rounds?status=in_progress", token=a["token"])
    check(all(i["route_id"] != route2["id"] for i in items["items"]), f"nothing stored for a bad sheet: {items}")

    # The finding opens a work order linked to it; asking again answers the same order.
    finding = done["findings"][0]["id"]
    st, _, bad = request(base, "POST", f"/api/v1/maintenance/findings/{finding}/work-order", {}, b["token"])
    check(st == 404, f"b opens an order for a's finding: {st} {bad}")
    st, _, wo = request(base, "POST", f"/api/v1/maintenance/findings/{finding}/work-order", {}, a["token"])
    check(st == 201 and wo["equipment_id"] == a["vessel"] and wo["state"] == "open" and wo["priority"] == "high"
          and "罐内压力" in wo["title"], f"order: {st} {wo}")
    st, _, wo2 = request(base, "POST", f"/api/v1/maintenance/findings/{finding}/work-order", {}, a["token"])
    check(st == 200 and wo2["id"] == wo["id"], f"order again: {st} {wo2}")
    st, _, got = request(base, "GET", f"/api/v1/maintenance/rounds/{done['id']}", token=a["token"])
    check(got["findings"][0]["work_order_id"] == wo["id"], f"finding linked: {got['findings']}")
    st, _, orders = request(base, "GET", f"/api/v1/maintenance/work-orders?equipment_id={a['vessel']}",
                            token=b["token"])
    check(st == 200 and all(o["id"] != wo["id"] for o in orders["items"]), "b sees a's order")

    # Audit: the round's submission with its finding, and the order opened from it.
    st, _, audit = request(base, "GET", f"/api/v1/audit?entity=inspection_round&entity_id={done['id']}", token=admin)
    check(st == 200 and any(e["action"] == "submit" and len(e["after"]["findings"]) == 1 for e in audit["items"]),
          f"submission audited: {st} {str(audit)[:400]}")
    st, _, audit = request(base, "GET", f"/api/v1/audit?entity=inspection_finding&entity_id={finding}", token=admin)
    check(st == 200 and any(e["after"]["work_order_id"] == wo["id"] for e in audit["items"]),
          f"order from the finding audited: {st} {str(audit)[:400]}")


@test
def rounds_missed_and_late_listed_and_missed_on_the_live_feed(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    tech = login(base, "tech", "tech-demo-2026")
    a = plant(base, admin, "漏检甲")
    b = plant(base, admin, "漏检乙")
    ws_a = WebSocket(base, f"/api/v1/live?token={a['token']}")
    ws_b = WebSocket(base, f"/api/v1/live?token={b['token']}")
    now = datetime.now(timezone.utc)
    # Kept on paper until now: windows are counted from three days ago.
    route = make_route(base, a["token"], a, active_from=iso(now - timedelta(days=3)))
    st, _, bad = request(base, "POST", "/api/v1/maintenance/inspection-routes",
                         {"name": "未来", "active_from": iso(now + timedelta(days=1)),
                          "schedule": {"kind": "daily", "starts": ["08:00"]},
                          "checkpoints": [{"equipment_id": a["pump"],
                                           "items": [{"key": "ok", "label": "正常", "kind": "pass_fail"}]}]},
                         a["token"])
    check(st == 400 and bad["error"]["field"] == "active_from", f"future active_from: {st} {bad}")

    # A phone that started yesterday's round offline submits only now: late.
    st, _, sched = request(base, "GET", f"/api/v1/maintenance/inspection-routes/{route['id']}/schedule"
                                        f"?from={iso(now - timedelta(days=3))}&to={iso(now)}", token=a["token"])
    past = [w for w in sched["windows"] if w["status"] == "missed"]
    check(len(past) >= 2, f"past windows missed: {sched}")
    yesterday = past[-1]
    started = instant(yesterday["window_end"]) - timedelta(hours=1)
    rid = str(uuid.uuid4())
    st, _, late = request(base, "POST", "/api/v1/maintenance/rounds/submit",
                          {"id": rid, "route_id": route["id"], "started_at": iso(started), "answers": sheet(a, 1.0)},
                          tech)
    check(st == 201 and late["status"] == "late" and late["slot"] == yesterday["slot"] and not late["findings"],
          f"late: {st} {late}")

    st, _, missed = request(base, "GET", "/api/v1/maintenance/rounds?status=missed", token=a["token"])
    mine = [i for i in missed["items"] if i["route_id"] == route["id"]]
    check(st == 200 and len(mine) >= 1 and all(i["slot"] != yesterday["slot"] for i in mine), f"missed: {missed}")
    st, _, lates = request(base, "GET", "/api/v1/maintenance/rounds?status=late", token=a["token"])
    check([i["slot"] for i in lates["items"] if i["route_id"] == route["id"]] == [yesterday["slot"]],
          f"late listed: {lates}")
    st, _, all_b = request(base, "GET", "/api/v1/maintenance/rounds?status=missed", token=b["token"])
    check(all(i["route_id"] != route["id"] for i in all_b["items"]), "b lists a's missed rounds")
    st, _, bad = request(base, "GET", "/api/v1/maintenance/rounds?status=forgotten", token=a["token"])
    check(st == 400 and bad["error"]["field"] == "status", f"bad status: {st} {bad}")

    # The job announces each missed window once, to its enterprise only.
    events = [e for e in maintenance_events(ws_a, 12) if e.get("event") == "round_missed"
              and e["round"]["route_id"] == route["id"]]
    check(events and all(e["round"]["status"] == "missed" for e in events), f"missed on the live feed: {events}")
    check(len({e["round"]["slot"] for e in events}) == len(events), f"each window once: {events}")
    leaked = [e for e in maintenance_events(ws_b, 1) if e.get("event") == "round_missed"
              and e["round"]["route_id"] == route["id"]]
    check(not leaked, f"b heard a's missed round: {leaked}")
    ws_a.close()
    ws_b.close()


@test
def attachments_checked_by_their_bytes_stored_and_scoped(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    tech = login(base, "tech", "tech-demo-2026")
    a = plant(base, admin, "附件甲")
    b = plant(base, admin, "附件乙")
    st, _, wo = request(base, "POST", "/api/v1/maintenance/work-orders",
                        {"equipment_id": a["pump"], "title": "更换机封"}, a["token"])
    check(st == 201, f"order: {st} {wo}")
    path = f"/api/v1/maintenance/work-orders/{wo['id']}/attachments"

    jpeg = JPEG_HEAD + bytes(range(256)) * 8
    st, _, photo = request(base, "POST", path + "?filename=" + quote("机封.jpg"), jpeg, tech, content_type="image/jpeg")
    check(st == 201 and photo["content_type"] == "image/jpeg" and photo["size_bytes"] == len(jpeg)
          and photo["filename"] == "机封.jpg", f"jpeg: {st} {photo}")
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    st, _, doc = request(base, "POST", path + "?filename=report.pdf", pdf, a["token"], content_type="application/pdf")
    check(st == 201 and doc["kind"] == "document", f"pdf: {st} {doc}")

    # A text file named .jpg and sent as image/jpeg: refused by its bytes.
    st, _, bad = request(base, "POST", path + "?filename=photo.jpg", b"just some text, not a picture\n", tech,
                         content_type="image/jpeg")
    check(st == 400 and bad["error"]["field"] == "body"
          and bad["error"]["reason"] == "maintenance.attachment.unknown_type", f"text as jpeg: {st} {bad}")
    # A PNG declared as JPEG: the header and the bytes disagree.
    st, _, bad = request(base, "POST", path, PNG, tech, content_type="image/jpeg")
    check(st == 400 and bad["error"]["field"] == "Content-Type", f"png as jpeg: {st} {bad}")
    # Not a type we take at all.
    st, _, bad = request(base, "POST", path, b"hello", tech, content_type="text/plain")
    check(st == 400, f"text/plain: {st} {bad}")
    # A path in the name is refused (files are never stored on a path from the request).
    st, _, bad = request(base, "POST", path + "?filename=" + quote("../../etc/passwd"), jpeg, tech, content_type="image/jpeg")
    check(st == 400 and bad["error"]["field"] == "filename", f"path name: {st} {bad}")
    # The service's limit (5 MiB by default) behind a server that takes bodies of up to 8 MiB: a 3 MiB photo is
    # stored, one byte over 5 MiB is 413 naming the body, and nothing is stored for it.
    restart_with_config(ctx, "[server]\nmax_body_bytes = 8388608\n")
    try:
        tech = login(base, "tech", "tech-demo-2026")
        ok = JPEG_HEAD + b"\x00" * (3 * 1024 * 1024)
        st, _, fine = request(base, "POST", path, ok, tech, content_type="image/jpeg", timeout=60)
        check(st == 201 and fine["size_bytes"] == len(ok), f"3 MiB: {st} {str(fine)[:300]}")
        big = JPEG_HEAD + b"\x00" * (5 * 1024 * 1024 - len(JPEG_HEAD) + 1)
        st, _, bad = request(base, "POST", path, big, tech, content_type="image/jpeg", timeout=60)
        check(st == 413 and bad["error"]["field"] == "body"
              and bad["error"]["reason"] == "maintenance.attachment.too_large", f"over the limit: {st} {str(bad)[:300]}")
        st, _, listing = request(base, "GET", path, token=a["token"])
        check(len(listing["items"]) == 3, f"the refused photo is not stored: {listing}")
    finally:
        restore_defaults(ctx)
    tech = login(base, "tech", "tech-demo-2026")
    a["token"] = login(base, a["user_name"], "maintenance-test-2026")
    b["token"] = login(base, b["user_name"], "maintenance-test-2026")

    st, _, listing = request(base, "GET", path, token=a["token"])
    check(st == 200 and [i["id"] for i in listing["items"]][:2] == [photo["id"], doc["id"]]
          and len(listing["items"]) == 3, f"listing: {listing}")
    st, _, _ = request(base, "GET", path, token=b["token"])
    check(st == 404, f"b lists a's attachments: {st}")
    st, _, _ = request(base, "POST", path, jpeg, b["token"], content_type="image/jpeg")
    check(st == 404, f"b uploads to a's order: {st}")

    st, hdrs, got = request(base, "GET", photo["href"], token=a["token"])
    check(st == 200 and hdrs["content-type"] == "image/jpeg" and got == jpeg.decode(errors="replace"),
          f"download: {st} {hdrs}")
    check("filename*=UTF-8''%E6%9C%BA%E5%B0%81.jpg" in hdrs.get("content-disposition", ""), f"disposition: {hdrs}")
    st, hdrs, _ = request(base, "GET", doc["href"], token=a["token"])
    check(st == 200 and hdrs["content-type"] == "application/pdf"
          and hdrs["content-disposition"].startswith("attachment;"), f"pdf download: {hdrs}")
    st, _, _ = request(base, "GET", photo["href"], token=b["token"])
    check(st == 404, f"b downloads a's photo: {st}")

"""Black-box tests of the park's layout map: the demo's layout resolved within each caller's scope, an upload
that reports every bad place at once and changes nothing, and a replacement that is audited and kept across a
restart. Registered into run.py's list."""
from harness import check, login, request, test_registry

TESTS, test = test_registry()


def layout_of(base, token):
    st, _, body = request(base, "GET", "/api/v1/park/layout", token=token)
    check(st == 200, f"GET /park/layout: {st} {body}")
    return body


def plots(layout):
    return [f for f in layout["features"] if f["properties"]["kind"] == "plot"]


def viewer_token(base, admin):
    st, _, t = request(base, "POST", "/api/v1/tokens", {"label": "wall", "role": "viewer"}, admin)
    check(st == 201, f"viewer token: {st} {t}")
    return t["token"]


@test
def park_layout_is_seeded_and_scoped(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    ent = login(base, "ent-user", "ent-demo-2026")
    whole = layout_of(base, admin)["layout"]
    _, _, enterprises = request(base, "GET", "/api/v1/enterprises?page_size=200&kind=enterprise", token=admin)
    named = {p["properties"].get("enterprise_id") for p in plots(whole)}
    check(all(e["id"] in named for e in enterprises["items"]),
          f"every demo enterprise has a plot: {len(named)} plots for {enterprises['total']} enterprises")
    check(all("credit_code" not in p["properties"] for p in plots(whole)), "credit codes stay on the server")
    outlets = [f for f in whole["features"] if f["properties"]["kind"] == "outlet"]
    check(outlets and all(o["properties"].get("high_limit") for o in outlets), f"outlets carry their limits: {outlets}")
    # The wall's viewer token sees the whole park, as the screen needs.
    wall = layout_of(base, viewer_token(base, admin))["layout"]
    check(len([p for p in plots(wall) if p["properties"].get("enterprise_name")]) == len(plots(whole)),
          "a viewer token sees every plot's name")
    # An enterprise user sees the park's shape, but names and links only of its own enterprise.
    _, _, me = request(base, "GET", "/api/v1/auth/me", token=ent)
    mine = layout_of(base, ent)["layout"]
    with_names = [p for p in plots(mine) if "enterprise_name" in p["properties"] or "name" in p["properties"]]
    check(len(plots(mine)) == len(plots(whole)), "the enterprise user sees every plot's shape")
    check([p["properties"]["enterprise_id"] for p in with_names] == [me["enterprise_id"]],
          f"only its own plot is named: {[p['properties'] for p in with_names][:3]}")


def small_layout(credit_code, sensor_key):
    ring = [[0, 0], [100, 0], [100, 80], [0, 80], [0, 0]]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
         "properties": {"kind": "plot", "name": "甲", "credit_code": credit_code, "stroke": "#000"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [50, 0]},
         "properties": {"kind": "outlet", "sensor_key": sensor_key}},
    ]}


@test
def layout_upload_reports_every_bad_place_and_is_audited(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    staff = login(base, "staff", "staff-demo-2026")
    before = layout_of(base, admin)
    _, _, ents = request(base, "GET", "/api/v1/enterprises?page_size=200", token=admin)
    code_of = {e["id"]: e["credit_code"] for e in ents["items"]}
    outlet = next(f for f in before["layout"]["features"] if f["properties"]["kind"] == "outlet")
    _, _, sensor = request(base, "GET", f"/api/v1/sensors/{outlet['properties']['sensor_id']}", token=admin)

    bad = small_layout("91330000000000000X", "no.such.sensor")
    bad["features"].append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 1]},
                            "properties": {"kind": "factory"}})
    bad["features"][0]["geometry"]["coordinates"][0].pop()  # the ring no longer closes
    st, _, body = request(base, "PUT", "/api/v1/park/layout", bad, admin)
    check(st == 400, f"a bad layout is refused: {st} {body}")
    got = [(e["field"], e["code"]) for e in body["error"]["errors"]]
    check(got == [("features[0].geometry.coordinates[0]", "layout.ring_open"),
                  ("features[2].properties.kind", "layout.kind")], f"shape errors, all at once: {got}")
    bad["features"][0]["geometry"]["coordinates"][0].append([0, 0])
    bad["features"].pop()
    st, _, body = request(base, "PUT", "/api/v1/park/layout", bad, admin)
    got = [(e["field"], e["code"], e["params"]) for e in body["error"]["errors"]]
    check(st == 400 and got == [
        ("features[0].properties.credit_code", "layout.unknown_enterprise", {"credit_code": "91330000000000000X"}),
        ("features[1].properties.sensor_key", "layout.unknown_sensor", {"sensor_key": "no.such.sensor"})],
        f"unknown references, all at once: {st} {got}")
    check(layout_of(base, admin) == before, "a refused upload changes nothing")

    first = ents["items"][0]
    good = small_layout(first["credit_code"], sensor["key"])
    st, _, body = request(base, "PUT", "/api/v1/park/layout", good, staff)
    check(st == 403, f"park staff may not replace the layout: {st}")
    st, _, body = request(base, "PUT", "/api/v1/park/layout", good, admin,
                          content_type="application/geo+json")
    check(st == 200 and len(body["layout"]["features"]) == 2, f"replaced: {st} {body}")
    props = body["layout"]["features"][0]["properties"]
    check(props.get("enterprise_id") == first["id"] and "stroke" not in props, f"normalised and resolved: {props}")
    _, _, audit = request(base, "GET", "/api/v1/audit?page_size=5&action=update", token=admin)
    check(any(e["entity"] == "park_layout" and e["after"] == {"features": 2} for e in audit["items"]),
          f"the replacement is audited: {audit['items'][:2]}")
    ctx.server.stop()
    ctx.server.start()
    check(layout_of(base, admin)["layout"] == body["layout"], "the layout survives a restart")

    # Put the demo's layout back for the tests that follow.
    restored = {"type": "FeatureCollection", "features": []}
    for f in before["layout"]["features"]:
        p = {k: v for k, v in f["properties"].items() if k in ("kind", "name")}
        if f["properties"]["kind"] == "plot":
            p["credit_code"] = code_of[f["properties"]["enterprise_id"]]
            p["name"] = f["properties"]["enterprise_name"]
        if "sensor_id" in f["properties"]:
            _, _, s_ = request(base, "GET", f"/api/v1/sensors/{f['properties']['sensor_id']}", token=admin)
            p["sensor_key"] = s_["key"]
        restored["features"].append({"type": "Feature", "geometry": f["geometry"], "properties": p})
    st, _, body = request(base, "PUT", "/api/v1/park/layout", restored, admin)
    diff = [(a, b) for a, b in zip(body["layout"]["features"], before["layout"]["features"]) if a != b]
    check(st == 200 and not diff, f"restored: {st} {diff[:1]}")

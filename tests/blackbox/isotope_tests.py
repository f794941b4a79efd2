"""Black-box tests of the isotope service: a producer's batch on hold, released, a hospital's order planned from
its calibration time, allocated, packed (classified from its contents at dispatch, Tc-99m included) and
dispatched; refusals with reasons; bad input naming the field; a hospital seeing only its own orders.
Registered into run.py's list."""
import json
import math
import time

from harness import check, login, request, test_registry
from energy_tests import credit_code

TESTS, test = test_registry()

HOUR = 3_600_000
MO99_H = 65.94


def enterprise_with_user(base, admin, prefix, stamp):
    st, _, ent = request(base, "POST", "/api/v1/enterprises",
                         {"name": f"{prefix}{stamp}", "credit_code": credit_code(stamp), "sector": "2760"}, admin)
    check(st == 201, f"enterprise: {st} {ent}")
    password = "isotope-test-2026"
    name = f"iso{stamp}"
    st, _, user = request(base, "POST", "/api/v1/users",
                          {"name": name, "role": "enterprise_user", "enterprise_id": ent["id"], "password": password},
                          admin)
    check(st == 201, f"user: {st} {user}")
    return ent, login(base, name, password)


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b))


@test
def isotope_batch_to_dispatch_with_refusals_and_scope(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    stamp = time.time_ns() % 10**9
    producer, prod = enterprise_with_user(base, admin, "同位素生产", stamp)
    hospital, hosp = enterprise_with_user(base, admin, "医院甲", stamp + 1)
    other, other_tok = enterprise_with_user(base, admin, "医院乙", stamp + 2)

    # A hospital is an organisation outside the park: only the park admin may say so (and undo it).
    st, _, bad = request(base, "PATCH", f"/api/v1/enterprises/{hospital['id']}", {"kind": "enterprise"}, hosp)
    check(st == 200, f"an unchanged kind is no change: {st} {bad}")
    st, _, bad = request(base, "PATCH", f"/api/v1/enterprises/{hospital['id']}", {"kind": "external"}, hosp)
    check(st == 403 and bad["error"]["field"] == "kind" and bad["error"]["reason"] == "registry.admin_field",
          f"an enterprise user cannot change its kind: {st} {bad}")
    _, _, before = request(base, "GET", "/api/v1/park", token=admin)
    st, _, ext = request(base, "PATCH", f"/api/v1/enterprises/{hospital['id']}", {"kind": "external"}, admin)
    check(st == 200 and ext["kind"] == "external", f"the park admin marks it external: {st} {ext}")
    _, _, after = request(base, "GET", "/api/v1/park", token=admin)
    check(after["enterprise_count"] == before["enterprise_count"] - 1
          and all(p["id"] != hospital["id"] for p in after["plots"]), "an outside organisation is not counted in the park")

    st, _, nuclides = request(base, "GET", "/api/v1/isotopes/nuclides", token=hosp)
    mo = next(n for n in nuclides["items"] if n["nuclide"] == "Mo-99")
    check(st == 200 and mo["half_life"] == MO99_H and "ICRP" in nuclides["source"], f"nuclides: {st} {mo}")

    now = int(time.time() * 1000)
    ref = now - 2 * HOUR
    batch_body = {"code": f"MO-{stamp}", "nuclide": "Mo-99", "activity_bq": 2.0e12, "reference_at": ref,
                  "expiry_at": ref + 10 * 24 * HOUR, "target": "LEU", "reactor": "R1", "eoi_at": ref - 6 * HOUR,
                  "purification": "alumina column, acid dissolution"}
    # Only a registered producer with a valid licence records batches.
    st, _, bad = request(base, "POST", "/api/v1/isotopes/batches", batch_body, prod)
    check(st == 400 and bad["error"]["field"] == "producer_id"
          and bad["error"]["reason"] == "isotope.producer.not_registered", f"unregistered producer: {st} {bad}")
    licence = {"enterprise_id": producer["id"], "licence_no": f"国环辐证[{stamp}]", "licence_expiry_at": now + 365 * 24 * HOUR}
    st, _, _ = request(base, "POST", "/api/v1/isotopes/producers", licence, prod)
    check(st == 403, f"an enterprise cannot license itself: {st}")
    st, _, bad = request(base, "POST", "/api/v1/isotopes/producers", {**licence, "licence_expiry_at": now - HOUR}, admin)
    check(st == 400 and bad["error"]["field"] == "licence_expiry_at", f"expired licence: {st} {bad}")
    st, _, reg = request(base, "POST", "/api/v1/isotopes/producers", licence, admin)
    check(st == 201 and reg["enterprise_id"] == producer["id"], f"producer registered: {st} {reg}")
    st, _, producers = request(base, "GET", "/api/v1/isotopes/producers", token=hosp)
    check(st == 200 and any(p["enterprise_id"] == producer["id"] for p in producers["items"]), f"producers: {producers}")
    st, _, bad = request(base, "POST", "/api/v1/isotopes/batches", {**batch_body, "eoi_at": ref + HOUR}, prod)
    check(st == 400 and bad["error"]["field"] == "eoi_at", f"irradiation ending after the reference: {st} {bad}")
    st, _, bad = request(base, "POST", "/api/v1/isotopes/batches", batch_body, hosp)
    check(st == 400 and bad["error"]["field"] == "producer_id", f"a hospital records no batches: {st} {bad}")
    st, _, batch = request(base, "POST", "/api/v1/isotopes/batches", batch_body, prod)
    check(st == 201 and batch["status"] == "on_hold" and batch["producer_id"] == producer["id"]
          and batch["eoi_at"] == ref - 6 * HOUR and batch["purification"] == batch_body["purification"],
          f"batch: {st} {batch}")

    # Read at a chosen time: decay-corrected, with the Tc-99m grown in (README check: 2 Bq → 1.6208 / 1.3720 after 20 h).
    st, _, listed = request(base, "GET", f"/api/v1/isotopes/batches?at={ref + 20 * HOUR}", token=prod)
    b = next(x for x in listed["items"] if x["id"] == batch["id"])
    tc = next(c for c in b["contents"] if c["nuclide"] == "Tc-99m")
    check(close(b["activity_bq"], 1.0e12 * 1.6207863893776937, 1e-12)
          and close(tc["activity_bq"], 1.0e12 * 1.3719829376710406, 1e-9), f"decay-corrected batch: {b}")
    check(b["explanation"]["code"] == "isotope.formula.decay", f"explained: {b['explanation']}")
    st, _, seen = request(base, "GET", "/api/v1/isotopes/batches", token=hosp)
    check(st == 200 and all(x["producer_id"] != producer["id"] for x in seen["items"]), "a hospital sees no batches")

    # Bad input names the field and the reason.
    cal = now + 30 * HOUR
    order = {"producer_id": producer["id"], "nuclide": "Mo-99", "activity_bq": 5.0e10, "calibration_at": cal,
             "dispatch_at": now + 6 * HOUR, "margin": 0.1}
    for change, field, code in [({"nuclide": "Mo-100"}, "nuclide", "isotope.nuclide_unknown"),
                                ({"activity_bq": -5}, "activity_bq", "isotope.activity_positive"),
                                ({"calibration_at": now - HOUR, "dispatch_at": now - 2 * HOUR}, "calibration_at",
                                 "isotope.calibration_past"),
                                ({"calibration_at": now + HOUR}, "calibration_at",
                                 "isotope.calibration_before_dispatch")]:
        st, _, body = request(base, "POST", "/api/v1/isotopes/orders", {**order, **change}, hosp)
        check(st == 400 and body["error"]["field"] == field and body["error"]["reason"] == code,
              f"{change}: {st} {body}")

    st, _, o1 = request(base, "POST", "/api/v1/isotopes/orders", order, hosp)
    want = 5.0e10 * 2 ** (24 / MO99_H) * 1.1
    check(st == 201 and o1["orderer_id"] == hospital["id"] and close(o1["dispatch_bq"], want), f"order: {st} {o1}")
    check(o1["explanation"]["code"] == "isotope.formula.dispatch", f"explained: {o1}")
    big = {**order, "activity_bq": 5.0e12}
    st, _, o2 = request(base, "POST", "/api/v1/isotopes/orders", big, other_tok)
    check(st == 201, f"second order: {st} {o2}")

    # On hold: nothing can be allocated, and each order says why.
    st, _, plan = request(base, "POST", "/api/v1/isotopes/allocate", {}, prod)
    reasons = {r["order_id"]: r["reason"]["code"] for r in plan["refusals"]}
    check(st == 200 and not plan["allocations"] and reasons == {o1["id"]: "isotope.refusal.not_released",
                                                                o2["id"]: "isotope.refusal.not_released"},
          f"held batch: {st} {plan}")

    st, _, bad = request(base, "POST", f"/api/v1/isotopes/batches/{batch['id']}/release",
                         json.dumps({"note": "x" * 501}), prod)
    check(st == 400 and bad["error"]["field"] == "note" and bad["error"]["reason"] == "field.too_long",
          f"a release note over 500 characters: {st} {bad}")
    st, _, rel = request(base, "POST", f"/api/v1/isotopes/batches/{batch['id']}/release",
                         json.dumps({"note": "QC release certificate 2026-118"}), prod)
    check(st == 200 and rel["status"] == "released", f"release: {st} {rel}")
    st, _, again = request(base, "POST", f"/api/v1/isotopes/batches/{batch['id']}/release", None, prod)
    check(st == 409, f"released twice: {st} {again}")
    st, _, _ = request(base, "POST", f"/api/v1/isotopes/batches/{batch['id']}/release", None, hosp)
    check(st == 404, f"a hospital cannot release the producer's batch: {st}")

    st, _, plan = request(base, "POST", "/api/v1/isotopes/allocate", {}, prod)
    check(st == 200 and [a["order_id"] for a in plan["allocations"]] == [o1["id"]], f"allocation: {plan}")
    refusal = plan["refusals"][0]
    check(refusal["order_id"] == o2["id"] and refusal["reason"]["code"] == "isotope.refusal.insufficient"
          and refusal["reason"]["params"]["needed_bq"] > refusal["reason"]["params"]["available_bq"],
          f"the too-large order is refused with what is left: {refusal}")

    # Scope: each hospital sees only its own orders; the producer sees both.
    _, _, mine = request(base, "GET", "/api/v1/isotopes/orders", token=hosp)
    _, _, theirs = request(base, "GET", "/api/v1/isotopes/orders", token=other_tok)
    _, _, prods = request(base, "GET", "/api/v1/isotopes/orders", token=prod)
    check({o["id"] for o in mine["items"]} == {o1["id"]} and {o["id"] for o in theirs["items"]} == {o2["id"]},
          f"own orders only: {mine} {theirs}")
    check({o1["id"], o2["id"]} <= {o["id"] for o in prods["items"]}, "the producer sees the orders addressed to it")
    named = {o["id"]: o["orderer_name"] for o in prods["items"]}
    check(named[o1["id"]] == hospital["name"] and named[o2["id"]] == other["name"],
          f"the producer sees where each order goes: {named}")
    st, _, _ = request(base, "POST", f"/api/v1/isotopes/orders/{o1['id']}/dispatch", {}, other_tok)
    check(st == 404, f"another enterprise cannot dispatch: {st}")

    # Pack and dispatch: Type A (Mo-99 above 1e-4 A2 for a liquid), Tc-99m listed but covered by Mo-99's A2.
    st, _, sent = request(base, "POST", f"/api/v1/isotopes/orders/{o1['id']}/dispatch",
                          {"form": "liquid", "dose_rate_1m_msv_h": 0.008, "surface_dose_msv_h": 0.3}, prod)
    pkg = sent.get("package") or {}
    check(st == 200 and sent["status"] == "dispatched" and pkg["type"] == "type_a" and pkg["un_number"] == "UN2915",
          f"dispatch: {st} {sent}")
    check(pkg["counted"] == ["Mo-99"] and {c["nuclide"] for c in pkg["contents"]} == {"Mo-99", "Tc-99m"}
          and math.isclose(pkg["sum_a2"], o1["dispatch_bq"] / 0.6e12, rel_tol=1e-9), f"contents: {pkg}")
    check(pkg["transport_index"] == 0.8 and pkg["label"] == "II-YELLOW", f"TI and label: {pkg}")
    st, _, twice = request(base, "POST", f"/api/v1/isotopes/orders/{o1['id']}/dispatch", {}, prod)
    check(st == 409 and twice["error"]["reason"] == "isotope.order_not_allocated", f"dispatched twice: {st} {twice}")

    # The day's shipments, for the dispatcher and the big screen's wall-display token; a hospital sees its own only.
    day = f"from={order['dispatch_at'] - HOUR}&to={order['dispatch_at'] + HOUR}"
    st, _, tok = request(base, "POST", "/api/v1/tokens", {"label": f"wall {stamp}", "role": "viewer", "expires_in_days": 1},
                         admin)
    check(st == 201, f"viewer token: {st} {tok}")
    st, _, wall = request(base, "GET", f"/api/v1/isotopes/shipments?{day}", token=tok["token"])
    mine = [o for o in wall.get("items", []) if o["id"] == o1["id"]]
    check(st == 200 and mine and mine[0]["package"]["type"] == "type_a" and mine[0]["orderer_name"] == hospital["name"],
          f"the wall display lists the shipment: {st} {wall}")
    _, _, theirs = request(base, "GET", f"/api/v1/isotopes/shipments?{day}", token=other_tok)
    check(all(o["orderer_id"] == other["id"] for o in theirs["items"]), f"another hospital's shipments only: {theirs}")
    st, _, bad = request(base, "GET", "/api/v1/isotopes/shipments?from=10&to=5", token=prod)
    check(st == 400 and bad["error"]["field"] == "to", f"a window ending before it starts: {st} {bad}")

    # Genealogy: the batch names the order it supplied and the package that carried it.
    st, _, detail = request(base, "GET", f"/api/v1/isotopes/batches/{batch['id']}", token=prod)
    check(st == 200 and [o["id"] for o in detail["orders"]] == [o1["id"]]
          and detail["orders"][0]["package"]["type"] == "type_a", f"genealogy: {st} {detail}")
    st, _, _ = request(base, "GET", f"/api/v1/isotopes/batches/{batch['id']}", token=hosp)
    check(st == 404, f"a hospital cannot read the producer's batch: {st}")
    st, _, bad = request(base, "POST", "/api/v1/isotopes/orders", {**order, "producer_id": hospital["id"]}, hosp)
    check(st == 400 and bad["error"]["field"] == "producer_id", f"orders go to licensed producers only: {st} {bad}")

    # What was dispatched is gone from the batch.
    _, _, after = request(base, "GET", f"/api/v1/isotopes/batches?at={order['dispatch_at']}", token=prod)
    left = next(x for x in after["items"] if x["id"] == batch["id"])["activity_bq"]
    full = 2.0e12 * 2 ** (-(order["dispatch_at"] - ref) / HOUR / MO99_H)
    check(close(left, full - o1["dispatch_bq"], 1e-9), f"batch after dispatch: {left} vs {full - o1['dispatch_bq']}")


@test
def isotope_generator_ingrowth_and_waste_release_dates(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    st, _, gen = request(base, "POST", "/api/v1/isotopes/generator/ingrowth",
                         {"mo99_bq": 1e10, "hours": 24, "eluate_mo99_bq": 1e5, "eluate_tc99m_bq": 1e9,
                          "administration_after_hours": 6}, admin)
    check(st == 200 and abs(gen["peak_hours"] - 22.86) < 0.005 and len(gen["curve"]) == 25, f"ingrowth: {st} {gen}")
    at = {p["hours"]: p["tc99m_bq"] for p in gen["curve"]}
    check(abs(at[6] / gen["peak_tc99m_bq"] - 0.61) < 0.005 and abs(at[12] / gen["peak_tc99m_bq"] - 0.88) < 0.005,
          f"61 % after 6 h, 88 % after 12 h: {at[6] / gen['peak_tc99m_bq']} {at[12] / gen['peak_tc99m_bq']}")
    br = gen["breakthrough"]
    check(br["ok"] is False and br["kbq_mo_per_mbq_tc"] > 0.15 and br["explanation"]["code"] == "isotope.breakthrough.over",
          f"0.1 kBq/MBq at elution is over the limit 6 h later: {br}")
    st, _, bad = request(base, "POST", "/api/v1/isotopes/generator/ingrowth", {"mo99_bq": -1}, admin)
    check(st == 400 and bad["error"]["field"] == "mo99_bq", f"negative activity: {st} {bad}")

    sealed = 1_764_547_200_000
    st, _, w = request(base, "POST", "/api/v1/isotopes/waste/release-date",
                       {"nuclides": ["Tc-99m", "I-131"], "sealed_at": sealed}, admin)
    check(st == 200 and w["release_at"] == sealed + 180 * 24 * HOUR
          and [r["reason"]["code"] for r in w["rules"]] == ["isotope.waste.rule_short", "isotope.waste.rule_i131"],
          f"waste: {st} {w}")
    st, _, bad = request(base, "POST", "/api/v1/isotopes/waste/release-date",
                         {"nuclides": ["Xx-1"], "sealed_at": sealed}, admin)
    check(st == 400 and bad["error"]["field"] == "nuclides[0]" and bad["error"]["reason"] == "isotope.nuclide_unknown",
          f"unknown nuclide: {st} {bad}")


TC99M_H = 6.015
BRANCH = 0.8773


def tc_ingrowth(mo_bq, residual_bq, hours):
    """Tc-99m from Mo-99 on a column and a residual, by the two-member Bateman solution (independent of the server)."""
    lm, lt = math.log(2) / MO99_H, math.log(2) / TC99M_H
    return (BRANCH * mo_bq * lt / (lt - lm) * (math.exp(-lm * hours) - math.exp(-lt * hours))
            + residual_bq * math.exp(-lt * hours))


@test
def isotope_generator_elution_log_and_waste_register(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    stamp = time.time_ns() % 10**9
    hospital, hosp = enterprise_with_user(base, admin, "核医学科", stamp + 3)
    other, other_tok = enterprise_with_user(base, admin, "医院丙", stamp + 4)
    now = int(time.time() * 1000)
    ref = now - 48 * HOUR

    gen_body = {"code": f"GEN-{stamp}", "mo99_bq": 1.0e11, "reference_at": ref, "expiry_at": ref + 14 * 24 * HOUR}
    st, _, bad = request(base, "POST", "/api/v1/isotopes/generators", {**gen_body, "mo99_bq": -1}, hosp)
    check(st == 400 and bad["error"]["field"] == "mo99_bq", f"negative activity: {st} {bad}")
    st, _, gen = request(base, "POST", "/api/v1/isotopes/generators", gen_body, hosp)
    check(st == 201 and gen["owner_id"] == hospital["id"], f"generator: {st} {gen}")
    gid = gen["id"]

    # Ingrowth since the reference (taken as a full elution), checked against Bateman computed here.
    st, _, g = request(base, "GET", f"/api/v1/isotopes/generators/{gid}?at={ref + 23 * HOUR}", token=hosp)
    check(st == 200 and close(g["tc99m_available_bq"], tc_ingrowth(1e11, 0, 23), 1e-9), f"ingrowth at 23 h: {g}")
    check(len(g["curve"]) == 49 and g["curve"][0]["tc99m_bq"] == 0, f"curve from the reference: {g['curve'][:2]}")

    expected = tc_ingrowth(1e11, 0, 24)
    elution = {"eluted_at": ref + 24 * HOUR, "tc99m_bq": 0.9 * expected, "mo99_bq": 0.9 * expected * 1e-5}
    st, _, e = request(base, "POST", f"/api/v1/isotopes/generators/{gid}/elutions", elution, hosp)
    check(st == 201 and close(e["expected_tc99m_bq"], expected, 1e-9) and close(e["efficiency"], 0.9, 1e-9),
          f"elution: {st} {e}")
    bt = e["breakthrough"]
    check(bt["ok"] and close(bt["kbq_mo_per_mbq_tc"], 0.01, 1e-9) and bt["usable_hours"] > 24, f"breakthrough: {bt}")
    for change, field, code in [({"eluted_at": ref + 12 * HOUR}, "eluted_at", "isotope.generator.elution_order"),
                                ({"eluted_at": now + 24 * HOUR}, "eluted_at", "isotope.time_future"),
                                ({"tc99m_bq": 0}, "tc99m_bq", "isotope.activity_positive")]:
        st, _, bad = request(base, "POST", f"/api/v1/isotopes/generators/{gid}/elutions", {**elution, **change}, hosp)
        check(st == 400 and bad["error"]["field"] == field and bad["error"]["reason"] == code, f"{change}: {st} {bad}")

    # Six hours after the elution: ingrowth from the Mo-99 left plus the residual the elution did not take.
    mo_then = 1e11 * 2 ** (-24 / MO99_H)
    st, _, g = request(base, "GET", f"/api/v1/isotopes/generators/{gid}?at={ref + 30 * HOUR}", token=hosp)
    check(close(g["tc99m_available_bq"], tc_ingrowth(mo_then, 0.1 * expected, 6), 1e-9)
          and g["last_elution_at"] == elution["eluted_at"] and g["elution_count"] == 1, f"after the elution: {g}")
    check(g["explanation"]["code"] == "isotope.formula.generator", f"explained: {g['explanation']}")
    _, _, theirs = request(base, "GET", "/api/v1/isotopes/generators", token=other_tok)
    check(all(x["id"] != gid for x in theirs["items"]), "another hospital does not see the generator")
    st, _, _ = request(base, "POST", f"/api/v1/isotopes/generators/{gid}/elutions",
                       {**elution, "eluted_at": now - HOUR}, other_tok)
    check(st == 404, f"nor elute it: {st}")

    # Waste: a Tc-99m container sealed 40 days ago is due; an I-131 one sealed now is held 180 days.
    day = 24 * HOUR
    tc_box = {"code": f"W-TC-{stamp}", "form": "solid", "sealed_at": now - 40 * day,
              "contents": [{"nuclide": "Tc-99m", "activity_bq": 5.0e8}]}
    i_box = {"code": f"W-I-{stamp}", "form": "liquid", "sealed_at": now - HOUR,
             "contents": [{"nuclide": "I-131", "activity_bq": 2.0e7}]}
    for change, field, code in [({"contents": []}, "contents", "isotope.waste.no_contents"),
                                ({"contents": [{"nuclide": "Xx-1", "activity_bq": 1}]}, "contents[0].nuclide",
                                 "isotope.nuclide_unknown"),
                                ({"contents": [{"nuclide": "I-131", "activity_bq": -1}]}, "contents[0].activity_bq",
                                 "isotope.activity_negative"),
                                ({"form": "gas"}, "form", "isotope.form"),
                                ({"sealed_at": now + 2 * day}, "sealed_at", "isotope.time_future")]:
        st, _, bad = request(base, "POST", "/api/v1/isotopes/waste", {**tc_box, **change}, hosp)
        check(st == 400 and bad["error"]["field"] == field and bad["error"]["reason"] == code, f"{change}: {st} {bad}")
    st, _, tc = request(base, "POST", "/api/v1/isotopes/waste", tc_box, hosp)
    check(st == 201 and tc["status"] == "due" and tc["release_at"] == tc_box["sealed_at"] + 30 * day
          and tc["rules"][0]["reason"]["code"] == "isotope.waste.rule_short", f"Tc-99m container: {st} {tc}")
    st, _, io = request(base, "POST", "/api/v1/isotopes/waste", i_box, hosp)
    check(st == 201 and io["status"] == "storing" and io["release_at"] == i_box["sealed_at"] + 180 * day, f"I-131: {io}")
    at = i_box["sealed_at"] + 8 * day
    _, _, reg = request(base, "GET", f"/api/v1/isotopes/waste?at={at}", token=hosp)
    got = next(x for x in reg["items"] if x["id"] == io["id"])["activity_at"][0]["activity_bq"]
    check(close(got, 2.0e7 * 2 ** (-8 / 8.0207), 1e-9), f"I-131 decay-corrected in the register: {got}")

    st, _, early = request(base, "POST", f"/api/v1/isotopes/waste/{io['id']}/release", {}, hosp)
    check(st == 409 and early["error"]["reason"] == "isotope.waste.too_early", f"released early: {st} {early}")
    st, _, nos = request(base, "POST", f"/api/v1/isotopes/waste/{tc['id']}/release", {}, hosp)
    check(st == 409 and nos["error"]["reason"] == "isotope.waste.survey_missing", f"no survey: {st} {nos}")
    st, _, hot = request(base, "POST", f"/api/v1/isotopes/waste/{tc['id']}/survey",
                         {"dose_rate_usv_h": 0.25, "background_usv_h": 0.12}, hosp)
    check(st == 201 and hot["survey"]["pass"] is False, f"hot survey: {st} {hot}")
    st, _, refused = request(base, "POST", f"/api/v1/isotopes/waste/{tc['id']}/release", {}, hosp)
    check(st == 409 and refused["error"]["reason"] == "isotope.waste.survey_above", f"above background: {st} {refused}")
    st, _, bad = request(base, "POST", f"/api/v1/isotopes/waste/{tc['id']}/survey",
                         {"dose_rate_usv_h": -1, "background_usv_h": 0.12}, hosp)
    check(st == 400 and bad["error"]["field"] == "dose_rate_usv_h", f"negative dose rate: {st} {bad}")
    st, _, _ = request(base, "POST", f"/api/v1/isotopes/waste/{tc['id']}/survey",
                       {"dose_rate_usv_h": 0.11, "background_usv_h": 0.12}, other_tok)
    check(st == 404, f"another hospital cannot survey it: {st}")
    st, _, ok = request(base, "POST", f"/api/v1/isotopes/waste/{tc['id']}/survey",
                        {"dose_rate_usv_h": 0.11, "background_usv_h": 0.12, "surface_bq_cm2": 0.2}, hosp)
    check(st == 201 and ok["survey"]["pass"] and ok["survey"]["counts_for_release"], f"clean survey: {st} {ok}")
    st, _, out = request(base, "POST", f"/api/v1/isotopes/waste/{tc['id']}/release",
                         {"note": "cleared to municipal waste"}, hosp)
    check(st == 200 and out["status"] == "released" and out["released_at"], f"release: {st} {out}")
    st, _, twice = request(base, "POST", f"/api/v1/isotopes/waste/{tc['id']}/release", {}, hosp)
    check(st == 409 and twice["error"]["reason"] == "isotope.waste.released", f"released twice: {st} {twice}")
    _, _, theirs = request(base, "GET", "/api/v1/isotopes/waste", token=other_tok)
    check(all(x["id"] not in (tc["id"], io["id"]) for x in theirs["items"]), "another hospital sees none of it")

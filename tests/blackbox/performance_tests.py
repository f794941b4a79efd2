"""Black-box tests of the renewable assets' performance (issue 12, item 7): a turbine whose power is 90 % of its
nameplate curve with a 10 degree yaw error, and a PV array at a performance ratio of 0.8, written as telemetry and
read back through GET /api/v1/maintenance/performance/{id} against figures worked out here; bad windows and
equipment that is not assessed are refused naming the field; another enterprise sees nothing. Registered into
run.py's list."""
import time

from energy_tests import credit_code
from harness import check, login, request, test_registry
from telemetry_tests import device_token, write

TESTS, test = test_registry()

TEN_MIN = 600


def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def close(a, b, rel=1e-6):
    return a is not None and abs(a - b) <= rel * max(1.0, abs(b))


@test
def renewable_performance_against_worked_figures(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    stamp = time.time_ns() % 10**9
    st, _, ent = request(base, "POST", "/api/v1/enterprises",
                         {"name": f"性能测试新能源{stamp}", "credit_code": credit_code(stamp), "sector": "4415"}, admin)
    check(st == 201, f"enterprise: {st} {ent}")
    st, _, fac = request(base, "POST", "/api/v1/facilities",
                         {"enterprise_id": ent["id"], "name": "风光场站", "kind": "utility"}, admin)
    check(st == 201, f"facility: {st} {fac}")
    rated_wtg = {"rated_kw": 5000, "cut_in_ms": 3, "rated_ms": 10.5, "cut_out_ms": 25}
    st, _, wtg = request(base, "POST", "/api/v1/equipment",
                         {"facility_id": fac["id"], "tag": "WTG-9", "name": "测试风机", "type": "wind_turbine",
                          "rated": rated_wtg}, admin)
    check(st == 201, f"turbine: {st} {wtg}")
    st, _, pv = request(base, "POST", "/api/v1/equipment",
                        {"facility_id": fac["id"], "tag": "PV-9", "name": "测试光伏", "type": "pv_array",
                         "rated": {"peak_kw": 2000}}, admin)
    check(st == 201, f"array: {st} {pv}")
    st, _, trafo = request(base, "POST", "/api/v1/equipment",
                           {"facility_id": fac["id"], "tag": "TR-9", "name": "测试变压器", "type": "transformer"}, admin)
    check(st == 201, f"transformer: {st} {trafo}")
    sensors = [(wtg, "performance", "performance", "%"),
               (wtg, "wind_speed", "wind_speed", "m/s"), (wtg, "power", "power", "kW"),
               (wtg, "wind_direction", "direction", "deg"), (wtg, "nacelle_direction", "direction", "deg"),
               (pv, "irradiance", "irradiance", "W/m2"), (pv, "power", "power", "kW"),
               (pv, "module_temp", "temperature", "degC")]
    made = {}
    for eq, suffix, quantity, unit in sensors:
        st, _, s = request(base, "POST", "/api/v1/sensors",
                           {"equipment_id": eq["id"], "key": f"pf{stamp}.{eq['tag'].lower().replace('-', '_')}.{suffix}",
                            "name": f"{eq['tag']} {suffix}", "kind": "sensor", "quantity": quantity, "unit": unit}, admin)
        check(st == 201, f"sensor {suffix}: {st} {s}")
        made[(eq["tag"], suffix)] = s

    # Six hours of 10-minute readings, ending 20 minutes ago.
    start = (int(time.time()) // TEN_MIN - 38) * TEN_MIN
    curve_7 = 5000 * (7**3 - 3**3) / (10.5**3 - 3**3)  # the nameplate curve at 7 m/s
    lines = []
    for i in range(36):
        t = start + i * TEN_MIN
        k = f"pf{stamp}"
        lines += [f"{k}.wtg_9.wind_speed value=7 {t}", f"{k}.wtg_9.power value={0.9 * curve_7} {t}",
                  f"{k}.wtg_9.wind_direction value=200 {t}", f"{k}.wtg_9.nacelle_direction value=190 {t}",
                  f"{k}.pv_9.irradiance value=800 {t}", f"{k}.pv_9.power value={0.8 * 2000 * 0.8} {t}",
                  f"{k}.pv_9.module_temp value=45 {t}"]
    token = device_token(base, admin)
    st, _, body = write(base, token, "\n".join(lines))
    check(st == 204, f"write: {st} {body}")
    window = f"from={iso(start)}&to={iso(start + 36 * TEN_MIN)}"

    st, _, w = request(base, "GET", f"/api/v1/maintenance/performance/{wtg['id']}?{window}", token=admin)
    check(st == 200 and w["kind"] == "wind" and w["samples"] == 36, f"turbine: {st} {w}")
    check(close(w["performance_pct"], 90) and close(w["expected_kwh"], curve_7 * 6)
          and close(w["lost_kwh"], 0.1 * curve_7 * 6), f"90 % of the curve over 6 h: {w}")
    check(close(w["yaw_misalignment_deg"], 10), f"yaw misalignment 10 degrees: {w['yaw_misalignment_deg']}")
    check(w["explanation"]["code"].startswith("maintenance.wind") and len(w["curve"]) == 45
          and len(w["scatter"]) == 36, "explained, with the curve and the scatter")

    st, _, p = request(base, "GET", f"/api/v1/maintenance/performance/{pv['id']}?{window}", token=admin)
    check(st == 200 and p["kind"] == "pv" and close(p["pr"], 0.8), f"PR 0.8: {st} {p}")
    check(close(p["pr_temperature_corrected"], 0.8 / (1 - 0.004 * 20)) and p["temperature_samples"] == 36,
          f"temperature-corrected at 45 degC: {p['pr_temperature_corrected']}")
    check(len(p["days"]) >= 1 and all(close(d["pr"], 0.8) for d in p["days"]), f"per day: {p['days']}")

    for query, field in [(f"from={iso(start + 3600)}&to={iso(start)}", "from"),
                         (f"from={iso(start - 500 * 86400)}&to={iso(start)}", "from"),
                         ("from=yesterday", "from")]:
        st, _, bad = request(base, "GET", f"/api/v1/maintenance/performance/{wtg['id']}?{query}", token=admin)
        check(st == 400 and bad["error"]["field"] == field, f"{query}: {st} {bad}")
    st, _, bad = request(base, "GET", f"/api/v1/maintenance/performance/{trafo['id']}", token=admin)
    check(st == 400 and bad["error"]["field"] == "id"
          and bad["error"]["reason"] == "maintenance.performance.not_assessed", f"a transformer: {st} {bad}")
    # Recorded as a reading, the figure raises the rule's low alarm and the condition plan's work order opens.
    st, _, rule = request(base, "POST", "/api/v1/alarm-rules",
                          {"name": "WTG-9 性能偏低", "sensor_id": made[("WTG-9", "performance")]["id"],
                           "kind": "threshold", "low": 95, "severity": "warning"}, admin)
    check(st == 201, f"rule: {st} {rule}")
    st, _, plan = request(base, "POST", "/api/v1/maintenance/plans",
                          {"equipment_id": wtg["id"], "name": "性能偏低排查", "kind": "condition",
                           "alarm_rule_id": rule["id"], "priority": "high"}, admin)
    check(st == 201, f"plan: {st} {plan}")
    st, _, rec = request(base, "POST", f"/api/v1/maintenance/performance/{wtg['id']}/record", {}, admin)
    check(st == 200 and close(rec["figure_pct"], 90) and rec["recorded"]["key"].endswith(".performance"),
          f"recorded: {st} {rec}")
    st, _, bad = request(base, "POST", f"/api/v1/maintenance/performance/{pv['id']}/record", {}, admin)
    check(st == 422 and bad["error"]["reason"] == "maintenance.performance.no_sensor", f"no performance sensor: {st} {bad}")
    deadline = time.time() + 20
    orders = []
    while time.time() < deadline and not orders:
        _, _, got = request(base, "GET", f"/api/v1/maintenance/work-orders?equipment_id={wtg['id']}", token=admin)
        orders = [o for o in got["items"] if o["plan_id"] == plan["id"] and o["alarm_id"]]
        time.sleep(0.5)
    check(orders and orders[0]["priority"] == "high", f"the low performance opened no work order: {orders}")

    other = login(base, "ent-user", "ent-demo-2026")
    st, _, bad = request(base, "GET", f"/api/v1/maintenance/performance/{wtg['id']}", token=other)
    check(st == 400 and bad["error"]["field"] == "id", f"another enterprise's turbine: {st} {bad}")

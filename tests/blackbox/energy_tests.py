"""Black-box tests of the energy account (GET /api/v1/energy/account) on a new enterprise with hand-made meter
readings: the figures per carrier, the tce and the time-of-use cost computed by hand, honest comparisons, meters of
no carrier listed apart, and each role's scope. Registered into run.py's list."""
import calendar
import time

from harness import DEMO_LOGINS, check, login, request, test_registry
from security_tests import api_token

TESTS, test = test_registry()

LOCAL = 8 * 3600  # the park's offset from UTC (Asia/Shanghai)
HOUR = 3600
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(serial):
    """A valid unified social credit code (GB 32100-2015 check character) for a test enterprise."""
    first17 = f"91330200{serial % 10**9:09d}"
    total, weight = 0, 1
    for c in first17:
        total += CREDIT_CHARS.index(c) * weight
        weight = weight * 3 % 31
    return first17 + CREDIT_CHARS[(31 - total % 31) % 31]


def local_instant(y, m, d, h=0):
    return calendar.timegm((y, m, d, h, 0, 0)) - LOCAL


def local_month(t):
    return time.strftime("%Y-%m", time.gmtime(t + LOCAL))


# Use per hour by local month: electricity 5 kWh an hour until February, 10 from March; gas only from March;
# water 2 t an hour; run hours 1 an hour.
RATES = {
    "electricity": lambda month: 5 if month < "2025-03" else 10,
    "natural_gas": lambda month: 0 if month < "2025-03" else 5,
    "water": lambda month: 2,
    "run_hours": lambda month: 1,
}
METERS = (("electricity", "energy", "kWh", "electricity"), ("natural_gas", "gas_volume", "Nm3", "natural_gas"),
          ("water", "water_volume", "m3", "water"), ("run_hours", "run_hours", "h", None))
# A day under the tariff (data/energy/tou_tariff.csv): 12 valley hours at 0.3356, 8 peak at 1.0156 and 4 critical
# peak at 1.2156 yuan/kWh; the flat band has no hour left.
DAY_YUAN_PER_KWH_HOUR = 12 * 0.3356 + 8 * 1.0156 + 4 * 1.2156


def close(a, b, tol=1e-6):
    return a is not None and b is not None and abs(a - b) <= tol * max(1.0, abs(b))


def setup_enterprise(base, admin, name_prefix="能耗测试企业"):
    """A new enterprise with a transformer and four meters (electricity, gas, water, run hours) and a user of its
    own: (enterprise, {meter name: sensor}, the user's token)."""
    stamp = time.time_ns() % 10**9
    st, _, ent = request(base, "POST", "/api/v1/enterprises",
                         {"name": f"{name_prefix}{stamp}", "credit_code": credit_code(stamp), "sector": "2710"}, admin)
    check(st == 201, f"enterprise: {st} {ent}")
    st, _, fac = request(base, "POST", "/api/v1/facilities",
                         {"enterprise_id": ent["id"], "name": "配电房", "kind": "utility"}, admin)
    check(st == 201, f"facility: {st} {fac}")
    st, _, eq = request(base, "POST", "/api/v1/equipment",
                        {"facility_id": fac["id"], "tag": "TR-1", "name": "1 号变压器", "type": "transformer"}, admin)
    check(st == 201, f"equipment: {st} {eq}")
    meters = {}
    for name, quantity, unit, item in METERS:
        body = {"equipment_id": eq["id"], "key": f"en{stamp}.{name}", "name": f"测试 {name}", "kind": "meter",
                "quantity": quantity, "unit": unit}
        if item:
            body["activity_item"] = item
        st, _, m = request(base, "POST", "/api/v1/sensors", body, admin)
        check(st == 201, f"meter {name}: {st} {m}")
        meters[name] = m
    password = "energy-test-2026"
    st, _, user = request(base, "POST", "/api/v1/users",
                          {"name": f"energy{stamp}", "role": "enterprise_user", "enterprise_id": ent["id"],
                           "password": password}, admin)
    check(st == 201, f"user: {st} {user}")
    return ent, meters, login(base, f"energy{stamp}", password)


def write_readings(base, token, meters):
    """Hourly counters from local 2025-01-31 00:00 to 2025-04-02 00:00."""
    t0, t1 = local_instant(2025, 1, 31), local_instant(2025, 4, 2)
    counters = {name: 1000.0 for name in meters}
    lines = []
    for t in range(t0, t1 + 1, HOUR):
        for name, m in meters.items():
            lines.append(f"{m['key']} value={counters[name]:.3f} {t}\n")
            counters[name] += RATES[name](local_month(t))
    for i in range(0, len(lines), 2000):
        st, _, body = request(base, "POST", "/api/v1/write?precision=s", "".join(lines[i:i + 2000]), token,
                              content_type="text/plain")
        check(st == 204, f"write: {st} {body}")


def account(base, token, period, enterprise_id=None, expect=200):
    path = f"/api/v1/energy/account?period={period}"
    if enterprise_id is not None:
        path += f"&enterprise_id={enterprise_id}"
    st, _, body = request(base, "GET", path, token=token)
    check(st == expect, f"GET {path}: {st} {body}")
    return body


def carrier(acc, name):
    found = [c for c in acc["carriers"] if c["carrier"] == name]
    check(len(found) == 1, f"no {name} in {[c['carrier'] for c in acc['carriers']]}")
    return found[0]


def check_march(acc, scope_kind):
    """The hand-computed figures of 2025-03 for the test enterprise."""
    check(acc["period"] == "2025-03" and acc["kind"] == "month" and acc["from"] == "2025-03-01"
          and acc["to"] == "2025-04-01", f"period: {acc['period']} {acc['from']} {acc['to']}")
    check(acc["scope"]["kind"] == scope_kind, f"scope: {acc['scope']}")
    e = carrier(acc, "electricity")
    check(e["unit"] == "kWh" and close(e["amount"], 7440), f"electricity: {e['amount']} {e['unit']}")
    check(close(e["tce"], 7440 * 0.1229 / 1000) and close(e["tce_equal_value"], 7440 * 0.3 / 1000),
          f"electricity tce: {e['tce']} {e['tce_equal_value']}")
    ids = [k["id"] for k in e["explain"]["coefficients"]]
    check(ids == ["gbt2589.electricity_equivalent", "ev.electricity"]
          and all(k["source"] and k["revision"] >= 1 for k in e["explain"]["coefficients"]),
          f"electricity coefficients: {e['explain']['coefficients']}")
    check(e["explain"]["formula"]["code"] == "energy.formula.electricity", f"formula: {e['explain']['formula']}")
    expected_cost = 31 * 10 * DAY_YUAN_PER_KWH_HOUR
    check(close(e["cost_yuan"], expected_cost), f"electricity cost {e['cost_yuan']} != {expected_cost}")
    bands = {b["band"]: b for b in e["cost_bands"]}
    check(set(bands) == {"valley", "peak", "critical_peak"} and close(bands["valley"]["kwh"], 31 * 12 * 10)
          and close(bands["peak"]["kwh"], 31 * 8 * 10) and close(bands["critical_peak"]["kwh"], 31 * 4 * 10),
          f"bands: {bands}")
    check(e["cost_basis"]["code"] == "energy.cost.tariff", f"cost basis: {e['cost_basis']}")
    # Month on month: February used 5 kWh an hour for 672 hours.
    check(close(e["previous"]["previous"], 3360) and close(e["previous"]["change_pct"], (7440 - 3360) / 3360 * 100)
          and e["previous"]["text"]["code"] == "energy.compare.up", f"electricity MoM: {e['previous']}")
    # Year on year: nothing was metered in 2024-03, and the answer says so instead of a 0.
    check(e["last_year"]["previous"] is None and e["last_year"]["change_pct"] is None
          and e["last_year"]["text"]["code"] == "energy.compare.no_previous"
          and e["last_year"]["text"]["params"]["period"] == "2024-03", f"electricity YoY: {e['last_year']}")

    g = carrier(acc, "natural_gas")
    check(g["unit"] == "m3" and close(g["amount"], 3720) and close(g["tce"], 3720 * 1.33 / 1000),
          f"gas: {g['amount']} {g['tce']}")
    check(g["cost_yuan"] is None and g["cost_basis"]["code"] == "energy.cost.not_priced", f"gas priced? {g}")
    check(g["previous"]["previous"] == 0 and g["previous"]["change_pct"] is None
          and g["previous"]["text"]["code"] == "energy.compare.zero_previous", f"gas MoM: {g['previous']}")

    w = carrier(acc, "water")
    check(close(w["amount"], 31 * 24 * 2) and w["tce"] is None and not w["is_energy"], f"water: {w}")

    total = acc["total"]
    check(close(total["tce"], 7440 * 0.1229 / 1000 + 3720 * 1.33 / 1000), f"total tce {total['tce']}")
    check(close(total["tce_equal_value"], 7440 * 0.3 / 1000 + 3720 * 1.33 / 1000), f"equal value {total['tce_equal_value']}")
    check(close(total["cost_yuan"], expected_cost) and sorted(total["unpriced"]) == ["natural_gas", "water"],
          f"total cost {total['cost_yuan']} unpriced {total['unpriced']}")
    feb_tce = 3360 * 0.1229 / 1000
    check(close(total["previous"]["previous"], feb_tce), f"total MoM: {total['previous']}")
    check(total["last_year"]["text"]["code"] == "energy.compare.no_previous", f"total YoY: {total['last_year']}")

    # Run hours are listed with their hours and never summed into anything.
    apart = [a for a in acc["apart"] if a["key"].endswith(".run_hours") and a["name"] == "测试 run_hours"]
    check(len(apart) == 1 and close(apart[0]["amount"], 744)
          and apart[0]["reason"]["code"] == "energy.apart.not_energy", f"apart: {acc['apart']}")
    check(all(c["unit"] != "h" for c in acc["carriers"]), "a carrier counted in hours")
    check(len(acc["trend"]["labels"]) == 31 and acc["trend"]["labels"][0] == "2025-03-01", "trend labels")
    check(acc["tariff"]["effective_from"] == "2021-10-01" and acc["tariff"]["source"], f"tariff: {acc['tariff']}")


@test
def energy_account_by_carrier_with_tce_cost_and_scope(ctx):
    base = ctx.server.base
    admin = login(base, *DEMO_LOGINS["park_admin"])
    staff = login(base, *DEMO_LOGINS["park_staff"])
    other_user = login(base, *DEMO_LOGINS["enterprise_user"])
    ent, meters, own = setup_enterprise(base, admin)
    device, _ = api_token(base, admin, "device", f"energy-gw-{time.time_ns()}")
    write_readings(base, device, meters)

    def check_all(stage):
        # The enterprise user: its own enterprise, whatever it asks for no other.
        mine = account(base, own, "2025-03")
        check_march(mine, "enterprise")
        check(mine["scope"]["enterprise_id"] == ent["id"] and "enterprises" not in mine, f"{stage}: {mine['scope']}")
        account(base, own, "2025-03", enterprise_id=1, expect=403)
        # Park staff: the enterprise on its own, and in the park's ranking with its share.
        one = account(base, staff, "2025-03", enterprise_id=ent["id"])
        check_march(one, "enterprise")
        park = account(base, staff, "2025-03")
        check(park["scope"]["kind"] == "park", f"park scope: {park['scope']}")
        row = [r for r in park["enterprises"] if r["enterprise_id"] == ent["id"]]
        check(len(row) == 1 and close(row[0]["tce"], one["total"]["tce"])
              and close(row[0]["cost_yuan"], one["total"]["cost_yuan"]) and row[0]["share_pct"] is not None,
              f"{stage}: ranking row {row}")
        check(park["total"]["tce"] >= one["total"]["tce"] - 1e-9, f"{stage}: park below one enterprise")
        # A year: no month-on-month, and every hour of it (31 Jan, February, March and 1 April).
        year = account(base, own, "2025")
        e = carrier(year, "electricity")
        check(year["kind"] == "year" and year["previous_period"] is None, f"{stage}: year {year['period']}")
        check(close(e["amount"], 24 * 5 + 3360 + 7440 + 24 * 10) and e["previous"] is None
              and len(year["trend"]["labels"]) == 12, f"{stage}: year electricity {e['amount']} {e['previous']}")
        return mine

    before = check_all("unsealed")
    # Stopping seals every buffered point into chunks and hourly rollups: the same figures from the rollups.
    ctx.server.stop()
    ctx.server.start()
    after = check_all("sealed")
    check(close(before["total"]["cost_yuan"], after["total"]["cost_yuan"]), "cost changed when sealed")

    # Other people: another enterprise's user may not ask for this one; roles without energy get 403.
    account(base, other_user, "2025-03", enterprise_id=ent["id"], expect=403)
    mine_other = account(base, other_user, "2025-03")
    check(all(r["enterprise_id"] != ent["id"] for r in mine_other["apart"]), "another enterprise's meters leaked")
    for role in ("technician", "driver", "integrator"):
        st, _, _ = request(base, "GET", "/api/v1/energy/account?period=2025-03", token=login(base, *DEMO_LOGINS[role]))
        check(st == 403, f"{role}: {st}")
    bad = account(base, staff, "2025-13", expect=400)
    check(bad["error"]["field"] == "period" and bad["error"]["reason"] == "energy.period_format", f"bad period: {bad}")
    st, _, tariff = request(base, "GET", "/api/v1/energy/tariff", token=own)
    check(st == 200 and tariff["tariffs"][0]["band_of_hour"][9] == "critical_peak" and tariff["prices"] == [],
          f"tariff: {st} {tariff}")

"""Black-box tests of the monthly reports (GET /api/v1/reports/monthly): the park's and an enterprise's month as JSON
and as XLSX, the workbooks read back (ZIP + SpreadsheetML, standard library only) and checked against the JSON and
against the modules the figures come from; names typed by the park never start a formula; each role's scope.
Registered into run.py's list."""
import http.client
import io
import re
import time
import zipfile
import xml.etree.ElementTree as ET

from harness import DEMO_LOGINS, check, login, request, test_registry
from energy_tests import DAY_YUAN_PER_KWH_HOUR, close, setup_enterprise, write_readings
from security_tests import api_token

TESTS, test = test_registry()

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for c in letters:
        n = n * 26 + ord(c) - 64
    return n - 1


def read_xlsx(data):
    """{sheet name: rows of cells}: inline and shared strings as text, numbers as floats."""
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
    book = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for sheet in book.find("m:sheets", NS):
        target = targets[sheet.get(f"{{{NS['r']}}}id")].lstrip("/")
        path = target if target.startswith("xl/") else "xl/" + target
        rows = []
        for row in ET.fromstring(z.read(path)).iter(f"{{{NS['m']}}}row"):
            cells = []
            for c in row.findall("m:c", NS):
                i = col_index(c.get("r"))
                while len(cells) < i:
                    cells.append("")
                kind = c.get("t")
                if kind == "inlineStr":
                    cells.append("".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t")))
                elif kind == "s":
                    cells.append(shared[int(c.find("m:v", NS).text)])
                else:
                    v = c.find("m:v", NS)
                    cells.append(float(v.text) if v is not None else "")
            while len(rows) < int(row.get("r")) - 1:
                rows.append([])
            rows.append(cells)
        out[sheet.get("name")] = rows
    return out


def report(base, token, query, expect=200):
    st, headers, body = request(base, "GET", "/api/v1/reports/monthly?" + query, token=token)
    check(st == expect, f"GET report {query}: {st} {body}")
    return body


def workbook(base, token, query):
    """The report's XLSX, read back (the harness decodes bodies as text, so this reads the bytes itself)."""
    conn = http.client.HTTPConnection(base, timeout=60)
    conn.request("GET", "/api/v1/reports/monthly?format=xlsx&" + query, headers={"Authorization": "Bearer " + token})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    check(resp.status == 200, f"XLSX {query}: {resp.status} {data[:300]!r}")
    kind = resp.getheader("Content-Type", "")
    check(kind.startswith("application/vnd.openxmlformats"), f"content type {kind}")
    check("attachment" in resp.getheader("Content-Disposition", ""), "not an attachment")
    return read_xlsx(data)


def row_of(rows, first):
    found = [r for r in rows if r and r[0] == first]
    check(len(found) == 1, f"no single row {first!r} in {rows[:12]}")
    return found[0]


def num(cell):
    return None if cell == "" else float(cell)


def same(cell, value):
    return (value is None and cell == "") or (value is not None and close(num(cell), value))


@test
def monthly_reports_as_json_and_xlsx_agree_with_their_sources(ctx):
    base = ctx.server.base
    admin = login(base, *DEMO_LOGINS["park_admin"])
    staff = login(base, *DEMO_LOGINS["park_staff"])
    demo_user = login(base, *DEMO_LOGINS["enterprise_user"])
    # An enterprise whose name would be a formula in a spreadsheet, with March 2025 metered and reported.
    ent, meters, own = setup_enterprise(base, admin, name_prefix="=HYPERLINK(\"http://evil\")报表")
    device, _ = api_token(base, admin, "device", f"report-gw-{time.time_ns()}")
    write_readings(base, device, meters)
    csv = (f"enterprise_code,period,item,amount,unit,use,note\n"
           f"{ent['credit_code']},2025-03,natural_gas,3720,Nm3,fuel,\n"
           f"{ent['credit_code']},2025-03,electricity,7.44,MWh,,\n"
           f"{ent['credit_code']},2025-03,cod,0.5,t,,\n")
    st, _, body = request(base, "POST", "/api/v1/carbon/import", csv, own, content_type="text/csv")
    check(st == 200 and not body.get("errors"), f"import: {st} {body}")

    # --- the enterprise's report, as its own user sees it ---
    mine = report(base, own, "period=2025-03")
    check(mine["kind"] == "enterprise" and mine["enterprise"]["id"] == ent["id"] and "enterprises" not in mine,
          f"enterprise report: {mine.get('kind')} {mine.get('enterprise')}")
    check(mine["title"]["code"] == "report.title.enterprise", f"title {mine['title']}")
    energy = mine["energy"]
    elec = [c for c in energy["carriers"] if c["carrier"] == "electricity"][0]
    check(close(elec["amount"], 7440) and close(elec["cost_yuan"], 31 * 10 * DAY_YUAN_PER_KWH_HOUR),
          f"energy in the report: {elec}")
    st, _, acc = request(base, "GET", "/api/v1/energy/account?period=2025-03", token=own)
    check(close(energy["tce"], acc["total"]["tce"]) and close(energy["cost_yuan"], acc["total"]["cost_yuan"]),
          "the report's energy is the energy account's")
    st, _, inv = request(base, "GET", f"/api/v1/enterprises/{ent['id']}/carbon?year=2025", token=own)
    march = inv["months"][2]
    check(mine["activity_rows"] == 3 and close(mine["emissions"]["total_t_co2"], march["total_t_co2"])
          and march["total_t_co2"] > 0 and close(mine["pollutants"]["cod_t"], 0.5),
          f"emissions {mine['emissions']} vs {march['total_t_co2']}; cod {mine['pollutants']['cod_t']}")
    check(mine["alarms"]["total"]["raised"] == 0 and mine["alarms"]["by_rule"] == [], f"alarms {mine['alarms']}")
    check(len(mine["ratings"]["items"]) <= 1 and mine["ratings"]["year"] == 2024, f"ratings {mine['ratings']}")
    # A month with no activity data says so instead of zeros.
    feb = report(base, own, "period=2025-02")
    check(feb["emissions"]["total_t_co2"] is None and any(n["code"] == "report.note.no_activity" for n in feb["notes"]),
          f"february: {feb['emissions']} {feb['notes']}")

    book = workbook(base, own, "period=2025-03&lang=zh-CN")
    check(list(book) == ["概况", "能源", "排放与污染物", "告警", "评级"], f"sheets: {list(book)}")
    summary = book["概况"]
    check(summary[0][0].startswith("'=HYPERLINK"), f"the title cell starts a formula: {summary[0][0]!r}")
    check(row_of(summary, "企业")[1].startswith("'="), f"the name cell: {row_of(summary, '企业')}")
    check(same(row_of(summary, "综合能耗（tce，当量值）")[1], energy["tce"]), "summary tce")
    check(same(row_of(summary, "能源费用（元）")[1], energy["cost_yuan"]), "summary cost")
    e_row = row_of(book["能源"], "电力")
    check(same(e_row[2], 7440) and same(e_row[3], elec["tce"]) and same(e_row[4], elec["cost_yuan"])
          and same(e_row[5], elec["previous"]["change_pct"]), f"energy row {e_row}")
    g_row = row_of(book["能源"], "天然气")
    check(g_row[4] == "" and g_row[7].startswith("未计价"), f"gas is not priced: {g_row}")
    check(same(row_of(book["排放与污染物"], "碳排放总量")[1], mine["emissions"]["total_t_co2"]), "CO2 in the workbook")
    check(same(row_of(book["排放与污染物"], "化学需氧量排放量")[1], 0.5), "COD in the workbook")
    english = workbook(base, own, "period=2025-03&lang=en")
    check(list(english)[0] == "Summary" and row_of(english["Energy"], "electricity"), f"English: {list(english)}")

    # Scope: the enterprise's user gets only its own report.
    report(base, own, "period=2025-03&enterprise_id=1", expect=403)
    report(base, demo_user, f"period=2025-03&enterprise_id={ent['id']}", expect=403)
    for role in ("technician", "driver", "integrator"):
        st, _, _ = request(base, "GET", "/api/v1/reports/monthly?period=2025-03", token=login(base, *DEMO_LOGINS[role]))
        check(st == 403, f"{role}: {st}")
    bad = report(base, staff, "period=2025", expect=400)
    check(bad["error"]["reason"] == "report.month_only", f"a year: {bad}")

    # --- the park's report ---
    park = report(base, staff, "period=2025-03")
    check(park["kind"] == "park" and park["enterprise"] is None, f"park kind {park['kind']}")
    row = [e for e in park["enterprises"] if e["enterprise_id"] == ent["id"]]
    check(len(row) == 1 and close(row[0]["tce"], energy["tce"]) and close(row[0]["total_t_co2"], march["total_t_co2"])
          and close(row[0]["cod_t"], 0.5), f"park row {row}")
    check(1 <= park["activity_enterprises"] <= len(park["enterprises"])
          and any(n["code"] == "report.note.activity_coverage" for n in park["notes"]), "coverage")
    st, _, ratings = request(base, "GET", "/api/v1/carbon/ratings?year=2024", token=staff)
    check(len(park["ratings"]["items"]) == len(ratings["items"]), "every enterprise's rating")
    classes = [x["class"] for x in park["ratings"]["items"]]
    check(classes == sorted(classes, key="DCBA".index), f"D first: {classes}")
    pbook = workbook(base, staff, "period=2025-03")
    check(list(pbook) == ["概况", "能源", "排放与污染物", "告警", "评级", "企业"], f"park sheets {list(pbook)}")
    ent_rows = [r for r in pbook["企业"][1:] if r and r[1] == ent["credit_code"]]
    check(len(ent_rows) == 1 and ent_rows[0][0].startswith("'=") and same(ent_rows[0][2], row[0]["tce"])
          and same(ent_rows[0][4], row[0]["total_t_co2"]), f"park workbook row {ent_rows}")
    check(len(pbook["评级"]) - 1 == len(park["ratings"]["items"]), "ratings rows")
    check(same(row_of(pbook["概况"], "综合能耗（tce，当量值）")[1], park["energy"]["tce"]), "park summary tce")

    # Alarms of the month under way, per rule and enterprise, as telemetry counts them: the demo's overheating
    # reactor rule of enterprise 1 fires now.
    write_lines = f"e01.r_101.temp value=126.5 {int(time.time())}\n"
    st, _, body = request(base, "POST", "/api/v1/write?precision=s", write_lines, device, content_type="text/plain")
    check(st == 204, f"write: {st} {body}")
    now_month = time.strftime("%Y-%m", time.gmtime(time.time() + 8 * 3600))
    deadline = time.time() + 10
    while True:
        now_report = report(base, staff, f"period={now_month}")
        if now_report["alarms"]["total"]["raised"] >= 1 or time.time() > deadline:
            break
        time.sleep(0.3)
    first = f"{now_month}-01"
    y, m = map(int, now_month.split("-"))
    after = f"{y + (m == 12):04d}-{m % 12 + 1:02d}-01"
    st, _, stats = request(base, "GET", f"/api/v1/alarms/stats?from={first}&to={after}", token=staff)
    check(now_report["alarms"]["total"]["raised"] == stats["total"]["raised"] >= 1, f"alarms {now_report['alarms']['total']}")
    check(sorted((a["rule_id"], a["raised"]) for a in now_report["alarms"]["by_rule"])
          == sorted((a["rule_id"], a["raised"]) for a in stats["by_rule"]), "alarms by rule")
    nbook = workbook(base, staff, f"period={now_month}")
    rules = {r[0]: r[1] for r in nbook["告警"][1:] if r and r[0] and isinstance(r[1], float)}
    for a in now_report["alarms"]["by_rule"]:
        check(close(rules.get(a["name"]), a["raised"]), f"rule {a['name']} in the workbook: {rules}")

"""Black-box tests of texts for people (issue 11): every bad field of a form in one answer, each with a stable
code that both catalogues say; an import that lists each bad row with its content and the accepted values; and
exports whose headers and reasons follow the request's language. Registered into run.py's list."""
import glob
import json
import os

from harness import check, login, request, test_registry

TESTS, test = test_registry()
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def catalogue_codes():
    """Every code of web/src/i18n/text/, per locale."""
    out = {}
    for path in glob.glob(os.path.join(ROOT, "web", "src", "i18n", "text", "*.json")):
        locale = os.path.basename(path).split(".")[1]
        flat = out.setdefault(locale, set())

        def walk(node, prefix):
            for k, v in node.items():
                if isinstance(v, dict):
                    walk(v, f"{prefix}{k}.")
                else:
                    flat.add(prefix + k)
        with open(path, encoding="utf-8") as f:
            walk(json.load(f), "")
    return out


def bad_fields(body):
    return {e["field"]: e["code"] for e in body["error"]["errors"]}


def check_said(codes, catalogues):
    for code in codes:
        check(code in catalogues["en"] and code in catalogues["zh-CN"], f"{code} is not in both catalogues")


@test
def forms_get_every_bad_field_at_once_with_codes(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    catalogues = catalogue_codes()

    rule = {"name": "", "kind": "sometimes", "severity": "loud", "webhook_format": "fax", "high": "90"}
    st, _, body = request(base, "POST", "/api/v1/alarm-rules", rule, admin)
    got = bad_fields(body) if st == 400 else {}
    check(st == 400 and {"name", "kind", "severity", "webhook_format", "high", "sensor_id"} <= set(got),
          f"an alarm rule with six mistakes gets six errors in one answer: {st} {got}")
    check(got["severity"] == "telemetry.rule.severity" and got["high"] == "field.not_number", f"codes: {got}")
    check(body["error"]["message"] and body["error"]["reason"] == body["error"]["errors"][0]["code"],
          f"the first error is also the top-level reason, with an English message: {body['error']}")
    check_said(got.values(), catalogues)

    enterprise = {"name": "多错企业", "credit_code": "91350100M000100Y44", "sector": "x", "land_area_mu": -1,
                  "contacts": [{"name": "甲", "phone": "0571-abcde"}, {"name": "", "email": "nobody"}]}
    st, _, body = request(base, "POST", "/api/v1/enterprises", enterprise, admin)
    got = bad_fields(body) if st == 400 else {}
    want = {"credit_code": "credit_code.check", "sector": "registry.sector", "land_area_mu": "registry.land_area",
            "contacts[0].phone": "registry.phone_characters", "contacts[1].name": "field.empty",
            "contacts[1].email": "registry.email"}
    check(st == 400 and got == want, f"an enterprise with six mistakes: {st} {got}")
    check(body["error"]["errors"][0]["params"] == {"expected": "3"}, f"params: {body['error']['errors'][0]}")
    check_said(got.values(), catalogues)

    period = "2025-06"
    rows = {"rows": [{"item": "moonrock", "amount": 1, "unit": "t"},
                     {"item": "diesel", "amount": 1, "unit": "m3"},
                     {"item": "electricity", "amount": -5, "unit": "MWh"}]}
    st, _, body = request(base, "PUT", f"/api/v1/enterprises/3/activity/{period}", rows, admin)
    got = bad_fields(body) if st == 400 else {}
    check(st == 400 and got == {"rows[0].item": "carbon.activity.item", "rows[1].unit": "carbon.activity.unit",
                                "rows[2].amount": "carbon.activity.amount_negative"},
          f"a month with three bad rows gets all three: {st} {got}")
    unit = next(e for e in body["error"]["errors"] if e["field"] == "rows[1].unit")
    check(unit["params"]["units"] == "t, kg, 10^4 t" and unit["params"]["item"] == {"code": "carbon.item.diesel"},
          f"the accepted units travel with the reason: {unit}")
    check_said(got.values(), catalogues)


@test
def an_import_lists_each_bad_row_with_its_content(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    _, _, ents = request(base, "GET", "/api/v1/enterprises?page_size=1", token=admin)
    code = ents["items"][0]["credit_code"]
    csv = ("enterprise_code,period,item,amount,unit,use,note\n"
           f"{code},2025-07,diesel,1,t,fuel,ok\n"
           f"{code},2025-13,diesel,1,t,fuel,\n"
           f"{code},2025-07,diesel,1,m3,fuel,\n"
           f"{code},2025-07,water,1,t,feedstock,\n")
    st, _, body = request(base, "POST", "/api/v1/carbon/import", csv, admin, content_type="text/csv")
    check(st == 400, f"refused: {st} {body}")
    rows = [(r["line"], r["field"], r.get("code")) for r in body["rows"]]
    check(rows == [(3, "period", "time.month_format"), (4, "unit", "carbon.activity.unit"),
                   (5, "use", "carbon.activity.feedstock")], f"each bad row: {rows}")
    check(body["rows"][1]["content"] == f"{code},2025-07,diesel,1,m3,fuel,", f"its content: {body['rows'][1]}")
    check(body["rows"][1]["params"]["units"] == "t, kg, 10^4 t", f"the accepted units: {body['rows'][1]}")
    check(body["error"]["reason"] == "carbon.import.rejected" and body["error"]["params"]["count"] == 3,
          f"the summary: {body['error']}")
    _, _, month = request(base, "GET", f"/api/v1/enterprises/{ents['items'][0]['id']}/activity?year=2025", token=admin)
    check(not any(r.get("note") == "ok" and r["period"] == "2025-07" and r["item"] == "diesel"
                  for r in month.get("items", [])), "nothing was imported")


@test
def exports_and_reasons_follow_the_language(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    st, _, zh = request(base, "GET", "/api/v1/carbon/export/lists?year=2025&lang=zh-CN", token=admin)
    check(st == 200 and "统一社会信用代码" in zh and "列入依据" in zh and "门槛" in zh, f"zh-CN export: {zh[:300]}")
    st, _, en = request(base, "GET", "/api/v1/carbon/export/lists?year=2025", token=admin,
                        headers={"Accept-Language": "en-GB,en;q=0.9"})
    check(st == 200 and "Credit code" in en and "threshold" in en and "门槛" not in en, f"English export: {en[:300]}")
    st, _, ratings = request(base, "GET", "/api/v1/carbon/export/ratings?year=2025&lang=en", token=admin)
    check(st == 200 and "weighted score" in ratings, f"English ratings: {ratings[:300]}")
    # The API itself carries codes with parameters and an English message.
    _, _, lists = request(base, "GET", "/api/v1/lists?year=2025", token=admin)
    criterion = lists["key_carbon_emission_units"][0]["criteria"][0] if "key_carbon_emission_units" in lists else None
    if criterion is None:
        first = next(v for v in lists.values() if isinstance(v, list) and v and "criteria" in v[0])
        criterion = first[0]["criteria"][0]
    check(criterion["code"].startswith("carbon.lists.") and criterion["message"] and "params" in criterion,
          f"a criterion is a text: {criterion}")
    check_said([criterion["code"]], catalogue_codes())

// Create, read, update, delete and list for every registry entity, derived from its EntitySpec.
#include <fmt/format.h>

#include "park/core/time.hpp"
#include "park/http/route_builder.hpp"
#include "park/registry/registry.hpp"
#include "park/store/audit.hpp"
#include "registry/spec.hpp"

namespace park::registry {
namespace {

using http::Method;
using http::Request;
using http::Response;

// SQL of one entity, built once from its spec (no user input is ever spliced in).
struct Sql {
  std::string select_one, insert, update, remove, list, count;
  std::vector<std::string> child_counts;
};

std::string Columns(const EntitySpec& s) {
  std::string cols = "id";
  for (const auto& f : s.fields) cols += ", " + f.name;
  return cols + ", created_at, updated_at";
}

Sql BuildSql(const EntitySpec& s) {
  Sql q;
  const std::string cols = Columns(s);
  const size_t n = s.fields.size();
  q.select_one = fmt::format("SELECT {} FROM {} WHERE id = $1", cols, s.table);
  std::string names, values, sets;
  for (size_t i = 0; i < n; ++i) {
    names += s.fields[i].name + ", ";
    values += fmt::format("${}, ", i + 1);
    sets += fmt::format("{} = ${}, ", s.fields[i].name, i + 2);
  }
  q.insert = fmt::format("INSERT INTO {} ({}created_at, updated_at) VALUES ({}${}, ${}) RETURNING id", s.table, names,
                         values, n + 1, n + 1);
  q.update = fmt::format("UPDATE {} SET {}updated_at = ${} WHERE id = $1", s.table, sets, n + 2);
  q.remove = fmt::format("DELETE FROM {} WHERE id = $1", s.table);
  // $1 scope (0 = all), $2.. filters, then the search pattern, then limit and offset.
  std::string where = fmt::format("($1 = 0 OR {} = $1)", s.scope_column);
  size_t p = 2;
  for (const auto& f : s.filters) {
    where += f.integer ? fmt::format(" AND (${0} = 0 OR {1} = ${0})", p, f.column)
                       : fmt::format(" AND (${0} = '' OR {1} = ${0})", p, f.column);
    ++p;
  }
  std::string search;
  for (const auto& c : s.search_columns) {
    search += fmt::format("{}lower({}) LIKE ${} {}", search.empty() ? "" : " OR ", c, p, store::kLikeEscape);
  }
  where += fmt::format(" AND (${} = '' OR {})", p, search);
  ++p;
  q.list = fmt::format("SELECT {} FROM {} WHERE {} ORDER BY id LIMIT ${} OFFSET ${}", cols, s.table, where, p, p + 1);
  q.count = fmt::format("SELECT COUNT(*) FROM {} WHERE {}", s.table, where);
  for (const auto& c : s.children) {
    q.child_counts.push_back(fmt::format("SELECT COUNT(*) FROM {} WHERE {} = $1", c.table, c.column));
  }
  return q;
}

const Sql& SqlFor(const EntitySpec& s) {
  static const std::vector<Sql> kAll = [] {
    std::vector<Sql> v;
    for (const auto& spec : Specs()) v.push_back(BuildSql(spec));
    return v;
  }();
  return kAll[static_cast<size_t>(&s - Specs().data())];
}

Json RowToJson(const EntitySpec& s, const store::Row& r) {
  Json j = {{"id", r.Int(0)}};
  for (size_t i = 0; i < s.fields.size(); ++i) {
    const Field& f = s.fields[i];
    const size_t c = i + 1;
    if (r.IsNull(c)) {
      j[f.name] = nullptr;
      continue;
    }
    switch (f.type) {
      case FieldType::kNumber: j[f.name] = r.Real(c); break;
      case FieldType::kInteger: j[f.name] = r.Int(c); break;
      case FieldType::kArray:
      case FieldType::kObject: j[f.name] = Json::parse(r.Text(c), nullptr, false); break;
      default: j[f.name] = r.Text(c);
    }
  }
  j["created_at"] = FormatInstantMs(r.Int(s.fields.size() + 1));
  j["updated_at"] = FormatInstantMs(r.Int(s.fields.size() + 2));
  return j;
}

// The fields a client may send (what a create body holds and a patch may change).
Json InputView(const EntitySpec& s, const Json& full) {
  Json v = Json::object();
  for (const auto& f : s.fields) {
    if (f.input && full.contains(f.name)) v[f.name] = full[f.name];
  }
  return v;
}

// The catalogue name of an entity ("registry.entity.facility"), as a text parameter.
TextRef EntityName(const EntitySpec& s) { return TextRef{"registry.entity." + s.entity}; }

struct Checked {
  Json record;
  int64_t owner = 0;  // the owning enterprise
};

// Strictly validates a create body (or a merged update, `id` set) into a record holding every input field, and
// finds the owning enterprise. Every mistake at once: each field's own checks, the rules relating fields, and the
// parent reference.
Result<Checked> Validate(store::Tx& tx, const EntitySpec& s, const Json& body, const Principal* actor,
                         std::optional<int64_t> id = std::nullopt) {
  JsonReader r(body);
  r.ReadOnly("id");
  r.ReadOnly("created_at");
  r.ReadOnly("updated_at");
  Json record = Json::object();
  for (const auto& f : s.fields) {
    if (!f.input) {
      r.ReadOnly(f.name);
      continue;
    }
    const auto need = f.required ? JsonReader::kRequired : JsonReader::kOptional;
    Json value = nullptr;
    switch (f.type) {
      case FieldType::kText:
        if (auto v = r.String(f.name, need, f.max_chars)) value = *v;
        break;
      case FieldType::kEnum:
        if (auto v = r.String(f.name, need, 64)) {
          if (std::find(f.allowed.begin(), f.allowed.end(), *v) == f.allowed.end()) {
            r.Fail(f.name, T("registry.allowed." + s.entity + "." + f.name));
          } else {
            value = *v;
          }
        }
        break;
      case FieldType::kDate:
        if (auto v = r.String(f.name, need, 10)) {
          if (!IsValidDate(*v)) {
            r.Fail(f.name, T("field.date_format"));
          } else {
            value = *v;
          }
        }
        break;
      case FieldType::kNumber:
        if (auto v = r.Number(f.name, need)) value = *v;
        break;
      case FieldType::kInteger:
        if (auto v = r.Integer(f.name, need)) value = *v;
        break;
      case FieldType::kArray:
        if (const Json* v = r.Array(f.name, need)) value = *v;
        break;
      case FieldType::kObject:
        if (const Json* v = r.Object(f.name, need)) value = *v;
        break;
    }
    if (!value.is_null() && f.check) {
      // A check may point inside the value: "[1].phone" becomes field "contacts[1].phone".
      for (auto& why : f.check(value)) r.Fail(FieldError{r.PathOf(f.name) + why.field, std::move(why.text)});
    }
    record[f.name] = value;
  }
  if (s.relate) {
    for (auto& why : s.relate(record)) r.Fail(why.field, std::move(why.text));
  }
  Checked out;
  out.owner = id.value_or(0);  // an enterprise owns itself
  if (!s.parent_field.empty() && record[s.parent_field].is_number_integer()) {
    PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(s.parent_sql, {record[s.parent_field].get<int64_t>()}));
    if (!row || (actor && !actor->CanSeeEnterprise(row->Int(0)))) {
      r.Fail(s.parent_field, T("field.no_such_record"));
    } else {
      out.owner = row->Int(0);
    }
  }
  PARK_TRY(r.Finish());
  if (s.derive) s.derive(record, out.owner);
  out.record = std::move(record);
  return out;
}

// A unique key already taken (the store names the column) said as a text.
Error Taken(const Error& e) {
  if (e.code != ErrorCode::kAlreadyExists || !e.text.empty()) return e;
  return Error::Coded(ErrorCode::kAlreadyExists, T("registry.taken"), e.field);
}

store::Params RecordParams(const EntitySpec& s, const Json& record) {
  store::Params p;
  for (const auto& f : s.fields) {
    const Json& v = record.contains(f.name) ? record[f.name] : Json(nullptr);
    switch (f.type) {
      case FieldType::kText: p.emplace_back(v.is_null() ? std::string() : v.get<std::string>()); break;
      case FieldType::kEnum:
      case FieldType::kDate: p.emplace_back(v.is_null() ? store::Value(nullptr) : store::Value(v.get<std::string>())); break;
      case FieldType::kNumber: p.emplace_back(v.is_null() ? store::Value(nullptr) : store::Value(v.get<double>())); break;
      case FieldType::kInteger: p.emplace_back(v.is_null() ? store::Value(nullptr) : store::Value(v.get<int64_t>())); break;
      case FieldType::kArray: p.emplace_back(v.is_null() ? std::string("[]") : v.dump()); break;
      case FieldType::kObject: p.emplace_back(v.is_null() ? std::string("{}") : v.dump()); break;
    }
  }
  return p;
}

int64_t EnterpriseOf(const EntitySpec& s, const Json& j) {
  return s.scope_column == "id" ? j["id"].get<int64_t>() : j["enterprise_id"].get<int64_t>();
}

Result<Json> ReadOne(store::Tx& tx, const EntitySpec& s, int64_t id, const Principal* who) {
  PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(SqlFor(s).select_one, {id}));
  if (!row) return Error::NotFound(T("registry.not_found", {{"entity", EntityName(s)}, {"id", std::to_string(id)}}));
  Json j = RowToJson(s, *row);
  // Records of other enterprises do not exist for a scoped caller.
  if (who && !who->CanSeeEnterprise(EnterpriseOf(s, j))) {
    return Error::NotFound(T("registry.not_found", {{"entity", EntityName(s)}, {"id", std::to_string(id)}}));
  }
  return j;
}

struct Written {
  Json record;
  Json audit;
  int64_t enterprise_id = 0;
};

Result<Written> CreateIn(store::Tx& tx, const Clock& clock, const EntitySpec& s, const Json& body,
                         const Principal* actor) {
  PARK_ASSIGN_OR_RETURN(Checked c, Validate(tx, s, body, actor));
  int64_t owner = c.owner;
  store::Params p = RecordParams(s, c.record);
  p.emplace_back(clock.NowMs());
  auto row = tx.QueryOne(SqlFor(s).insert, p);
  if (!row.ok()) return Taken(row.error());
  const int64_t id = (*row)->Int(0);
  PARK_ASSIGN_OR_RETURN(Json stored, ReadOne(tx, s, id, nullptr));
  if (s.scope_column == "id") owner = id;
  PARK_ASSIGN_OR_RETURN(Json audit, store::AppendAudit(tx, clock, actor, {"create", s.entity, id, owner, nullptr, stored}));
  return Written{stored, audit, owner};
}

Json SchemaOf(const EntitySpec& s, bool for_input) {
  Json props = Json::object();
  std::vector<std::string> required;
  if (!for_input) props["id"] = {{"type", "integer"}};
  for (const auto& f : s.fields) {
    if (for_input && !f.input) continue;
    Json p;
    switch (f.type) {
      case FieldType::kNumber: p = {{"type", "number"}}; break;
      case FieldType::kInteger: p = {{"type", "integer"}}; break;
      case FieldType::kArray: p = {{"type", "array"}, {"items", {{"type", "object"}}}}; break;
      case FieldType::kObject: p = {{"type", "object"}}; break;
      case FieldType::kDate: p = {{"type", "string"}, {"format", "date"}}; break;
      case FieldType::kEnum: p = {{"type", "string"}, {"enum", f.allowed}}; break;
      default: p = {{"type", "string"}, {"maxLength", f.max_chars}};
    }
    if (!f.description.empty()) p["description"] = f.description;
    if (!f.required) p["nullable"] = true;
    if (f.required && (f.input || !for_input)) required.push_back(f.name);
    props[f.name] = p;
  }
  if (!for_input) {
    props["created_at"] = {{"type", "string"}, {"format", "date-time"}};
    props["updated_at"] = {{"type", "string"}, {"format", "date-time"}};
  }
  return http::ObjectSchema(props, required);
}

class Endpoints {
 public:
  Endpoints(const EntitySpec& s, store::Store& store, const Clock& clock, http::LiveHub& hub)
      : s_(s), store_(store), clock_(clock), hub_(hub) {}

  Response List(const Request& req) const {
    auto page = http::ParsePage(req);
    if (!page.ok()) return Response::FromError(page.error());
    store::Params filter;
    filter.emplace_back(req.Who().enterprise_id.value_or(0));
    for (const auto& f : s_.filters) {
      if (f.integer) {
        auto v = http::QueryId(req, f.param);
        if (!v.ok()) return Response::FromError(v.error());
        filter.emplace_back(v->value_or(0));
      } else {
        filter.emplace_back(std::string(req.Query(f.param).value_or("")));
      }
    }
    std::string like;
    if (auto q = req.Query("q"); q && !q->empty()) {
      if (q->size() > 100) return Response::FromError(Error::Invalid("q", T("field.too_long", {{"max_chars", 100}})));
      like = store::LikeContains(*q, true);
    }
    filter.emplace_back(like);
    Json items = Json::array();
    int64_t total = 0;
    auto st = store_.Read([&](store::Tx& tx) -> Status {
      store::Params p = filter;
      p.emplace_back(page->size);
      p.emplace_back(page->Offset());
      PARK_ASSIGN_OR_RETURN(auto rows, tx.Query(SqlFor(s_).list, p));
      for (const auto& row : rows) items.push_back(RowToJson(s_, row));
      PARK_ASSIGN_OR_RETURN(auto count, tx.QueryOne(SqlFor(s_).count, filter));
      total = count->Int(0);
      return {};
    });
    if (!st.ok()) return Response::FromError(st.error());
    return Response::FromJson(http::PagedJson(std::move(items), *page, total));
  }

  Response Get(const Request& req) const {
    auto id = req.IdParam();
    if (!id.ok()) return Response::FromError(id.error());
    Json out;
    auto st = store_.Read([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(out, ReadOne(tx, s_, *id, &req.Who()));
      return {};
    });
    return st.ok() ? Response::FromJson(out) : Response::FromError(st.error());
  }

  Response Post(const Request& req) const {
    auto body = ParseJsonObject(req.body);
    if (!body.ok()) return Response::FromError(body.error());
    Written w;
    auto st = store_.Write([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(w, CreateIn(tx, clock_, s_, *body, &req.Who()));
      return {};
    });
    if (!st.ok()) return Response::FromError(st.error());
    hub_.Publish("audit", Json{{"entry", w.audit}}, w.enterprise_id, http::AuditReaders());
    Response r = Response::FromJson(w.record, 201);
    r.headers.emplace_back("Location", "/api/v1/" + s_.collection + "/" + std::to_string(w.record["id"].get<int64_t>()));
    return r;
  }

  Response Patch(const Request& req) const {
    auto id = req.IdParam();
    if (!id.ok()) return Response::FromError(id.error());
    auto patch = ParseJsonObject(req.body);
    if (!patch.ok()) return Response::FromError(patch.error());
    Written w;
    auto st = store_.Write([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(Json before, ReadOne(tx, s_, *id, &req.Who()));
      Json merged = InputView(s_, before);
      merged.merge_patch(*patch);  // RFC 7386: null removes an optional value
      for (const auto& key : s_.admin_fields) {
        if (patch->contains(key) && patch->at(key) != before.value(key, Json()) && req.Who().role != Role::kParkAdmin) {
          return Error::Coded(ErrorCode::kPermissionDenied, T("registry.admin_field"), key);
        }
      }
      // A read-only field is refused even as null, in the same answer as every other mistake.
      for (const auto& [key, value] : patch->items()) {
        const auto f = std::find_if(s_.fields.begin(), s_.fields.end(), [&](const Field& x) { return x.name == key; });
        if (key == "id" || key == "created_at" || key == "updated_at" || (f != s_.fields.end() && !f->input)) {
          merged[key] = value;
        }
      }
      PARK_ASSIGN_OR_RETURN(Checked c, Validate(tx, s_, merged, &req.Who(), *id));
      const int64_t owner = c.owner;
      store::Params p = RecordParams(s_, c.record);
      p.insert(p.begin(), store::Value(*id));
      p.emplace_back(clock_.NowMs());
      if (auto done = tx.Exec(SqlFor(s_).update, p); !done.ok()) return Taken(done.error());
      PARK_ASSIGN_OR_RETURN(w.record, ReadOne(tx, s_, *id, nullptr));
      w.enterprise_id = owner;
      PARK_ASSIGN_OR_RETURN(w.audit, store::AppendAudit(tx, clock_, &req.Who(),
                                                        {"update", s_.entity, *id, owner, before, w.record}));
      return {};
    });
    if (!st.ok()) return Response::FromError(st.error());
    hub_.Publish("audit", Json{{"entry", w.audit}}, w.enterprise_id, http::AuditReaders());
    return Response::FromJson(w.record);
  }

  Response Delete(const Request& req) const {
    auto id = req.IdParam();
    if (!id.ok()) return Response::FromError(id.error());
    Json audit;
    int64_t owner = 0;
    auto st = store_.Write([&](store::Tx& tx) -> Status {
      PARK_ASSIGN_OR_RETURN(Json before, ReadOne(tx, s_, *id, &req.Who()));
      for (size_t i = 0; i < s_.children.size(); ++i) {
        PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne(SqlFor(s_).child_counts[i], {*id}));
        if (row->Int(0) > 0) {
          return Error::Conflict(
              T("registry.has_children", {{"entity", EntityName(s_)},
                                          {"count", row->Int(0)},
                                          {"children", TextRef{"registry.children." + s_.children[i].label}}}));
        }
      }
      PARK_TRY(tx.Exec(SqlFor(s_).remove, {*id}));
      owner = EnterpriseOf(s_, before);
      PARK_ASSIGN_OR_RETURN(audit, store::AppendAudit(tx, clock_, &req.Who(),
                                                      {"delete", s_.entity, *id, owner, before, nullptr}));
      return {};
    });
    if (!st.ok()) return Response::FromError(st.error());
    hub_.Publish("audit", Json{{"entry", audit}}, owner, http::AuditReaders());
    return Response::NoContent();
  }

  // Routes keep `self` alive: the router owns the handlers, the handlers own the endpoints.
  void Register(http::Router& router, const std::shared_ptr<const Endpoints>& self) const {
    const std::string base = "/api/v1/" + s_.collection;
    const std::string one = base + "/{id}";
    const Json schema = SchemaOf(s_, false);
    const Json input = SchemaOf(s_, true);
    auto add = [&](Method m, const std::string& pattern, const std::vector<Role>& roles, std::string summary,
                   Response (Endpoints::*fn)(const Request&) const) {
      return http::MakeRoute(s_.collection, m, pattern, roles, std::move(summary),
                             [self, fn](const Request& req) { return (*self.*fn)(req); });
    };
    auto list = add(Method::kGet, base, s_.read_roles, fmt::format("List {} (scoped users see their own)", s_.collection),
                    &Endpoints::List);
    list.doc.query = {{"page", "integer", "1-based page", false},
                      {"page_size", "integer", "1 to 200 (default 20)", false},
                      {"q", "string", "text in " + fmt::format("{}", fmt::join(s_.search_columns, " or ")), false}};
    for (const auto& f : s_.filters) {
      list.doc.query.push_back({f.param, f.integer ? "integer" : "string", "only records with this " + f.param, false});
    }
    list.doc.response_schema = http::PagedSchema(schema);
    router.Add(std::move(list));

    auto post = add(Method::kPost, base, s_.create_roles, fmt::format("Create a {}", s_.entity), &Endpoints::Post);
    post.doc.request_schema = input;
    post.doc.response_schema = schema;
    post.doc.success_status = 201;
    router.Add(std::move(post));

    auto get = add(Method::kGet, one, s_.read_roles, fmt::format("Read a {}", s_.entity), &Endpoints::Get);
    get.doc.response_schema = schema;
    router.Add(std::move(get));

    auto patch = add(Method::kPatch, one, s_.update_roles,
                     fmt::format("Change a {} (JSON merge patch; null clears an optional field)", s_.entity),
                     &Endpoints::Patch);
    Json patch_schema = input;
    patch_schema.erase("required");
    patch.doc.request_schema = patch_schema;
    patch.doc.response_schema = schema;
    router.Add(std::move(patch));

    auto del = add(Method::kDelete, one, s_.delete_roles,
                   fmt::format("Delete a {} (refused while it has dependent records)", s_.entity), &Endpoints::Delete);
    del.doc.success_status = 204;
    router.Add(std::move(del));
  }

 private:
  const EntitySpec& s_;
  store::Store& store_;
  const Clock& clock_;
  http::LiveHub& hub_;
};

}  // namespace

Result<int64_t> Create(store::Tx& tx, const Clock& clock, std::string_view entity, const Json& body,
                       const Principal* actor) {
  const EntitySpec* s = FindSpec(entity);
  if (!s) return Error::Invalid("entity", "unknown registry entity " + std::string(entity));
  PARK_ASSIGN_OR_RETURN(Written w, CreateIn(tx, clock, *s, body, actor));
  return w.record["id"].get<int64_t>();
}

void RegisterCrud(http::Router& router, store::Store& store, const Clock& clock, http::LiveHub& hub) {
  for (const auto& spec : Specs()) {
    auto endpoints = std::make_shared<const Endpoints>(spec, store, clock, hub);
    endpoints->Register(router, endpoints);
  }
}

}  // namespace park::registry

#include "park/http/http.hpp"

#include <charconv>

namespace park::http {

std::string_view MethodName(Method m) {
  switch (m) {
    case Method::kGet: return "GET";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kPatch: return "PATCH";
    case Method::kDelete: return "DELETE";
  }
  return "GET";
}

std::optional<Method> ParseMethod(std::string_view name) {
  for (Method m : {Method::kGet, Method::kPost, Method::kPut, Method::kPatch, Method::kDelete}) {
    if (MethodName(m) == name) return m;
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::Query(std::string_view key) const {
  for (const auto& [k, v] : query) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return std::string_view(v);
  }
  return std::nullopt;
}

std::string_view Request::Param(std::string_view key) const {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return {};
}

namespace {

std::optional<int64_t> PositiveInt(std::string_view s) {
  int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

}  // namespace

Result<int64_t> Request::IdParam(std::string_view key) const {
  auto v = PositiveInt(Param(key));
  if (!v) return Error::Invalid(std::string(key), T("field.id"));
  return *v;
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kFailedPrecondition: return 422;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kInternal: return 500;
    case ErrorCode::kUnavailable: return 503;
  }
  return 500;
}

Response Response::FromJson(const Json& body, int status) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

Response Response::FromError(const Error& error) {
  Json e = {{"code", ErrorCodeName(error.code)}, {"message", error.message}, {"field", error.field}};
  if (!error.text.empty()) {
    e["reason"] = error.text.code;
    e["params"] = TextParamsJson(error.text);
  }
  if (!error.fields.empty() || !error.text.empty()) {
    Json all = Json::array();
    if (error.fields.empty()) {
      all.push_back(FieldErrorJson({error.field, error.text}));
    } else {
      for (const auto& f : error.fields) all.push_back(FieldErrorJson(f));
    }
    e["errors"] = std::move(all);
  }
  return FromJson(Json{{"error", std::move(e)}}, HttpStatusFor(error.code));
}

Response Response::Text(std::string body, std::string content_type, int status) {
  return Response{status, std::move(content_type), std::move(body), {}};
}

bool PercentDecode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      auto hex = [](char h) -> int {
        if (h >= '0' && h <= '9') return h - '0';
        if (h >= 'a' && h <= 'f') return h - 'a' + 10;
        if (h >= 'A' && h <= 'F') return h - 'A' + 10;
        return -1;
      };
      if (i + 2 >= in.size()) return false;
      const int hi = hex(in[i + 1]);
      const int lo = hex(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

bool ParseQueryString(std::string_view qs, std::vector<std::pair<std::string, std::string>>& out) {
  while (!qs.empty()) {
    const auto amp = qs.find('&');
    const std::string_view part = qs.substr(0, amp);
    qs = amp == std::string_view::npos ? std::string_view() : qs.substr(amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    std::string key, value;
    if (!PercentDecode(part.substr(0, eq), key, true)) return false;
    if (eq != std::string_view::npos && !PercentDecode(part.substr(eq + 1), value, true)) return false;
    out.emplace_back(std::move(key), std::move(value));
  }
  return true;
}

Result<Page> ParsePage(const Request& req) {
  Page page;
  if (auto p = req.Query("page")) {
    auto v = PositiveInt(*p);
    if (!v) return Error::Invalid("page", T("field.integer_range", {{"min", 1}, {"max", 1000000}}));
    page.page = *v;
  }
  if (auto s = req.Query("page_size")) {
    auto v = PositiveInt(*s);
    if (!v || *v > 200) return Error::Invalid("page_size", T("field.integer_range", {{"min", 1}, {"max", 200}}));
    page.size = *v;
  }
  if (page.page > 1000000) return Error::Invalid("page", T("field.integer_range", {{"min", 1}, {"max", 1000000}}));
  return page;
}

Json PagedJson(Json items, const Page& page, int64_t total) {
  return Json{{"items", std::move(items)}, {"page", page.page}, {"page_size", page.size}, {"total", total}};
}

Result<std::optional<int64_t>> QueryId(const Request& req, std::string_view key) {
  auto q = req.Query(key);
  if (!q || q->empty()) return std::optional<int64_t>();
  auto v = PositiveInt(*q);
  if (!v) return Error::Invalid(std::string(key), T("field.id"));
  return std::optional<int64_t>(*v);
}

}  // namespace park::http

namespace park::http {

bool MediaTypeIs(std::string_view header_value, std::string_view media_type) {
  std::string_view v = header_value.substr(0, header_value.find(';'));
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v.size() != media_type.size()) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(v[i])) != std::tolower(static_cast<unsigned char>(media_type[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace park::http

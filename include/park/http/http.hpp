// Transport-free HTTP types: what a handler sees and returns. The Beast server (src/server) fills a Request and
// writes the Response; modules register handlers on a Router without ever including Beast.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "park/core/json.hpp"
#include "park/core/principal.hpp"
#include "park/core/result.hpp"

namespace park::http {

enum class Method { kGet, kPost, kPut, kPatch, kDelete };
std::string_view MethodName(Method m);
std::optional<Method> ParseMethod(std::string_view name);

struct Request {
  Method method = Method::kGet;
  std::string path;                                          // decoded, without the query string
  std::vector<std::pair<std::string, std::string>> query;    // decoded
  std::vector<std::pair<std::string, std::string>> params;   // from the route pattern, e.g. {"id","42"}
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_ip;
  std::string request_id;
  std::optional<Principal> principal;  // set by the server for routes that require authentication

  std::optional<std::string_view> Query(std::string_view key) const;
  std::optional<std::string_view> Header(std::string_view lower_name) const;
  std::string_view Param(std::string_view key) const;
  // A path parameter that must be a positive integer id ("id" → field "id").
  Result<int64_t> IdParam(std::string_view key = "id") const;
  const Principal& Who() const { return *principal; }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response FromJson(const Json& body, int status = 200);
  static Response NoContent() { return Response{204, "", "", {}}; }
  // The one error shape: {"error":{"code","message","field"}} with the status mapped from the code.
  static Response FromError(const Error& error);
  static Response Text(std::string body, std::string content_type, int status = 200);
};

// True when a Content-Type header value names `media_type` (RFC 9110 section 8.3.1): the type/subtype before any
// parameters, trimmed and compared case-insensitively. "APPLICATION/JSON; charset=utf-8" is application/json;
// "application/jsonx" is not.
bool MediaTypeIs(std::string_view header_value, std::string_view media_type);

// The HTTP status for an error code; the single table every response uses.
int HttpStatusFor(ErrorCode code);

using Handler = std::function<Response(const Request&)>;

// Parses "a=1&b=x%20y" into decoded pairs; false when an escape is malformed.
bool ParseQueryString(std::string_view qs, std::vector<std::pair<std::string, std::string>>& out);
bool PercentDecode(std::string_view in, std::string& out, bool plus_is_space);

// Paging parameters shared by every list endpoint: page (1-based) and page_size (1..200, default 20).
struct Page {
  int64_t page = 1;
  int64_t size = 20;
  int64_t Offset() const { return (page - 1) * size; }
};
Result<Page> ParsePage(const Request& req);
Json PagedJson(Json items, const Page& page, int64_t total);

// An optional positive-integer query parameter ("enterprise_id=3"); an error names the parameter.
Result<std::optional<int64_t>> QueryId(const Request& req, std::string_view key);

}  // namespace park::http

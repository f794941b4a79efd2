// The start of every documented route in a module's route table (kept apart from router.hpp so that adding to it
// does not recompile the Beast server).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "park/http/router.hpp"

namespace park::http {

// The enterprise a park-wide list or action is limited to (query enterprise_id=): a principal scoped to an
// enterprise always gets its own, and asking for another is refused; others get what they asked for, or none
// (the whole park).
inline Result<std::optional<int64_t>> EnterpriseScope(const Request& req) {
  PARK_ASSIGN_OR_RETURN(auto asked, QueryId(req, "enterprise_id"));
  const Principal& who = req.Who();
  if (!who.enterprise_id) return asked;
  if (asked && *asked != *who.enterprise_id) return Error::Denied(T("auth.own_enterprise_only"));
  return who.enterprise_id;
}

// A route under `tag` in the OpenAPI document. No roles: public; otherwise only those roles may call it.
inline Route MakeRoute(std::string tag, Method method, std::string pattern, std::vector<Role> roles,
                       std::string summary, Handler handler) {
  Route r;
  r.method = method;
  r.pattern = std::move(pattern);
  r.roles = std::move(roles);
  r.authenticated = !r.roles.empty();
  r.doc.summary = std::move(summary);
  r.doc.tag = std::move(tag);
  r.handler = std::move(handler);
  return r;
}

}  // namespace park::http

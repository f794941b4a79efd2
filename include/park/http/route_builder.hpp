// The start of every documented route in a module's route table (kept apart from router.hpp so that adding to it
// does not recompile the Beast server).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "park/http/router.hpp"

namespace park::http {

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

// Private: the declarative description of a registry entity, from which validation, SQL, JSON, the OpenAPI
// schema and the CRUD endpoints are all derived.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "park/core/json.hpp"
#include "park/core/principal.hpp"
#include "park/store/store.hpp"

namespace park::registry {

enum class FieldType { kText, kEnum, kDate, kNumber, kInteger, kArray, kObject };

struct Field {
  std::string name;  // JSON name and column name
  FieldType type = FieldType::kText;
  bool required = false;
  bool input = true;  // false: derived by the server (read-only to clients)
  size_t max_chars = 200;
  std::vector<std::string> allowed;  // kEnum
  // Extra check of a present value: empty when fine, else each reason with its path inside the value ("" for
  // the value itself, "[1].phone" inside a list), so that every bad place is reported at once.
  std::function<std::vector<FieldError>(const Json&)> check;
  std::string description;
};

struct Filter {
  std::string param;   // query parameter
  std::string column;
  bool integer = false;
};

struct Child {
  std::string table;
  std::string column;
  std::string label;  // its catalogue name: registry.children.<label>, e.g. "facilities"
};

struct EntitySpec {
  std::string entity;       // "facility"
  std::string collection;   // "facilities" (URL and tag)
  std::string table;
  std::string scope_column;  // column holding the owning enterprise id ("id" for enterprises)
  std::vector<Field> fields;  // a kEnum field's allowed values are said by registry.allowed.<entity>.<field>
  std::vector<Filter> filters;
  std::vector<std::string> search_columns;  // matched by ?q=
  // Fields only a park admin may change after creation (an enterprise user editing its own record may not).
  std::vector<std::string> admin_fields;
  std::vector<Child> children;              // deleting is refused while any exists
  std::vector<Role> read_roles, create_roles, update_roles, delete_roles;
  // Rules relating fields to each other, given a record whose refused fields are null: each broken rule at the
  // field it names. Checked together with the fields, so that one answer names every mistake.
  std::function<std::vector<FieldError>(const Json& record)> relate;
  // The reference whose enterprise owns the record, e.g. "facility_id" with "SELECT enterprise_id FROM facilities
  // WHERE id = $1"; empty for enterprises (they own themselves). It must exist and belong to an enterprise the
  // actor may act for; checked together with the fields too.
  std::string parent_field;
  std::string_view parent_sql;
  // Fills derived fields (the owning enterprise, defaults) once every check passed.
  std::function<void(Json& record, int64_t owner)> derive;
};

const std::vector<EntitySpec>& Specs();
const EntitySpec* FindSpec(std::string_view entity);

}  // namespace park::registry

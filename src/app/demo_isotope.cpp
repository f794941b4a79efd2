// The demo park's isotope supply: the hospitals that order from the park's isotope producer, and the producer's
// and one hospital's logins. The batches, orders, generator and waste store are the isotope service's own seeding.
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/demo.hpp"
#include "park/core/validate.hpp"
#include "park/isotope/service.hpp"
#include "park/registry/registry.hpp"

namespace park::app {
namespace {

struct Hospital {
  const char* name;  // fictional
  const char* region;  // administrative division of its city (GB/T 2260)
  const char* address;
  double transit_hours;  // by road from the park
};
constexpr Hospital kHospitals[] = {
    {"申江医院", "310000", "上海市浦东新区示例路 88 号", 6},
    {"钱塘医院", "330100", "浙江省杭州市上城区示例路 21 号", 4},
    {"秦淮医院", "320100", "江苏省南京市秦淮区示例路 9 号", 7},
    {"甬江医院", "330200", "浙江省宁波市鄞州区示例路 56 号", 3},
};
constexpr const char* kProducer = "核源同位素科技有限公司";
constexpr const char* kInParkCustomer = "康核放射性药物有限公司";  // radiopharmaceuticals, inside the park
constexpr const char* kHospitalSector = "8411";  // GB/T 4754-2017 general hospitals

// 12: a public institution registered with the staffing authority; then the division, an organisation code with
// its own check character (GB 11714) and the GB 32100 check character.
std::string InstitutionCreditCode(const char* region, int index) {
  const std::string body = fmt::format("4{:07d}", 2600317 + index * 1013);
  const std::string first17 = std::string("12") + region + body + OrgCodeCheckChar(body);
  return first17 + CreditCodeCheckChar(first17);
}

}  // namespace

Status SeedIsotopeDemo(store::Store& store, const Clock& clock, auth::Service& auth) {
  std::map<std::string, int64_t> ids, hospitals;
  std::vector<isotope::DemoCustomer> customers;
  PARK_TRY(store.Write([&](store::Tx& tx) -> Status {
    for (const char* name : {kProducer, kInParkCustomer}) {
      PARK_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id FROM enterprises WHERE name = $1", {std::string(name)}));
      if (!row) return Error::Internal(fmt::format("the demo park has no {}", name));
      ids[name] = row->Int(0);
    }
    int index = 0;
    for (const auto& h : kHospitals) {
      const Json body = {{"name", h.name},
                         {"credit_code", InstitutionCreditCode(h.region, index++)},
                         {"sector", kHospitalSector},
                         {"kind", "external"},
                         {"address", h.address},
                         {"contacts", Json::array({{{"name", "核医学科"}, {"role", "放射性药品采购"},
                                                    {"phone", fmt::format("0{}-5{:07d}", 21 + index, 3100000 + index * 211)},
                                                    {"email", fmt::format("nm{:02d}@example.org", index)}}})}};
      PARK_ASSIGN_OR_RETURN(int64_t id, registry::Create(tx, clock, "enterprise", body, nullptr));
      hospitals[h.name] = id;
      customers.push_back({id, h.transit_hours});
    }
    return Status::Ok();
  }));
  customers.push_back({ids.at(kInParkCustomer), 1});
  PARK_TRY(isotope::SeedDemo(store, clock, ids.at(kProducer), customers));
  PARK_TRY(CreateDemoUsers(auth, hospitals));  // the producer's login came with the park
  spdlog::info("demo: seeded the isotope supply ({} hospitals, a week of batches, orders, a generator, a waste store)",
               std::size(kHospitals));
  return Status::Ok();
}

}  // namespace park::app

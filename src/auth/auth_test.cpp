#include <gtest/gtest.h>

#include <filesystem>

#include <atomic>
#include <thread>

#include "auth/hash_gate.hpp"
#include "auth/rate_limit.hpp"
#include "park/auth/auth.hpp"

namespace park::auth {
namespace {

TEST(Passwords, HashAndVerify) {
  const std::string h = HashPassword("correct horse 42");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_TRUE(VerifyPassword(h, "correct horse 42"));
  EXPECT_FALSE(VerifyPassword(h, "correct horse 43"));
  EXPECT_NE(HashPassword("correct horse 42"), h) << "each hash has its own salt";
  EXPECT_FALSE(VerifyPassword("garbage", "x"));
}

TEST(Passwords, Strength) {
  struct Case {
    const char* password;
    bool ok;
  };
  const Case cases[] = {{"short1", false}, {"onlyletterslong", false}, {"1234567890", false},
                        {"admin-demo-2026", true}, {"长密码但是有数字12345", true}};
  for (const auto& c : cases) EXPECT_EQ(CheckPasswordStrength(c.password).empty(), c.ok) << c.password;
}

TEST(Tokens, HashIsStableSha256) {
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(LoginLimiter, LocksAfterFailuresAndUnlocksWithTime) {
  LoginLimiter limiter(3, 60000);
  const std::string key = "admin|127.0.0.1";
  int64_t t = 1000000;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.RetryAfterMs(key, t), 0);
    limiter.Fail(key, t);
    t += 1000;
  }
  EXPECT_EQ(limiter.RetryAfterMs(key, t), 1000000 + 60000 - t);
  EXPECT_EQ(limiter.RetryAfterMs("other|127.0.0.1", t), 0) << "keys are independent";
  EXPECT_EQ(limiter.RetryAfterMs(key, 1000000 + 60001), 0) << "the oldest failure aged out";
  limiter.Reset(key);
  EXPECT_EQ(limiter.RetryAfterMs(key, t), 0);
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("parkbrain-auth-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = store::Store::Open((dir_ / "park.db").string());
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().ok());
    ASSERT_TRUE(store_->Write([](store::Tx& tx) -> Status {
                         PARK_TRY(tx.Exec("INSERT INTO enterprises (id, name, credit_code, sector, created_at, "
                                          "updated_at) VALUES (1, 'A', '91350100M000100Y43', '2710', 0, 0)"));
                         return {};
                       }).ok());
    Config cfg;
    cfg.login_max_failures = 3;
    service_ = std::make_unique<Service>(*store_, clock_, cfg);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  FixedClock clock_{1700000000000};
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Service> service_;
};

TEST_F(ServiceTest, LoginAuthenticateExpireRevoke) {
  ASSERT_TRUE(service_->CreateUser({"ent-user", "Zhang", Role::kEnterpriseUser, 1, "ent-demo-2026"}, nullptr).ok());
  auto login = service_->Login("ent-user", "ent-demo-2026", "127.0.0.1");
  ASSERT_TRUE(login.ok()) << login.error().message;
  auto who = service_->Authenticate(login->token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->role, Role::kEnterpriseUser);
  EXPECT_EQ(who->enterprise_id, 1);
  EXPECT_EQ(who->name, "ent-user");

  clock_.Advance(12LL * 3600 * 1000);
  auto expired = service_->Authenticate(login->token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(expired.error().text.code, "auth.token_expired");

  auto again = service_->Login("ent-user", "ent-demo-2026", "127.0.0.1");
  ASSERT_TRUE(again.ok());
  auto p = service_->Authenticate(again->token);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(service_->Logout(*p).ok());
  auto revoked = service_->Authenticate(again->token);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().text.code, "auth.token_revoked");
  auto unknown = service_->Authenticate("pb_not-a-token-at-all");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().text.code, "auth.token_invalid");
}

TEST_F(ServiceTest, RateLimitsRepeatedFailures) {
  ASSERT_TRUE(service_->CreateUser({"admin", "", Role::kParkAdmin, std::nullopt, "admin-demo-2026"}, nullptr).ok());
  for (int i = 0; i < 3; ++i) {
    auto r = service_->Login("admin", "wrong-password-1", "10.0.0.9");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(r.error().text.code, "auth.login_failed");
  }
  auto locked = service_->Login("admin", "admin-demo-2026", "10.0.0.9");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, ErrorCode::kResourceExhausted) << "even the right password waits";
  EXPECT_EQ(locked.error().text.code, "auth.locked_out");
  EXPECT_EQ(RenderText(locked.error().text, Locale::kZhCN), "登录失败次数过多，请 15 分钟后再试");
  EXPECT_TRUE(service_->Login("admin", "admin-demo-2026", "10.0.0.10").ok()) << "another address is not locked";
  clock_.Advance(15LL * 60 * 1000 + 1);
  EXPECT_TRUE(service_->Login("admin", "admin-demo-2026", "10.0.0.9").ok());
}

// Every bad field of an error as "field=code", in order.
std::string Reasons(const Error& e) {
  std::string out;
  for (const auto& f : e.fields) out += (out.empty() ? "" : " ") + f.field + "=" + f.text.code;
  return out.empty() ? e.field + "=" + e.text.code : out;
}

TEST_F(ServiceTest, UserValidation) {
  struct Case {
    NewUser user;
    const char* want;  // every bad field at once
  };
  const Case cases[] = {
      {{"ab", "", Role::kDriver, std::nullopt, "long-enough-1"}, "name=auth.name_length"},
      {{"Upper", "", Role::kDriver, std::nullopt, "long-enough-1"}, "name=auth.name_characters"},
      {{"driver1", "", Role::kDriver, std::nullopt, "short"}, "password=auth.password_short"},
      {{"driver2", "", Role::kDriver, std::nullopt, "onlyletterslong"}, "password=auth.password_mix"},
      {{"ent2", "", Role::kEnterpriseUser, std::nullopt, "long-enough-1"}, "enterprise_id=auth.enterprise_required"},
      {{"ent3", "", Role::kEnterpriseUser, 99, "long-enough-1"}, "enterprise_id=field.no_such_record"},
      {{"staff", "", Role::kParkStaff, 1, "long-enough-1"}, "enterprise_id=auth.enterprise_forbidden"},
      {{"screen", "", Role::kViewer, std::nullopt, "long-enough-1"}, "role=auth.token_only_role"},
      {{"X", "", Role::kParkStaff, 1, "short"},
       "name=auth.name_length enterprise_id=auth.enterprise_forbidden password=auth.password_short"},
  };
  for (const auto& c : cases) {
    auto r = service_->CreateUser(c.user, nullptr);
    ASSERT_FALSE(r.ok()) << c.user.name;
    EXPECT_EQ(Reasons(r.error()), c.want) << c.user.name;
  }
  // A role named in a text is said in the user's language.
  auto staff = service_->CreateUser({"staff", "", Role::kParkStaff, 1, "long-enough-1"}, nullptr);
  EXPECT_EQ(RenderText(staff.error().fields[0].text, Locale::kZhCN), "角色“园区工作人员”不能指定所属企业");
  EXPECT_EQ(RenderText(staff.error().fields[0].text, Locale::kEn), "must be empty for the role “park staff”");
  ASSERT_TRUE(service_->CreateUser({"tech", "", Role::kTechnician, std::nullopt, "long-enough-1"}, nullptr).ok());
  auto dup = service_->CreateUser({"tech", "", Role::kTechnician, std::nullopt, "long-enough-1"}, nullptr);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.error().field, "name");
  EXPECT_EQ(dup.error().text.code, "auth.name_taken");
}

TEST_F(ServiceTest, TokenValidation) {
  struct Case {
    const char* label;
    Role role;
    std::optional<int64_t> enterprise_id;
    int64_t days;
    const char* want;
  };
  const Case cases[] = {
      {"", Role::kIntegrator, std::nullopt, 30, "label=auth.label_length"},
      {"x", Role::kParkAdmin, std::nullopt, 30, "role=auth.token_not_admin"},
      {"x", Role::kViewer, 1, 30, "enterprise_id=auth.enterprise_forbidden"},
      {"x", Role::kDevice, 99, 30, "enterprise_id=field.no_such_record"},
      {"", Role::kParkAdmin, std::nullopt, 0,
       "label=auth.label_length role=auth.token_not_admin expires_in_days=field.integer_range"},
  };
  for (const auto& c : cases) {
    auto r = service_->CreateApiToken(c.label, c.role, c.enterprise_id, c.days, nullptr);
    ASSERT_FALSE(r.ok()) << c.want;
    EXPECT_EQ(Reasons(r.error()), c.want);
  }
}

TEST_F(ServiceTest, ApiTokensCarryTheirOwnScope) {
  auto t = service_->CreateApiToken("gateway-7", Role::kIntegrator, 1, 30, nullptr);
  ASSERT_TRUE(t.ok()) << t.error().message;
  auto who = service_->Authenticate(t->token);
  ASSERT_TRUE(who.ok());
  EXPECT_TRUE(who->api_token);
  EXPECT_EQ(who->role, Role::kIntegrator);
  EXPECT_EQ(who->enterprise_id, 1);
  EXPECT_EQ(who->name, "token:gateway-7");
  EXPECT_FALSE(service_->CreateApiToken("x", Role::kParkAdmin, std::nullopt, 30, nullptr).ok());
  clock_.Advance(31LL * 86400000);
  EXPECT_FALSE(service_->Authenticate(t->token).ok());
}

}  // namespace
}  // namespace park::auth

namespace park::auth {
namespace {

TEST(HashGate, BoundsConcurrentHashingAndRefusesBeyondTheQueue) {
  Config::Hashing limits;
  limits.workers = 1;
  limits.queue = 1;
  limits.max_wait_ms = 5000;
  limits.per_address_per_minute = 1000;
  HashGate gate(limits);
  auto first = gate.Enter("10.0.0.1", 0);
  ASSERT_TRUE(first.ok());
  // The second caller waits for the slot; while it waits, a third is refused at once, whoever it is.
  std::atomic<bool> second_in{false};
  std::thread second([&] {
    auto t = gate.Enter("10.0.0.2", 0);
    second_in = t.ok();
  });
  while (gate.admitted() < 1) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto third = gate.Enter("10.0.0.3", 0);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kResourceExhausted);
  EXPECT_FALSE(second_in.load());
  { auto release = std::move(*first); }  // the slot frees: the waiting caller gets it
  second.join();
  EXPECT_TRUE(second_in.load());
  EXPECT_EQ(gate.admitted(), 2u);
  EXPECT_EQ(gate.refused(), 1u);
}

TEST(HashGate, WaitingGivesUpAfterMaxWait) {
  Config::Hashing limits;
  limits.workers = 1;
  limits.queue = 4;
  limits.max_wait_ms = 30;
  HashGate gate(limits);
  auto held = gate.Enter("a", 0);
  ASSERT_TRUE(held.ok());
  auto late = gate.Enter("b", 0);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kResourceExhausted);
}

TEST(HashGate, LimitsEachAddressPerMinute) {
  Config::Hashing limits;
  limits.per_address_per_minute = 3;
  HashGate gate(limits);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(gate.Enter("10.0.0.9", 1000 * i).ok()) << i;
  EXPECT_FALSE(gate.Enter("10.0.0.9", 5000).ok()) << "a fourth within the minute";
  EXPECT_TRUE(gate.Enter("10.0.0.8", 5000).ok()) << "another address is not affected";
  EXPECT_TRUE(gate.Enter("10.0.0.9", 60001).ok()) << "the first has aged out";
}

}  // namespace
}  // namespace park::auth

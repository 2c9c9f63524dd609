// A small network for the bank tests: one issuer (ISS1, BINs 4111 Atlas / 5222 Borealis) with
// cards in USD, EUR and JPY, one acquirer (ACQ1) with merchants M1 (active) and M2 (suspended)
// and a gateway G1. The invariants are checked after every test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "openset/roles/bank/acquirer.hpp"
#include "openset/roles/bank/invariants.hpp"
#include "openset/roles/bank/issuer.hpp"
#include "openset/test/db_location.hpp"
#include "openset/test/tools.hpp"

namespace openset::roles::bank::testing {

inline constexpr std::int64_t kT0 = 1741953600;  // 2025-03-14T12:00:00Z
inline constexpr std::int64_t kDay = 86400;
inline const std::string kPanUsd = "4111111111111111";   // Atlas, USD, limit 1000.00
inline const std::string kPanEur = "5222000011112222";   // Borealis, EUR, limit 500.00
inline const std::string kPanJpy = "4111222233334444";   // Atlas, JPY, limit 100000
inline const std::string kPanUnknown = "4111999988887777";
inline const std::string kExpiry = "202712";

inline Money usd(std::int64_t cents) { return Money{840, cents, -2}; }
inline Money eur(std::int64_t cents) { return Money{978, cents, -2}; }
inline Money jpy(std::int64_t yen) { return Money{392, yen, 0}; }

class BankTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = openset::test::temp_dir() / (std::string(info->test_suite_name()) + "." + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    open_banks();
    provision();
  }

  void TearDown() override {
    if (check_invariants_at_end_ && issuer_ && acquirer_) {
      auto v = check_invariants(*issuer_, *acquirer_);
      EXPECT_TRUE(v.empty()) << to_string(v);
    }
  }

  std::string issuer_path() const { return test::test_db(dir_, "issuer"); }
  std::string acquirer_path() const { return test::test_db(dir_, "acquirer"); }

  void open_banks() {
    auto i = IssuerBank::open(issuer_path(), IssuerProfile{"ISS1", "First Issuer"});
    ASSERT_TRUE(i.ok()) << i.error().to_string();
    issuer_ = std::move(*i);
    auto a = AcquirerBank::open(acquirer_path(), AcquirerProfile{"ACQ1", "400001", "First Acquirer", "test-key"});
    ASSERT_TRUE(a.ok()) << a.error().to_string();
    acquirer_ = std::move(*a);
  }

  void provision() {
    ASSERT_TRUE(issuer_->add_bin("4111", "Atlas").ok());
    ASSERT_TRUE(issuer_->add_bin("5222", "Borealis").ok());
    ASSERT_TRUE(issuer_->set_registration_form("Borealis", {{"name", "Name on the card", true},
                                                            {"postal-code", "Postal code", true},
                                                            {"date-of-birth", "Date of birth (YYYY-MM-DD)", true}})
                    .ok());
    CardAccount a{kPanUsd, kExpiry, 100000, 840, "Atlas",
                  {{"name", "Jane Doe"}, {"billing-address", "12 Elm Street, Springfield"}, {"postal-code", "12345"}}};
    CardAccount b{kPanEur, kExpiry, 50000, 978, "Borealis",
                  {{"name", "Jean Dupont"}, {"postal-code", "75001"}, {"date-of-birth", "1980-02-29"}}};
    CardAccount c{kPanJpy, kExpiry, 100000, 392, "Atlas",
                  {{"name", "Taro Yamada"}, {"billing-address", "1-1 Chiyoda"}, {"postal-code", "100-0001"}}};
    for (const auto& card : {a, b, c}) {
      auto r = issuer_->open_card(card);
      ASSERT_TRUE(r.ok()) << r.error().to_string();
    }
    ASSERT_TRUE(acquirer_->add_merchant({"M1", {"Atlas", "Borealis"}, {{"name", "Shop One"}, {"address", "1 Main St"}}}).ok());
    ASSERT_TRUE(acquirer_->add_merchant({"M2", {"Atlas"}, {{"name", "Shop Two"}, {"address", "2 Main St"}}, true}).ok());
    ASSERT_TRUE(acquirer_->add_gateway({"G1", "Atlas", {{"name", "Gateway One"}, {"address", "9 Wire Rd"}}}).ok());
    ASSERT_TRUE(acquirer_->add_routes(*issuer_).ok());
  }

  AuthorizationRequest auth(std::string reference, const std::string& pan, Money amount,
                            std::string merchant = "M1", std::int64_t at = kT0) {
    AuthorizationRequest r;
    r.reference = std::move(reference);
    r.pan = pan;
    r.expiry = kExpiry;
    r.amount = amount;
    r.merchant_id = std::move(merchant);
    r.at = at;
    return r;
  }

  CaptureRequest cap(std::string reference, const std::string& authorization_id, Money amount,
                     std::string merchant = "M1", std::int64_t at = kT0 + 60) {
    CaptureRequest r;
    r.reference = std::move(reference);
    r.authorization_id = authorization_id;
    r.amount = amount;
    r.merchant_id = std::move(merchant);
    r.at = at;
    return r;
  }

  // Authorizes through the acquirer and expects approval; returns the authorization id.
  std::string approve(const std::string& reference, const std::string& pan, Money amount) {
    auto d = acquirer_->authorize(auth(reference, pan, amount));
    EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().to_string());
    if (!d.ok()) return {};
    EXPECT_EQ(d->verdict, AuthVerdict::kApproved) << auth_verdict_name(d->verdict);
    return d->authorization_id;
  }

  std::int64_t count(store::Database& db, const char* sql) {
    auto s = db.prepare(sql);
    EXPECT_TRUE(s.ok());
    if (!s.ok()) return -1;
    auto row = s->step();
    EXPECT_TRUE(row.ok() && *row);
    return s->column_int64(0);
  }
  static bool inject_failure(store::Database& db, const std::string& table, const std::string& when = "") {
    return test::inject_insert_failure(db, table, when);
  }
  static bool heal(store::Database& db, const std::string& table) { return test::heal_insert_failure(db, table); }
  std::int64_t issuer_entries() { return issuer_->ledger().entry_count().value(); }
  std::int64_t acquirer_entries() { return acquirer_->ledger().entry_count().value(); }

  std::filesystem::path dir_;
  std::unique_ptr<IssuerBank> issuer_;
  std::unique_ptr<AcquirerBank> acquirer_;
  bool check_invariants_at_end_ = true;
};

}  // namespace openset::roles::bank::testing

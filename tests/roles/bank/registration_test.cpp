// What the CAs ask the banks during registration (Book 2): the issuer's form per brand and the
// cardholder check; the acquirer's merchant and gateway checks.
#include <gtest/gtest.h>

#include "bank_fixture.hpp"

namespace openset::roles::bank::testing {
namespace {

using RegistrationTest = BankTest;

std::vector<std::string> names(const std::vector<FormField>& form) {
  std::vector<std::string> out;
  for (const auto& f : form) out.push_back(f.name);
  return out;
}

TEST_F(RegistrationTest, FormDependsOnIssuerAndBrand) {
  EXPECT_EQ(names(issuer_->registration_form(kPanUsd).value()),
            (std::vector<std::string>{"name", "billing-address", "postal-code"}));
  EXPECT_EQ(names(issuer_->registration_form(kPanEur).value()),
            (std::vector<std::string>{"name", "postal-code", "date-of-birth"}));
  // A PAN this issuer does not know yet still gets its BIN's brand form (existence not disclosed).
  EXPECT_EQ(names(issuer_->registration_form("5222999999999999").value()),
            (std::vector<std::string>{"name", "postal-code", "date-of-birth"}));
  EXPECT_FALSE(issuer_->registration_form("6011000000000004").ok());
  EXPECT_EQ(issuer_->bins(), (std::vector<std::string>{"4111", "5222"}));
}

TEST_F(RegistrationTest, CardholderVerdicts) {
  CardholderClaim ok{kPanUsd, kExpiry,
                     {{"name", "  JANE   doe "}, {"billing-address", "12 elm street,  springfield"}, {"postal-code", "12345"}},
                     kT0};
  auto r = issuer_->verify_cardholder(ok).value();
  EXPECT_EQ(r.verdict, CardVerdict::kOk) << card_verdict_name(r.verdict);
  EXPECT_EQ(r.brand, "Atlas");
  EXPECT_TRUE(r.wrong_fields.empty());

  auto unknown = ok;
  unknown.pan = kPanUnknown;
  EXPECT_EQ(issuer_->verify_cardholder(unknown).value().verdict, CardVerdict::kUnknownPan);

  auto wrong_expiry = ok;
  wrong_expiry.expiry = "202711";
  EXPECT_EQ(issuer_->verify_cardholder(wrong_expiry).value().verdict, CardVerdict::kWrongExpiry);

  auto later = ok;
  later.at = 1830297600;  // 2028-01-01T00:00:00Z, the first second after December 2027
  EXPECT_EQ(issuer_->verify_cardholder(later).value().verdict, CardVerdict::kExpired);
  later.at -= 1;
  EXPECT_EQ(issuer_->verify_cardholder(later).value().verdict, CardVerdict::kOk);

  auto wrong = ok;
  wrong.answers["postal-code"] = "54321";
  wrong.answers.erase("billing-address");
  wrong.answers["favourite-colour"] = "blue";  // not on the form: ignored
  auto w = issuer_->verify_cardholder(wrong).value();
  EXPECT_EQ(w.verdict, CardVerdict::kWrongAnswers);
  EXPECT_EQ(w.wrong_fields, (std::vector<std::string>{"billing-address", "postal-code"}));

  ASSERT_TRUE(issuer_->block_card(kPanUsd).ok());
  EXPECT_EQ(issuer_->verify_cardholder(ok).value().verdict, CardVerdict::kBlocked);
  ASSERT_TRUE(issuer_->unblock_card(kPanUsd).ok());
  EXPECT_EQ(issuer_->verify_cardholder(ok).value().verdict, CardVerdict::kOk);
}

TEST_F(RegistrationTest, BorealisAsksForDateOfBirth) {
  CardholderClaim c{kPanEur, kExpiry, {{"name", "jean dupont"}, {"postal-code", "75001"}, {"date-of-birth", "1980-02-28"}}, kT0};
  auto r = issuer_->verify_cardholder(c).value();
  EXPECT_EQ(r.verdict, CardVerdict::kWrongAnswers);
  EXPECT_EQ(r.wrong_fields, (std::vector<std::string>{"date-of-birth"}));
  EXPECT_EQ(r.brand, "Borealis");
  c.answers["date-of-birth"] = "1980-02-29";
  EXPECT_EQ(issuer_->verify_cardholder(c).value().verdict, CardVerdict::kOk);
}

TEST_F(RegistrationTest, MerchantAndGatewayChecks) {
  EXPECT_EQ(names(acquirer_->merchant_registration_form("M1").value()), (std::vector<std::string>{"name", "address"}));
  ASSERT_TRUE(acquirer_->set_merchant_form("Atlas", {{"name", "Legal name", true},
                                                     {"address", "Address", true},
                                                     {"tax-id", "Tax id", false}})
                  .ok());
  EXPECT_EQ(names(acquirer_->merchant_registration_form("M1").value()),
            (std::vector<std::string>{"name", "address", "tax-id"}));

  MerchantClaim m{"M1", "400001", {{"name", "shop one"}, {"address", "1  MAIN st"}}};
  auto r = acquirer_->verify_merchant(m).value();
  EXPECT_EQ(r.verdict, PartyVerdict::kOk) << party_verdict_name(r.verdict);
  EXPECT_EQ(r.brand, "Atlas");

  auto wrong_bin = m;
  wrong_bin.acquirer_bin = "400009";
  EXPECT_EQ(acquirer_->verify_merchant(wrong_bin).value().verdict, PartyVerdict::kUnknown);
  auto unknown = m;
  unknown.merchant_id = "M9";
  EXPECT_EQ(acquirer_->verify_merchant(unknown).value().verdict, PartyVerdict::kUnknown);
  auto wrong = m;
  wrong.answers["name"] = "Shop Won";
  auto w = acquirer_->verify_merchant(wrong).value();
  EXPECT_EQ(w.verdict, PartyVerdict::kWrongAnswers);
  EXPECT_EQ(w.wrong_fields, (std::vector<std::string>{"name"}));
  auto suspended = m;
  suspended.merchant_id = "M2";
  EXPECT_EQ(acquirer_->verify_merchant(suspended).value().verdict, PartyVerdict::kSuspended);
  ASSERT_TRUE(acquirer_->set_merchant_suspended("M1", true).ok());
  EXPECT_EQ(acquirer_->verify_merchant(m).value().verdict, PartyVerdict::kSuspended);
  EXPECT_FALSE(acquirer_->set_merchant_suspended("M9", true).ok());

  MerchantClaim g{"G1", "400001", {{"name", "Gateway One"}, {"address", "9 wire rd"}}};
  EXPECT_EQ(acquirer_->verify_gateway(g).value().verdict, PartyVerdict::kOk);
  EXPECT_EQ(acquirer_->verify_gateway(m).value().verdict, PartyVerdict::kUnknown);  // M1 is no gateway
  EXPECT_FALSE(acquirer_->add_merchant({"M1", {"Atlas"}, {}}).ok());
}

}  // namespace
}  // namespace openset::roles::bank::testing

// `openset demo` tells the dual-signature story and every check in it passes; what it prints and
// what it saves for the merchant never holds the card number.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>
#include <unistd.h>

#include "openset/app/commands.hpp"

namespace openset::app {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDemoPan = "4111111111111111";

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

class DemoRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("openset-demo-test-" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    DemoOptions o;
    o.out_dir = dir_->string();
    o.suites = {"modern", "set1"};
    std::ostringstream out, err;
    code_ = run_demo(o, out, err);
    out_ = new std::string(out.str());
    err_ = new std::string(err.str());
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete out_;
    delete err_;
  }
  static fs::path* dir_;
  static std::string* out_;
  static std::string* err_;
  static int code_;
};
fs::path* DemoRun::dir_ = nullptr;
std::string* DemoRun::out_ = nullptr;
std::string* DemoRun::err_ = nullptr;
int DemoRun::code_ = -1;

TEST_F(DemoRun, TheSeedsSevenStepsAllPassInBothSuites) {
  EXPECT_EQ(code_, kExitOk) << *err_;
  EXPECT_NE(out_->find("Suite 'modern'"), std::string::npos);
  EXPECT_NE(out_->find("Suite 'set1'"), std::string::npos);
  for (const char* s : {"Seed steps 1-2", "Seed step 3", "Seed step 4", "Seed step 5",
                        "Seed step 6", "Seed step 7"})
    EXPECT_NE(out_->find(s), std::string::npos) << s;
  EXPECT_NE(out_->find("Demo complete"), std::string::npos);
}

TEST_F(DemoRun, TheStoryHasItsOutcomes) {
  EXPECT_NE(out_->find("wallet log #1: authorized 127.95 USD"), std::string::npos) << *out_;
  EXPECT_NE(out_->find("declined by the issuer"), std::string::npos);
  EXPECT_NE(out_->find("tracking number SWI"), std::string::npos);
  EXPECT_NE(out_->find("acquirer: the merchant is owed 381.45 USD"), std::string::npos);
  EXPECT_NE(out_->find("double-entry invariants hold"), std::string::npos);
  std::string csv = slurp(*dir_ / "modern" / "settlement.csv");
  EXPECT_NE(csv.find("TOTAL"), std::string::npos) << csv;
  // Four captures on the day: 127.95 + 253.50 + 104.40 + 253.50 (the split shipment's first parcel).
  EXPECT_NE(csv.find("CAPTURES,,,,,USD,739.35"), std::string::npos) << csv;
  EXPECT_NE(csv.find("SETTLED,,,,,USD,689.40"), std::string::npos) << csv;  // less the 49.95 refund
}

TEST_F(DemoRun, TheSplitShipmentIsCapturedInTwoPartsAndTheBatchesSettleWithoutDifference) {
  EXPECT_NE(out_->find("authorized with an AuthToken for later parts"), std::string::npos) << *out_;
  EXPECT_NE(out_->find("the rest of the hold is released at once"), std::string::npos);
  EXPECT_NE(out_->find("two captures, "), std::string::npos);
  EXPECT_NE(out_->find("nothing left on hold (0.00 USD)"), std::string::npos);
  EXPECT_NE(out_->find("batch 1: "), std::string::npos);
  EXPECT_NE(out_->find("batch 2: "), std::string::npos);
  EXPECT_NE(out_->find("reconciliation with the acquirer: no difference"), std::string::npos);
  EXPECT_NE(out_->find("the merchant's account is credited 689.40 USD (still unsettled: 0.00 USD)"),
            std::string::npos);
  EXPECT_EQ(out_->find("difference(s)"), std::string::npos);
  std::string csv = slurp(*dir_ / "modern" / "settlement.csv");
  for (const char* line : {"CAPTURES", "CREDITS", "SETTLED", "TOTAL"})
    EXPECT_NE(csv.find(line), std::string::npos) << line << "\n" << csv;
}

TEST_F(DemoRun, AfterSalesReversalInquiryAndRefundMoveTheRightAmounts) {
  EXPECT_NE(out_->find("the issuer released 23.55 USD of the hold"), std::string::npos) << *out_;
  EXPECT_NE(out_->find("the merchant refunds 49.95 USD"), std::string::npos);
  EXPECT_NE(out_->find("the wallet's log now says: authorized"), std::string::npos);
}

TEST_F(DemoRun, MerchantAndGatewayEachSeeOnlyTheirHalf) {
  EXPECT_NE(out_->find("the card number? no"), std::string::npos);
  EXPECT_NE(out_->find("the order description in what it received? no"), std::string::npos);
  EXPECT_EQ(out_->find("YES (bug!)"), std::string::npos) << *out_;
}

TEST_F(DemoRun, NoCardNumberInOutputOrInAnySavedFileButTheIssuers) {
  for (const char* pan : {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111"}) {
    EXPECT_EQ(out_->find(pan), std::string::npos);
    EXPECT_EQ(err_->find(pan), std::string::npos);
  }
  int files = 0;
  bool issuer_holds_it = false;
  for (const auto& e : fs::recursive_directory_iterator(*dir_)) {
    if (!e.is_regular_file()) continue;
    ++files;
    bool found = slurp(e.path()).find(kDemoPan) != std::string::npos;
    // The issuer keeps its card accounts: the one database that must hold the card number.
    if (e.path().filename().string().rfind("issuer.db", 0) == 0) {
      issuer_holds_it = issuer_holds_it || found;
      continue;
    }
    EXPECT_FALSE(found) << e.path();
  }
  EXPECT_TRUE(issuer_holds_it);  // the scan itself works
  EXPECT_GE(files, 40);
}

// The message types of the saved files, in the order of their NN- prefix.
std::vector<std::string> saved_types(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".der") names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  std::vector<std::string> types;
  for (const auto& n : names) types.push_back(n.substr(3, n.size() - 3 - 4));
  return types;
}

const std::vector<std::string> kPurchases = {
    "PCertReq", "PCertRes",                                        // the gateway's certificates
    "PInitReq", "PInitRes", "PReq", "AuthReq", "AuthRes", "PRes",   // the first purchase
    "PInitReq", "PInitRes", "PReq", "AuthReq", "AuthRes", "PRes",   // the second
    "PInitReq", "PInitRes", "PReq", "AuthReq", "AuthRes", "PRes",   // the declined one
    "CapReq", "CapRes",                                            // closing time
    "PInitReq", "PInitRes", "PReq", "AuthReq", "AuthRes", "PRes",   // after-sales purchase
    "AuthRevReq", "AuthRevRes", "InqReq", "InqRes", "CapReq", "CapRes", "CredReq", "CredRes",
    "InqReq", "InqRes",
    "PInitReq", "PInitRes", "PReq", "AuthReq", "AuthRes", "PRes",   // split shipment
    "CapReq", "CapRes",                                            // parcel 1
    "BatchAdminReq", "BatchAdminRes",                              // closing the day
    "AuthReq", "AuthRes", "CapReq", "CapRes",                      // parcel 2 (AuthToken)
    "BatchAdminReq", "BatchAdminRes"};                             // its batch
const std::vector<std::string> kRegistrations = {
    "CardCInitReq", "CardCInitRes", "RegFormReq", "RegFormRes", "CertReq", "CertRes",   // CCA
    "Me-AqCInitReq", "Me-AqCInitRes", "CertReq", "CertRes",                             // MCA
    "Me-AqCInitReq", "Me-AqCInitRes", "CertReq", "CertRes"};                            // PCA

TEST_F(DemoRun, EveryMessageIsSavedInOrderAndDecodes) {
  // Both suites: the parties register through SET's certificate protocols (set1 too, now that
  // the CAs have RSA-1024 key-exchange certificates: docs/departures.md R-1), then buy.
  std::vector<std::string> all = kRegistrations;
  all.insert(all.end(), kPurchases.begin(), kPurchases.end());
  EXPECT_EQ(saved_types(*dir_ / "modern"), all);
  EXPECT_EQ(saved_types(*dir_ / "set1"), all);
  for (const char* suite : {"modern", "set1"}) {
    for (const auto& e : fs::directory_iterator(*dir_ / suite)) {
      if (e.path().extension() != ".der") continue;
      DecodeOptions d;
      d.file = e.path().string();
      std::ostringstream out, err;
      EXPECT_EQ(run_decode(d, out, err), kExitOk) << e.path() << ": " << err.str();
    }
    // The first purchase's PReq (the first file of that type).
    fs::path preq;
    for (const auto& e : fs::directory_iterator(*dir_ / suite)) {
      std::string n = e.path().filename().string();
      if (n.size() > 9 && n.substr(n.size() - 9) == "-PReq.der" && (preq.empty() || e.path() < preq)) preq = e.path();
    }
    ASSERT_FALSE(preq.empty());
    DecodeOptions d;
    d.file = preq.string();
    std::ostringstream out, err;
    ASSERT_EQ(run_decode(d, out, err), kExitOk) << err.str();
    EXPECT_NE(out.str().find("2.23.42.0.13"), std::string::npos);  // PI-TBS content type
    if (std::system("command -v openssl >/dev/null 2>&1") == 0) {
      std::string cmd = "openssl asn1parse -inform DER -in '" + preq.string() + "' >/dev/null";
      EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
      // The merchant's certificate chains to the SET root (openssl does not know SET's critical
      // extensions: -ignore_critical, see docs/pki.md).
      fs::path certs = *dir_ / suite / "certs";
      std::string verify = "openssl verify -ignore_critical -CAfile '" + (certs / "root.pem").string() +
                           "' -untrusted '" + (certs / "Atlas-brand-ca.pem").string() + "' -untrusted '" +
                           (certs / "Atlas-mca.pem").string() + "' '" +
                           (certs / "merchant-signature.pem").string() + "' >/dev/null";
      EXPECT_EQ(std::system(verify.c_str()), 0) << verify;
    }
  }
}

TEST_F(DemoRun, RegistrationIsNarratedWhereItRan) {
  EXPECT_NE(out_->find("got their certificates through SET's registration protocols"), std::string::npos);
  EXPECT_NE(out_->find("cardholder -> CCA        CardCInitReq"), std::string::npos) << *out_;
  EXPECT_EQ(out_->find("the CAs issued the end entities' certificates directly"), std::string::npos);
  // Once per suite.
  std::size_t first = out_->find("cardholder -> CCA        CardCInitReq");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(out_->find("cardholder -> CCA        CardCInitReq", first + 1), std::string::npos);
}

TEST_F(DemoRun, RunningTwiceInARowWorks) {
  DemoOptions o;
  o.out_dir = (*dir_ / "set1").string();
  o.suites = {"set1"};
  std::ostringstream out, err;
  ASSERT_EQ(run_demo(o, out, err), kExitOk) << err.str();
  std::vector<std::string> all = kRegistrations;
  all.insert(all.end(), kPurchases.begin(), kPurchases.end());
  EXPECT_EQ(saved_types(*dir_ / "set1"), all);
  EXPECT_NE(out.str().find("wallet log #1: authorized"), std::string::npos);
}

TEST(Demo, UnknownSuiteIsAUsageError) {
  DemoOptions o;
  o.suites = {"rot13"};
  o.out_dir = (fs::temp_directory_path() / "openset-demo-bad").string();
  std::ostringstream out, err;
  EXPECT_EQ(run_demo(o, out, err), kExitUsage);
  EXPECT_NE(err.str().find("set1"), std::string::npos) << err.str();  // lists the valid names
}

}  // namespace
}  // namespace openset::app

// `openset wallet|merchant|gateway register`: the registration protocols in-process against a
// CA directory made by `openset ca init` and the banks' SQLite files.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "openset/app/commands.hpp"
#include "openset/roles/bank/acquirer.hpp"
#include "openset/roles/bank/issuer.hpp"

namespace openset::app {
namespace {
namespace fs = std::filesystem;

constexpr const char* kPass = "correct horse battery staple 7";
constexpr const char* kPan = "4111111111111111";
constexpr long long kT0 = 1767225600;  // 2026-01-01

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct RegisterCli : ::testing::Test {
  fs::path root;
  // 'ca init' gives the CCA, MCA and PCA key-exchange certificates (RSA-1024 in set1), so both
  // suites register (docs/departures.md R-1).
  virtual const char* suite() const { return "modern"; }
  void SetUp() override {
    root = fs::temp_directory_path() /
           ("openset-reg-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
    std::ofstream(root / "pass") << kPass << "\n";
    std::ofstream(root / "pan") << kPan << "\n";
    CaOptions o;
    o.dir = (root / "ca").string();
    o.suite = suite();
    o.brand = "Atlas";
    o.with = {"cca", "mca", "pca"};
    o.passphrase_file = (root / "pass").string();
    o.pbkdf2_iterations = 1000;
    o.at = kT0;
    std::ostringstream os, es;
    ASSERT_EQ(run_ca_init(o, os, es), kExitOk) << es.str();

    auto issuer = roles::bank::IssuerBank::open((root / "issuer.db").string(), {"issuer", "Atlas First Bank"});
    ASSERT_TRUE(issuer.ok());
    ASSERT_TRUE((*issuer)->add_bin("411111", "Atlas").ok());
    roles::bank::CardAccount card;
    card.pan = kPan;
    card.expiry = "202812";
    card.credit_limit = 100000;
    card.brand = "Atlas";
    card.holder = {{"name", "Ada Lovelace"}, {"billing-address", "1 Main St"}, {"postal-code", "12345"}};
    ASSERT_TRUE((*issuer)->open_card(card).ok());
    auto acquirer = roles::bank::AcquirerBank::open((root / "acquirer.db").string(), {"acquirer", "400001", "Atlas Acquirer", "k"});
    ASSERT_TRUE(acquirer.ok());
    ASSERT_TRUE((*acquirer)->add_merchant({"MER-0001", {"Atlas"}, {{"name", "Corner Shop"}, {"address", "2 High St"}}}).ok());
  }
  void TearDown() override { fs::remove_all(root); }

  RegisterOptions opts(const std::string& out) const {
    RegisterOptions o;
    o.ca_dir = (root / "ca").string();
    o.out = (root / out).string();
    o.passphrase_file = (root / "pass").string();
    o.issuer_db = (root / "issuer.db").string();
    o.issuer_name = "Atlas First Bank";
    o.acquirer_db = (root / "acquirer.db").string();
    o.pan_file = (root / "pan").string();
    o.expiry = "202812";
    o.at = kT0 + 86400;
    o.pbkdf2_iterations = 1000;
    return o;
  }
};

TEST_F(RegisterCli, WalletRegistersAndSavesMessagesCertificateAndKey) {
  RegisterOptions o = opts("wallet");
  o.answers = {"name=Ada Lovelace", "billing-address=1 Main St", "postal-code=12345"};
  std::ostringstream out, err;
  ASSERT_EQ(run_wallet_register(o, out, err), kExitOk) << err.str();
  fs::path w = root / "wallet";
  for (const char* f : {"01-CardCInitReq.der", "02-CardCInitRes.der", "03-RegFormReq.der", "04-RegFormRes.der",
                        "05-CertReq.der", "06-CertRes.der", "cardholder.cert.pem", "cardholder.key.pem",
                        "cardholder.pan-secret"})
    EXPECT_TRUE(fs::exists(w / f)) << f;
  EXPECT_EQ(fs::status(w / "cardholder.key.pem").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_NE(slurp(w / "cardholder.key.pem").find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  // The PAN appears in no output, no saved message (it travels in OAEP blocks) and not in the
  // CA's files.
  EXPECT_EQ(out.str().find(kPan), std::string::npos);
  for (const auto& e : fs::directory_iterator(w)) EXPECT_EQ(slurp(e.path()).find(kPan), std::string::npos) << e.path();
  for (const auto& e : fs::directory_iterator(root / "ca")) {
    if (e.is_regular_file()) {
      EXPECT_EQ(slurp(e.path()).find(kPan), std::string::npos) << e.path();
    }
  }
  // The CA's records list the new certificate.
  CaOptions l;
  l.dir = (root / "ca").string();
  std::ostringstream lo, le;
  ASSERT_EQ(run_ca_list(l, lo, le), kExitOk) << le.str();
  EXPECT_NE(lo.str().find("cardholder"), std::string::npos) << lo.str();
}

TEST_F(RegisterCli, WrongAnswersAreRefusedWithTheCasErrorCode) {
  RegisterOptions o = opts("refused");
  o.answers = {"name=Somebody Else", "billing-address=1 Main St", "postal-code=12345"};
  std::ostringstream out, err;
  EXPECT_EQ(run_wallet_register(o, out, err), kExitFailure);
  EXPECT_NE(err.str().find("ErrorCode 1"), std::string::npos) << err.str();
  EXPECT_EQ(err.str().find(kPan), std::string::npos);
  EXPECT_TRUE(fs::exists(root / "refused" / "06-Error.der"));
  EXPECT_FALSE(fs::exists(root / "refused" / "cardholder.cert.pem"));
}

TEST_F(RegisterCli, MerchantGetsTwoCertificates) {
  RegisterOptions o = opts("merchant");
  o.merchant_id = "MER-0001";
  o.answers = {"name=Corner Shop", "address=2 High St"};
  std::ostringstream out, err;
  ASSERT_EQ(run_merchant_register(o, out, err), kExitOk) << err.str();
  fs::path m = root / "merchant";
  for (const char* f : {"01-Me-AqCInitReq.der", "02-Me-AqCInitRes.der", "03-CertReq.der", "04-CertRes.der",
                        "merchant-signature.cert.pem", "merchant-signature.key.pem",
                        "merchant-key-exchange.cert.pem", "merchant-key-exchange.key.pem"})
    EXPECT_TRUE(fs::exists(m / f)) << f;
}

TEST_F(RegisterCli, MissingRequiredAnswerIsAClearError) {
  RegisterOptions o = opts("missing");
  o.merchant_id = "MER-0001";
  std::ostringstream out, err;
  EXPECT_EQ(run_merchant_register(o, out, err), kExitFailure);
  EXPECT_NE(err.str().find("--answer name=VALUE"), std::string::npos) << err.str();
}

// SET 1.0's suite: the requests are encrypted to the CAs' RSA-1024 key-exchange certificates.
struct RegisterCliSet1 : RegisterCli {
  const char* suite() const override { return "set1"; }
};

TEST_F(RegisterCliSet1, WalletAndMerchantRegister) {
  ASSERT_TRUE(fs::exists(root / "ca" / "certs" / "cca-kx.cert.pem"));
  ASSERT_TRUE(fs::exists(root / "ca" / "keys" / "mca-kx.key.pem"));
  RegisterOptions w = opts("wallet");
  w.answers = {"name=Ada Lovelace", "billing-address=1 Main St", "postal-code=12345"};
  std::ostringstream out, err;
  ASSERT_EQ(run_wallet_register(w, out, err), kExitOk) << err.str();
  EXPECT_TRUE(fs::exists(root / "wallet" / "cardholder.cert.pem"));
  RegisterOptions m = opts("merchant");
  m.merchant_id = "MER-0001";
  m.answers = {"name=Corner Shop", "address=2 High St"};
  std::ostringstream mout, merr;
  ASSERT_EQ(run_merchant_register(m, mout, merr), kExitOk) << merr.str();
  EXPECT_TRUE(fs::exists(root / "merchant" / "merchant-key-exchange.cert.pem"));
}

}  // namespace
}  // namespace openset::app

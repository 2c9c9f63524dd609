// `openset demo` tells the dual-signature story and every check in it passes; what it prints and
// what it saves for the merchant never holds the card number.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
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

TEST_F(DemoRun, EveryCheckPassesInBothSuites) {
  EXPECT_EQ(code_, kExitOk) << *err_;
  EXPECT_NE(out_->find("Suite 'modern'"), std::string::npos);
  EXPECT_NE(out_->find("Suite 'set1'"), std::string::npos);
  EXPECT_NE(out_->find("Demo complete"), std::string::npos);
}

TEST_F(DemoRun, MerchantAndGatewayEachSeeOnlyTheirHalf) {
  EXPECT_NE(out_->find("card number anywhere in the"), std::string::npos);
  EXPECT_EQ(out_->find("YES (bug!)"), std::string::npos) << *out_;
}

TEST_F(DemoRun, TamperingAndRefusedSuitesAreShownFailing) {
  EXPECT_NE(out_->find("one bit flipped in OIData: merchant refuses"), std::string::npos);
  EXPECT_NE(out_->find("refused by policy"), std::string::npos);
}

TEST_F(DemoRun, NoCardNumberInOutputOrInAnySavedFile) {
  EXPECT_EQ(out_->find(kDemoPan), std::string::npos);
  EXPECT_EQ(err_->find(kDemoPan), std::string::npos);
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(*dir_)) {
    if (!e.is_regular_file()) continue;
    ++files;
    EXPECT_EQ(slurp(e.path()).find(kDemoPan), std::string::npos) << e.path();
  }
  EXPECT_GE(files, 10);
}

TEST_F(DemoRun, SavedMessagesDecodeWithOurDecoderAndWithOpenssl) {
  for (const char* suite : {"modern", "set1"}) {
    fs::path preq = *dir_ / suite / "PReq.der";
    ASSERT_TRUE(fs::exists(preq)) << preq;
    DecodeOptions d;
    d.file = preq.string();
    std::ostringstream out, err;
    EXPECT_EQ(run_decode(d, out, err), kExitOk) << err.str();
    EXPECT_NE(out.str().find("2.23.42.0.13"), std::string::npos);  // PI-TBS content type
    if (std::system("command -v openssl >/dev/null 2>&1") == 0) {
      std::string cmd = "openssl asn1parse -inform DER -in '" + preq.string() + "' >/dev/null";
      EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
      std::string verify = "openssl verify -CAfile '" + (*dir_ / suite / "openset.cert.pem").string() +
                           "' '" + (*dir_ / suite / "cardholder.cert.pem").string() + "' >/dev/null";
      EXPECT_EQ(std::system(verify.c_str()), 0) << verify;
    }
  }
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

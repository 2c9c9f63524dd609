#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "openset/store/ca_repository.hpp"
#include "openset/store/database.hpp"

namespace openset::store {
namespace {
namespace fs = std::filesystem;

struct TempDb : ::testing::Test {
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("openset-store-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
           std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string path() const { return (dir / "ca.db").string(); }
};

IssuedRecord record(const char* ca, std::uint8_t serial) {
  return IssuedRecord{ca, Bytes{serial}, "C=US, O=Atlas, OU=Merchant, CN=Shop", "merchant-signature", 100, 200,
                      Bytes{0x30, 0x00}, std::nullopt, std::nullopt};
}

using Store = TempDb;

TEST_F(Store, OpenMissingFileWithoutCreateFails) {
  auto r = CaRepository::open(path(), Database::Mode::kOpenExisting);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cannot open"), std::string::npos);
}

TEST_F(Store, AnIssuedCertificateIsListedAfterReopening) {
  {
    auto repo = CaRepository::open(path(), Database::Mode::kCreate);
    ASSERT_TRUE(repo.ok()) << repo.error().to_string();
    ASSERT_TRUE(repo->insert_issued(record("mca", 1)).ok());
    ASSERT_TRUE(repo->insert_issued(record("mca", 2)).ok());
    ASSERT_TRUE(repo->insert_issued(record("pca", 1)).ok());
    ASSERT_TRUE(repo->set_meta("suite", "set1").ok());
  }
  auto repo = CaRepository::open(path(), Database::Mode::kOpenExisting);
  ASSERT_TRUE(repo.ok()) << repo.error().to_string();
  auto all = repo->list();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  auto mca = repo->list("mca");
  ASSERT_TRUE(mca.ok());
  ASSERT_EQ(mca->size(), 2u);
  EXPECT_EQ((*mca)[1].serial, Bytes{2});
  EXPECT_EQ((*mca)[1].certificate, (Bytes{0x30, 0x00}));
  EXPECT_FALSE((*mca)[1].revoked_at);
  auto m = repo->meta("suite");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->value_or(""), "set1");
  EXPECT_FALSE(repo->meta("absent")->has_value());
}

TEST_F(Store, ASerialIsIssuedOncePerCa) {
  auto repo = CaRepository::open(path(), Database::Mode::kCreate);
  ASSERT_TRUE(repo.ok());
  ASSERT_TRUE(repo->insert_issued(record("mca", 1)).ok());
  auto again = repo->insert_issued(record("mca", 1));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kConstraint);
}

TEST_F(Store, RevokingTwiceIsAnErrorAndLeavesOneRow) {
  auto repo = CaRepository::open(path(), Database::Mode::kCreate);
  ASSERT_TRUE(repo.ok());
  ASSERT_TRUE(repo->insert_issued(record("mca", 1)).ok());
  ASSERT_TRUE(repo->revoke(RevokedRecord{"mca", Bytes{1}, 150, "keyCompromise"}).ok());
  auto twice = repo->revoke(RevokedRecord{"mca", Bytes{1}, 160, "keyCompromise"});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("already revoked"), std::string::npos);
  auto rv = repo->revoked("mca");
  ASSERT_TRUE(rv.ok());
  ASSERT_EQ(rv->size(), 1u);
  EXPECT_EQ((*rv)[0].revoked_at, 150);
  auto l = repo->list("mca");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ((*l)[0].revoked_at.value_or(0), 150);
}

TEST_F(Store, RevokingAnUnknownSerialIsRefused) {
  auto repo = CaRepository::open(path(), Database::Mode::kCreate);
  ASSERT_TRUE(repo.ok());
  auto r = repo->revoke(RevokedRecord{"mca", Bytes{9}, 150, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no certificate with serial 09"), std::string::npos);
}

TEST_F(Store, CrlsComeBackInNumberOrder) {
  auto repo = CaRepository::open(path(), Database::Mode::kCreate);
  ASSERT_TRUE(repo.ok());
  ASSERT_TRUE(repo->insert_crl(CrlRow{"mca", 2, 20, 30, Bytes{2}}).ok());
  ASSERT_TRUE(repo->insert_crl(CrlRow{"mca", 1, 10, 30, Bytes{1}}).ok());
  ASSERT_FALSE(repo->insert_crl(CrlRow{"mca", 1, 10, 30, Bytes{1}}).ok());
  auto c = repo->crls("mca");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[0].number, 1);
  EXPECT_EQ((*c)[1].crl, Bytes{2});
}

TEST_F(Store, AFailureInTheMiddleOfATransactionLeavesNothingWritten) {
  auto repo = CaRepository::open(path(), Database::Mode::kCreate);
  ASSERT_TRUE(repo.ok());
  ASSERT_TRUE(repo->insert_issued(record("mca", 1)).ok());
  {
    auto t = repo->db().begin();
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(repo->insert_issued(record("mca", 2)).ok());
    ASSERT_TRUE(repo->revoke(RevokedRecord{"mca", Bytes{1}, 150, ""}).ok());
    ASSERT_FALSE(repo->insert_issued(record("mca", 1)).ok());  // fails: duplicate serial
    // no commit: the destructor rolls back
  }
  auto l = repo->list();
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->size(), 1u);
  EXPECT_FALSE((*l)[0].revoked_at);
  {
    auto t = repo->db().begin();
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(repo->insert_issued(record("mca", 2)).ok());
    ASSERT_TRUE(t->commit().ok());
  }
  EXPECT_EQ(repo->list()->size(), 2u);
}

TEST_F(Store, ParametersAreBoundNotInterpreted) {
  auto repo = CaRepository::open(path(), Database::Mode::kCreate);
  ASSERT_TRUE(repo.ok());
  auto r = record("mca'; DROP TABLE issued; --", 1);
  ASSERT_TRUE(repo->insert_issued(r).ok());
  auto l = repo->list(r.ca);
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->size(), 1u);
  EXPECT_EQ((*l)[0].ca, r.ca);
}

TEST_F(Store, AFileThatIsNotACaDatabaseIsRefused) {
  {
    auto db = Database::open(path(), Database::Mode::kCreate);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("CREATE TABLE other (x)").ok());
  }
  auto r = CaRepository::open(path(), Database::Mode::kOpenExisting);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a CA database"), std::string::npos);
}

}  // namespace
}  // namespace openset::store

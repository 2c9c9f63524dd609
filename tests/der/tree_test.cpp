// der::Tree: a strict, generic parse of any DER value, and its exact re-encoding. The headline
// property: for input that parse_tree() accepts, encode_tree() gives back the same bytes, shown
// here on real certificates and a real CMS signature made by the openssl command-line tool.
#include <gtest/gtest.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "der_test_util.hpp"
#include "openset/der/der.hpp"
#include "openset/der/tree.hpp"

namespace openset::der {
namespace {

using testing::Fails;
using testing::hex;
using testing::hexof;

TEST(Tree, ParsesASmallStructureWithAbsoluteOffsets) {
  // SEQUENCE { [0] { INTEGER 5 }, OCTET STRING aabbcc }
  Bytes der = hex("300a a003020105 0403aabbcc");
  auto t = parse_tree(der);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(t->tag, tags::kSequence);
  EXPECT_EQ(t->offset, 0u);
  EXPECT_EQ(t->tlv.size(), der.size());
  ASSERT_EQ(t->children.size(), 2u);
  const Node& tagged = t->children[0];
  EXPECT_EQ(tagged.tag, context(0, true));
  EXPECT_EQ(tagged.offset, 2u);
  ASSERT_EQ(tagged.children.size(), 1u);
  EXPECT_EQ(tagged.children[0].tag, tags::kInteger);
  EXPECT_EQ(tagged.children[0].offset, 4u);
  EXPECT_EQ(hexof(tagged.children[0].content), "05");
  const Node& os = t->children[1];
  EXPECT_EQ(os.offset, 7u);
  EXPECT_EQ(hexof(os.content), "aabbcc");
  EXPECT_TRUE(os.children.empty());
  EXPECT_EQ(count_nodes(*t), 4u);
  EXPECT_EQ(encode_tree(*t), der);
}

TEST(Tree, APrimitiveRootIsATreeOfOne) {
  Bytes der = hex("020105");
  auto t = parse_tree(der);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(count_nodes(*t), 1u);
  EXPECT_EQ(encode_tree(*t), der);
}

TEST(Tree, EmptyConstructedValuesRoundTrip) {
  Bytes der = hex("3008 3100 a000 3000 0400");
  auto t = parse_tree(der);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(t->children.size(), 4u);
  EXPECT_EQ(encode_tree(*t), der);
}

TEST(Tree, TheWholeInputMustBeOneValue) {
  EXPECT_TRUE(Fails(parse_tree(hex("0500 00")), Errc::kMalformed, 2));
  EXPECT_TRUE(Fails(parse_tree(hex("0500 0500")), Errc::kMalformed, 2));
  EXPECT_TRUE(Fails(parse_tree({}), Errc::kTruncated, 0));
}

TEST(Tree, FramingErrorsCarryTheReaderClassAndOffset) {
  EXPECT_TRUE(Fails(parse_tree(hex("30800500 0000")), Errc::kNotDer, 1));    // indefinite
  EXPECT_TRUE(Fails(parse_tree(hex("3003 048101aa")), Errc::kNotDer, 3));     // long form < 128
  EXPECT_TRUE(Fails(parse_tree(hex("3004 0405 0102")), Errc::kTruncated, 2)); // overruns parent
  EXPECT_TRUE(Fails(parse_tree(hex("3003 9f0500")), Errc::kNotDer, 2));       // low tag, high form
  EXPECT_TRUE(Fails(parse_tree(hex("3002 0000")), Errc::kMalformed, 2));      // [UNIVERSAL 0]
}

struct TreeRefusal {
  const char* name;
  const char* der;
  Errc code;
  std::size_t offset;
};

TEST(Tree, UniversalTypesAreCheckedAgainstTheirDerRules) {
  const TreeRefusal cases[] = {
      {"INTEGER 00 7f", "3004 0202007f", Errc::kNotDer, 4},
      {"empty INTEGER", "3002 0200", Errc::kMalformed, 4},
      {"ENUMERATED ff 80", "3004 0a02ff80", Errc::kNotDer, 4},
      {"BOOLEAN 01", "3003 010101", Errc::kNotDer, 4},
      {"BIT STRING padding", "3005 0303020085", Errc::kNotDer, 6},
      {"BIT STRING unused 8", "3004 030208ff", Errc::kMalformed, 4},
      {"NULL with content", "3003 050100", Errc::kMalformed, 4},
      {"OID truncated arc", "3004 06022a86", Errc::kMalformed, 5},
      {"OID leading 0x80", "3005 06032a8001", Errc::kNotDer, 5},
      {"UTCTime month 13", "300f 170d3236313332373134313634335a", Errc::kMalformed, 4},
      {"UTCTime without Z", "300e 170c323631313237313431363433", Errc::kNotDer, 4},
      {"GeneralizedTime ,5", "3013 1811 3230323631313237313431363433 2c355a", Errc::kNotDer, 18},
      {"PrintableString @", "3005 1303614062", Errc::kConstraint, 5},
      {"UTF8String overlong", "3004 0c02c080", Errc::kConstraint, 4},
      {"BMPString odd", "3003 1e0141", Errc::kConstraint, 4},
      {"constructed OCTET STRING", "3008 24060401aa0401bb", Errc::kNotDer, 2},
      {"constructed BIT STRING", "3006 2304030200ff", Errc::kNotDer, 2},
      {"constructed UTF8String", "3007 2c050c03616263", Errc::kNotDer, 2},
      {"constructed UTCTime", "3011 370f170d3236313132373134313634335a", Errc::kNotDer, 2},
      {"constructed BOOLEAN", "3005 21030101ff", Errc::kMalformed, 2},
      {"constructed INTEGER", "3005 2203020101", Errc::kMalformed, 2},
      {"constructed NULL", "3004 25020500", Errc::kMalformed, 2},
      {"primitive SEQUENCE", "3002 1000", Errc::kMalformed, 2},
      {"primitive SET", "3003 110105", Errc::kMalformed, 2},
      {"primitive root SEQUENCE", "1000", Errc::kMalformed, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(Fails(parse_tree(hex(c.der)), c.code, c.offset));
  }
}

TEST(Tree, SetComponentsMustBeInDerOrder) {
  EXPECT_TRUE(Fails(parse_tree(hex("3106 020102 020101")), Errc::kNotDer, 5));
  EXPECT_TRUE(Fails(parse_tree(hex("3008 3106 020102 020101")), Errc::kNotDer, 7));
  auto ok = parse_tree(hex("3109 020101 020101 020102"));
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  // An implicitly tagged SET OF is not recognisable as one, so only universal SETs are checked.
  EXPECT_TRUE(parse_tree(hex("a106 020102 020101")).ok());
}

TEST(Tree, OtherClassesAndUnknownUniversalTypesAreTakenAsTheyAre) {
  // [0] 01 is not a BOOLEAN to a generic parser; [UNIVERSAL 33] and REAL are not interpreted.
  for (const char* der : {"3003 800101", "a003 800101", "3003 1f2100", "3003 090180",
                          "3005 df81480100", "3004 14021bff", "3002 2800"}) {
    SCOPED_TRACE(der);
    Bytes b = hex(der);
    auto t = parse_tree(b);
    ASSERT_TRUE(t.ok()) << t.error().to_string();
    EXPECT_EQ(encode_tree(*t), b);
  }
}

Bytes nested_sequences(int n) {
  Writer w;
  for (int i = 0; i < n; ++i) w.begin_sequence();
  w.add_null();
  for (int i = 0; i < n; ++i) w.end();
  return w.finish();
}

TEST(Tree, NestingBeyondTheDepthLimitIsRefused) {
  Bytes der = nested_sequences(100);  // the 65th SEQUENCE starts at 165 (see structure_test)
  EXPECT_TRUE(Fails(parse_tree(der), Errc::kLimit, 165));
  EXPECT_TRUE(Fails(parse_tree(der, Limits{1u << 20, 99}), Errc::kLimit,
                    der.size() - 4));  // the innermost SEQUENCE: 30 02 05 00
  auto t = parse_tree(der, Limits{1u << 20, 100});
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(count_nodes(*t), 101u);
  EXPECT_EQ(encode_tree(*t), der);
}

TEST(Tree, HostileNestingDoesNotExhaustTheStack) {
  // 10000 levels with the depth limit lifted: parse and encode are iterative.
  Bytes der = nested_sequences(10000);
  auto t = parse_tree(der, Limits{1u << 20, UINT_MAX});
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(count_nodes(*t), 10001u);
  EXPECT_EQ(encode_tree(*t), der);
}

TEST(Tree, HandBuiltTreeEncodesAsDer) {
  Node set;
  set.tag = tags::kSet;
  for (int v : {3, 1, 2}) {
    Node i;
    i.tag = tags::kInteger;
    static const std::uint8_t kValues[] = {0, 1, 2, 3};
    i.content = ByteView(&kValues[v], 1);
    set.children.push_back(i);
  }
  static const std::uint8_t kAa[] = {0xaa};
  Node hi;
  hi.tag = context(999);
  hi.content = kAa;
  Node root;
  root.tag = tags::kSequence;
  root.children = {set, hi};
  EXPECT_EQ(hexof(encode_tree(root)), "3010" "3109020101020102020103" "9f876701aa");
}

// ---------------------------------------------------------------------------------------------
// Real encodings from the openssl command-line tool

class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "openset-der-XXXXXX").string();
    if (mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  bool ok() const { return !path_.empty(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

bool have_openssl() { return std::system("openssl version > /dev/null 2>&1") == 0; }

bool run(const std::string& cmd) { return std::system((cmd + " > /dev/null 2>&1").c_str()) == 0; }

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every node's offset, tlv and content agree with its position in the input.
void expect_consistent(const Node& n, ByteView input) {
  EXPECT_EQ(n.tlv.data(), input.data() + n.offset);
  EXPECT_GE(n.content.data(), n.tlv.data());
  EXPECT_EQ(n.content.data() + n.content.size(), n.tlv.data() + n.tlv.size());
  std::size_t covered = 0;
  for (const Node& c : n.children) {
    EXPECT_EQ(c.tlv.data(), n.content.data() + covered);
    covered += c.tlv.size();
    expect_consistent(c, input);
  }
  if (n.tag.constructed) {
    EXPECT_EQ(covered, n.content.size());
  }
}

class RealEncodings : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_openssl()) GTEST_SKIP() << "the openssl command-line tool is not installed";
    ASSERT_TRUE(dir_.ok());
  }
  std::string make_cert(const std::string& name, const std::string& extra) {
    std::string der = dir_.file(name + ".der");
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj '" + subject_ +
                      "' -keyout " + dir_.file(name + ".key") + " -outform DER -out " + der + " " +
                      extra;
    EXPECT_TRUE(run(cmd)) << cmd;
    return der;
  }
  TempDir dir_;
  std::string subject_ = "/CN=test";
};

TEST_F(RealEncodings, SelfSignedCertificateRoundTripsExactly) {
  Bytes der = read_file(make_cert("plain", ""));
  ASSERT_GT(der.size(), 500u);
  auto t = parse_tree(der);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(encode_tree(*t), der);
  expect_consistent(*t, der);

  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
  ASSERT_EQ(t->children.size(), 3u);
  const Node& tbs = t->children[0];
  EXPECT_EQ(tbs.tag, tags::kSequence);
  ASSERT_FALSE(tbs.children.empty());
  EXPECT_EQ(tbs.children[0].tag, context(0, true));  // [0] EXPLICIT Version
  ASSERT_EQ(tbs.children[0].children.size(), 1u);
  EXPECT_EQ(hexof(tbs.children[0].children[0].tlv), "020102");  // v3
  const Node& alg = t->children[1];
  ASSERT_FALSE(alg.children.empty());
  auto oid = Oid::from_der_content(alg.children[0].content);
  ASSERT_TRUE(oid.ok());
  EXPECT_EQ(oid->to_string(), "1.2.840.113549.1.1.11");  // sha256WithRSAEncryption
  EXPECT_EQ(t->children[2].tag, tags::kBitString);
  EXPECT_EQ(t->children[2].content.size(), 257u);  // 00 unused bits + 2048-bit signature
}

TEST_F(RealEncodings, CertificateWithExtensionsAndAMultiValuedNameRoundTrips) {
  subject_ = "/C=US/O=OpenSET Test/OU=DER+CN=Example Leaf/emailAddress=leaf@example.com";
  Bytes der = read_file(make_cert(
      "ext",
      "-multivalue-rdn -addext 'subjectAltName=DNS:example.com,DNS:www.example.com,IP:192.0.2.1' "
      "-addext 'keyUsage=critical,digitalSignature,keyCertSign' "
      "-addext 'extendedKeyUsage=serverAuth,clientAuth' "
      "-addext 'certificatePolicies=2.23.42.7.0'"));
  ASSERT_GT(der.size(), 500u);
  auto t = parse_tree(der);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(encode_tree(*t), der);
  expect_consistent(*t, der);
  EXPECT_GT(count_nodes(*t), 60u);
}

TEST_F(RealEncodings, EcCertificateRoundTrips) {
  std::string der_path = dir_.file("ec.der");
  std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
                    "-subj /CN=ec -keyout " + dir_.file("ec.key") + " -outform DER -out " + der_path;
  ASSERT_TRUE(run(cmd)) << cmd;
  Bytes der = read_file(der_path);
  auto t = parse_tree(der);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(encode_tree(*t), der);
}

TEST_F(RealEncodings, CmsSignedDataRoundTrips) {
  std::string cert = make_cert("signer", "");
  std::string pem = dir_.file("signer.pem");
  std::string msg = dir_.file("msg.txt");
  std::string sig = dir_.file("sig.der");
  {
    std::ofstream(msg) << "SET 1.0 test message\n";
  }
  ASSERT_TRUE(run("openssl x509 -inform DER -in " + cert + " -out " + pem));
  std::string cmd = "openssl cms -sign -nodetach -binary -in " + msg + " -signer " + pem +
                    " -inkey " + dir_.file("signer.key") + " -outform DER -out " + sig;
  ASSERT_TRUE(run(cmd)) << cmd;
  Bytes der = read_file(sig);
  ASSERT_GT(der.size(), 1000u);
  auto t = parse_tree(der);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(encode_tree(*t), der);
  expect_consistent(*t, der);
  // ContentInfo { id-signedData, [0] { SignedData } }
  ASSERT_EQ(t->children.size(), 2u);
  EXPECT_EQ(Oid::from_der_content(t->children[0].content)->to_string(), "1.2.840.113549.1.7.2");
}

TEST_F(RealEncodings, DamagedCertificatesAreRefusedWithAnOffsetInsideThem) {
  Bytes der = read_file(make_cert("damaged", ""));
  ASSERT_GT(der.size(), 500u);
  // Re-encode the outer length in a non-minimal form: 30 82 LL LL -> 30 83 00 LL LL.
  ASSERT_EQ(der[1], 0x82);
  Bytes padded = der;
  padded[1] = 0x83;
  padded.insert(padded.begin() + 2, 0x00);
  EXPECT_TRUE(Fails(parse_tree(padded), Errc::kNotDer, 2));
  // Every truncation is refused, never read past.
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{4}, der.size() / 2,
                        der.size() - 1}) {
    SCOPED_TRACE(n);
    auto r = parse_tree(ByteView(der).first(n));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kTruncated);
  }
  // A trailing octet after the certificate.
  Bytes trailing = der;
  trailing.push_back(0);
  EXPECT_TRUE(Fails(parse_tree(trailing), Errc::kMalformed, der.size()));
}

}  // namespace
}  // namespace openset::der

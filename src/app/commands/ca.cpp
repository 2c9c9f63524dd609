// `openset ca init|issue|revoke|crl|list`.
//
// A CA directory holds keys/<ca>.key.pem (encrypted PKCS#8, mode 0600), certs/<ca>.cert.pem and
// ca.db (store::CaRepository). A CA is reloaded with pki::CertificateAuthority::restore from
// its key, its own certificate and its records (see load_ca).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "openset/app/commands.hpp"
#include "openset/app/files.hpp"
#include "openset/asn1/set_certificate.hpp"
#include "openset/crypto/cipher.hpp"
#include "openset/crypto/keys.hpp"
#include "openset/crypto/x509.hpp"
#include "openset/pki/authority.hpp"
#include "openset/pki/identity.hpp"
#include "openset/pki/profile.hpp"
#include "openset/services/ca_directory.hpp"
#include "openset/store/ca_repository.hpp"

namespace openset::app {
namespace {
namespace fs = std::filesystem;
using pki::CertType;

constexpr const char* kEndEntityTypes = "merchant-signature, merchant-key-exchange, gateway-signature, "
                                        "gateway-key-exchange, cardholder";

std::string key_path(const std::string& dir, const std::string& ca) { return dir + "/keys/" + ca + ".key.pem"; }
std::string cert_path(const std::string& dir, const std::string& ca) { return dir + "/certs/" + ca + ".cert.pem"; }

der::Time now(const CaOptions& o) {
  return der::Time::from_unix(o.at != 0 ? static_cast<std::int64_t>(o.at) : static_cast<std::int64_t>(std::time(nullptr)));
}

// The passphrase, from --passphrase-file or OPENSET_PASSPHRASE. Never echoed.
Result<std::string> passphrase(const CaOptions& o) { return files::passphrase(o.passphrase_file); }

Result<std::string> encrypt_key(const crypto::PrivateKey& k, const std::string& pass, const CaOptions& o) {
  return o.pbkdf2_iterations != 0 ? k.to_encrypted_pem(pass, o.pbkdf2_iterations) : k.to_encrypted_pem(pass);
}

Result<crypto::PrivateKey> load_key(const std::string& path, const std::string& pass) {
  OPENSET_TRY(std::string pem, files::read_text(path));
  auto k = crypto::PrivateKey::from_encrypted_pem(pem, pass);
  if (!k.ok()) {
    if (k.error().code == Errc::kDecrypt) return Error(Errc::kDecrypt, "wrong passphrase for " + path);
    return Error(k.error().code, path + ": " + k.error().message);
  }
  return std::move(k).value();
}

CertType ca_type(const std::string& name) {
  if (name == "root") return CertType::kRoot;
  if (name == "brand") return CertType::kBrand;
  if (name == "cca") return CertType::kCardholderCA;
  if (name == "mca") return CertType::kMerchantCA;
  return CertType::kPaymentGatewayCA;
}

asn1::Name ca_name(const std::string& ca, const std::string& brand) {
  if (ca == "root") return pki::set_name("OpenSET Root", "SET Root", "OpenSET Root CA 1");
  if (ca == "brand") return pki::set_name(brand, "Brand CA", brand + " Brand CA");
  std::string unit = ca == "cca" ? "CCA" : ca == "mca" ? "MCA" : "PCA";
  return pki::set_name(brand, unit, brand + " " + unit);
}

std::optional<CertType> type_by_name(std::string_view n) {
  for (const auto& p : pki::profiles())
    if (p.name == n) return p.type;
  return std::nullopt;
}

// The settings of a CA directory (meta table).
struct Hierarchy {
  std::string dir;
  const crypto::Suite* suite = nullptr;
  std::string brand;
  der::Time t0;
  std::vector<std::string> cas;  // in creation order
  crypto::PublicKey next_root;
};

Result<Hierarchy> read_hierarchy(const std::string& dir, store::CaRepository& repo) {
  Hierarchy h;
  h.dir = dir;
  auto get = [&](const char* k) -> Result<std::string> {
    OPENSET_TRY(auto v, repo.meta(k));
    if (!v) return Error(Errc::kMalformed, dir + "/ca.db has no '" + k + "' setting");
    return *v;
  };
  OPENSET_TRY(std::string suite, get("suite"));
  OPENSET_TRY(h.suite, crypto::suite_by_name(suite));
  OPENSET_TRY(h.brand, get("brand"));
  OPENSET_TRY(std::string t0, get("t0"));
  h.t0 = der::Time::from_unix(std::stoll(t0));
  OPENSET_TRY(std::string cas, get("cas"));
  std::stringstream ss(cas);
  for (std::string c; std::getline(ss, c, ',');) h.cas.push_back(c);
  OPENSET_TRY(std::string spki_hex, get("next_root_spki"));
  OPENSET_TRY(Bytes spki, from_hex(spki_hex));
  OPENSET_TRY(h.next_root, crypto::PublicKey::from_spki_der(spki));
  return h;
}

Result<store::CaRepository> open_repo(const std::string& dir) {
  if (dir.empty()) return Error(Errc::kInvalidArgument, "give the CA directory with --dir DIR");
  if (!fs::exists(dir + "/ca.db"))
    return Error(Errc::kIo, dir + " is not a CA directory (no ca.db); create one with 'openset ca init --dir " + dir + "'");
  return store::CaRepository::open(dir + "/ca.db", store::Database::Mode::kOpenExisting);
}

Status check_ca(const Hierarchy& h, const std::string& ca) {
  for (const auto& c : h.cas)
    if (c == ca) return Ok{};
  std::string valid;
  for (const auto& c : h.cas) valid += (valid.empty() ? "" : ", ") + c;
  return Error(Errc::kInvalidArgument, "unknown CA '" + ca + "' in " + h.dir + "; valid: " + valid);
}

std::string parent_of(const std::string& ca) { return ca == "brand" ? "root" : "brand"; }

// Brings `target` back from the store: its key (decrypted with the passphrase), its own
// certificate (recorded by its issuer; the root's by itself) and its records, through
// pki::CertificateAuthority::restore. Only the target's key is needed, so the root key can stay
// offline. Every stored CRL is rebuilt from the records and must come out byte for byte.
Result<pki::CertificateAuthority> load_ca(const Hierarchy& h, store::CaRepository& repo, const std::string& target,
                                          const std::string& pass) {
  OPENSET_TRY(crypto::PrivateKey key, load_key(key_path(h.dir, target), pass));
  const std::string issuer = target == "root" ? "root" : parent_of(target);
  const asn1::Name want = ca_name(target, h.brand);
  OPENSET_TRY(auto issuer_records, repo.list(issuer));
  std::optional<Bytes> own;
  for (const auto& r : issuer_records) {
    auto t = type_by_name(r.cert_type);
    if (!t || *t != ca_type(target)) continue;
    OPENSET_TRY(asn1::Certificate c, asn1::decode<asn1::Certificate>(r.certificate));
    if (c.to_be_signed.subject == want) own = r.certificate;
  }
  if (!own) return Error(Errc::kMalformed, "ca.db has no record of the " + target + " certificate");

  OPENSET_TRY(auto records, repo.list(target));
  OPENSET_TRY(std::vector<pki::IssuedCertificate> issued, services::issued_from_records(records, *own));
  OPENSET_TRY(auto crl_rows, repo.crls(target));
  std::vector<pki::CrlRecord> crls = services::crl_records(crl_rows);
  OPENSET_TRY(auto ca, pki::CertificateAuthority::restore(*h.suite, std::move(key), *own, ca_type(target),
                                                          std::move(issued), std::move(crls)));
  for (const auto& c : crl_rows) {
    OPENSET_TRY(Bytes der, ca.rebuild_crl(c.number));
    if (der != c.crl)
      return Error(Errc::kDigestMismatch, "ca.db: CRL " + std::to_string(c.number) + " of " + target +
                                              " does not rebuild to the same bytes (damaged or edited database?)");
  }
  return ca;
}

store::IssuedRecord record_of(const std::string& issuer, ByteView der, CertType type) {
  store::IssuedRecord r;
  r.ca = issuer;
  r.certificate.assign(der.begin(), der.end());
  r.cert_type = std::string(pki::to_string(type));
  auto c = asn1::decode<asn1::Certificate>(der);
  if (c.ok()) {
    r.serial = c->to_be_signed.serial_number;
    r.subject = c->to_be_signed.subject.to_string();
    r.not_before = c->to_be_signed.validity.not_before.to_unix();
    r.not_after = c->to_be_signed.validity.not_after.to_unix();
  }
  return r;
}

int fail(std::ostream& err, std::string_view cmd, const Error& e) {
  err << "openset ca " << cmd << ": " << e.message << "\n";
  return kExitFailure;
}

// ------------------------------------------------------------------------------------- init
Status do_init(const CaOptions& o, std::ostream& out) {
  if (o.dir.empty()) return Error(Errc::kInvalidArgument, "give the new CA directory with --dir DIR");
  OPENSET_TRY(const crypto::Suite* suite, crypto::suite_by_name(o.suite));
  if (o.brand.empty()) return Error(Errc::kInvalidArgument, "the brand name is empty");
  std::vector<std::string> cas{"root", "brand"};
  for (const char* n : {"cca", "mca", "pca"})
    for (const auto& w : o.with)
      if (w == n) cas.emplace_back(n);
  for (const auto& w : o.with)
    if (w != "cca" && w != "mca" && w != "pca")
      return Error(Errc::kInvalidArgument, "--with: unknown CA '" + w + "'; valid: cca, mca, pca");
  OPENSET_TRY(std::string pass, passphrase(o));

  std::error_code ec;
  if (fs::exists(o.dir, ec))
    return Error(Errc::kInvalidArgument, o.dir + " already exists; 'ca init' makes a new directory: choose another --dir "
                                                 "or remove the old one");
  if (!fs::create_directories(o.dir, ec) || ec) return Error(Errc::kIo, "cannot create " + o.dir + ": " + ec.message());
  fs::permissions(o.dir, fs::perms::owner_all, ec);
  if (!fs::create_directory(o.dir + "/keys", ec) || !fs::create_directory(o.dir + "/certs", ec))
    return Error(Errc::kIo, "cannot create the keys/ and certs/ folders in " + o.dir);
  fs::permissions(o.dir + "/keys", fs::perms::owner_all, ec);

  const der::Time t0 = now(o);
  OPENSET_TRY(auto repo, store::CaRepository::open(o.dir + "/ca.db", store::Database::Mode::kCreate));
  OPENSET_TRY(auto txn, repo.db().begin());

  const unsigned bits = pki::profile(CertType::kRoot).key_bits(*suite);
  OPENSET_TRY(auto next_root, crypto::PrivateKey::generate_rsa(bits));
  OPENSET_TRY(std::string next_pem, encrypt_key(next_root, pass, o));
  OPENSET_CHECK(files::create(key_path(o.dir, "root-next"), next_pem, 0600));

  std::optional<pki::CertificateAuthority> root, brand;
  for (const auto& name : cas) {
    OPENSET_TRY(auto key, crypto::PrivateKey::generate_rsa(pki::profile(ca_type(name)).key_bits(*suite)));
    OPENSET_TRY(std::string pem, encrypt_key(key, pass, o));
    OPENSET_CHECK(files::create(key_path(o.dir, name), pem, 0600));
    std::optional<pki::CertificateAuthority> made;
    if (name == "root") {
      OPENSET_TRY(auto r, pki::CertificateAuthority::create_root(*suite, key, next_root.public_key(),
                                                                  ca_name("root", o.brand), t0));
      made = std::move(r);
      OPENSET_CHECK(repo.insert_issued(record_of("root", made->certificate(), CertType::kRoot)));
    } else {
      auto& parent = name == "brand" ? *root : *brand;
      OPENSET_TRY(auto r, parent.create_subordinate(ca_type(name), key, ca_name(name, o.brand), t0));
      made = std::move(r);
      OPENSET_CHECK(repo.insert_issued(record_of(parent_of(name), made->certificate(), ca_type(name))));
    }
    OPENSET_CHECK(files::create(cert_path(o.dir, name), crypto::to_pem(made->certificate(), "CERTIFICATE"), 0644));
    out << fmt::format("{:<6} {}\n", name, made->name().to_string());
    if (auto kx_type = pki::key_exchange_type_of(ca_type(name))) {
      // The CA's key-exchange certificate (notes §5.2 caeThumb: requests are encrypted to it),
      // issued by the brand CA to the CA's own name, with an end-entity key (RSA-1024 in set1,
      // SET 1.0's key-transport cap): keys/<ca>-kx.key.pem, certs/<ca>-kx.cert.pem.
      OPENSET_TRY(auto kx_key, crypto::PrivateKey::generate_rsa(pki::profile(*kx_type).key_bits(*suite)));
      OPENSET_TRY(std::string kx_pem, encrypt_key(kx_key, pass, o));
      OPENSET_CHECK(files::create(key_path(o.dir, name + "-kx"), kx_pem, 0600));
      pki::IssueRequest kr;
      kr.type = *kx_type;
      kr.subject = made->name();
      kr.public_key = kx_key.public_key();
      kr.not_before = t0;
      OPENSET_TRY(Bytes kx, brand->issue(kr));
      OPENSET_CHECK(repo.insert_issued(record_of("brand", kx, *kx_type)));
      OPENSET_CHECK(files::create(cert_path(o.dir, name + "-kx"), crypto::to_pem(kx, "CERTIFICATE"), 0644));
      out << fmt::format("{:<6} {} (key exchange)\n", name + "-kx", made->name().to_string());
    }
    if (name == "root") root = std::move(made);
    else if (name == "brand") brand = std::move(made);
  }
  std::string list;
  for (const auto& c : cas) list += (list.empty() ? "" : ",") + c;
  OPENSET_CHECK(repo.set_meta("suite", suite->name));
  OPENSET_CHECK(repo.set_meta("brand", o.brand));
  OPENSET_CHECK(repo.set_meta("t0", std::to_string(t0.to_unix())));
  OPENSET_CHECK(repo.set_meta("cas", list));
  OPENSET_CHECK(repo.set_meta("next_root_spki", to_hex(next_root.public_key().spki_der())));
  OPENSET_CHECK(txn.commit());
  out << "created " << o.dir << " (suite " << suite->name << ", brand " << o.brand << ")\n";
  return Ok{};
}

// ------------------------------------------------------------------------------------ issue
Status do_issue(const CaOptions& o, std::ostream& out) {
  OPENSET_TRY(auto repo, open_repo(o.dir));
  OPENSET_TRY(Hierarchy h, read_hierarchy(o.dir, repo));
  OPENSET_CHECK(check_ca(h, o.ca));
  auto type = type_by_name(o.type);
  if (!type || pki::profile(*type).ca)
    return Error(Errc::kInvalidArgument, "unknown --type '" + o.type + "'; valid: " + kEndEntityTypes);
  if (o.out.empty()) return Error(Errc::kInvalidArgument, "give the output prefix with --out PREFIX");
  OPENSET_TRY(std::string pass, passphrase(o));
  OPENSET_TRY(auto ca, load_ca(h, repo, o.ca, pass));

  pki::IssueRequest req;
  req.type = *type;
  req.not_before = now(o);
  std::optional<SecretBytes> pan_secret;
  if (*type == CertType::kCardholder) {
    if (o.pan_file.empty() || o.expiry.empty())
      return Error(Errc::kInvalidArgument, "a cardholder certificate needs --pan-file FILE and --expiry YYYYMM");
    OPENSET_TRY(std::string pan_text, files::read_text(o.pan_file));
    std::string pan = files::trim(pan_text);
    SecretBytes card_secret(crypto::random_bytes(20));
    Bytes nonce = crypto::random_bytes(20);
    OPENSET_TRY(auto ps, pki::pan_secret(card_secret, nonce));
    auto name = pki::cardholder_name(*h.suite, h.brand, h.brand + " CCA", pan, o.expiry, ps);
    if (!name.ok()) return Error(name.error().code, "the PAN in " + o.pan_file + " or the --expiry is not valid");
    req.subject = std::move(name).value();
    req.card_expiry = o.expiry;
    pan_secret = std::move(ps);
  } else {
    if (o.subject.empty()) return Error(Errc::kInvalidArgument, "give the subject's name with --subject NAME");
    bool gateway = *type == CertType::kGatewaySignature || *type == CertType::kGatewayKeyExchange;
    req.subject = pki::set_name(h.brand, gateway ? "Payment Gateway" : "Merchant", o.subject);
    if (*type == CertType::kMerchantSignature) {
      asn1::MerchantDataSyntax md;
      md.mer_id = o.merchant_id;
      md.mer_acquirer_bin = o.acquirer_bin;
      asn1::MerNames n;
      n.language = "en";
      n.name = o.subject;
      n.city = "Unknown";
      n.country_name = "USA";
      md.mer_name_seq.push_back(n);
      md.mer_country = 840;
      req.merchant_data = md;
    }
  }
  OPENSET_TRY(auto key, crypto::PrivateKey::generate_rsa(pki::profile(*type).key_bits(*h.suite)));
  req.public_key = key.public_key();
  OPENSET_TRY(Bytes der, ca.issue(req));
  OPENSET_TRY(std::string key_pem, encrypt_key(key, pass, o));

  OPENSET_TRY(auto txn, repo.db().begin());
  store::IssuedRecord rec = record_of(o.ca, der, *type);
  OPENSET_CHECK(repo.insert_issued(rec));
  OPENSET_CHECK(files::create(o.out + ".key.pem", key_pem, 0600));
  OPENSET_CHECK(files::create(o.out + ".cert.pem", crypto::to_pem(der, "CERTIFICATE"), 0644));
  if (pan_secret)
    OPENSET_CHECK(files::create(o.out + ".pansecret", to_hex(ByteView(pan_secret->data(), pan_secret->size())) + "\n",
                                 0600));
  OPENSET_CHECK(txn.commit());
  out << "issued " << o.type << " serial " << to_hex(rec.serial) << " to " << rec.subject << "\n"
      << "  " << o.out << ".cert.pem, " << o.out << ".key.pem" << (pan_secret ? ", " + o.out + ".pansecret" : "")
      << "\n";
  return Ok{};
}

// ----------------------------------------------------------------------------------- revoke
Status do_revoke(const CaOptions& o, std::ostream& out) {
  OPENSET_TRY(auto repo, open_repo(o.dir));
  OPENSET_TRY(Hierarchy h, read_hierarchy(o.dir, repo));
  OPENSET_CHECK(check_ca(h, o.ca));
  OPENSET_TRY(Bytes serial, from_hex(o.serial));
  if (serial.empty()) return Error(Errc::kInvalidArgument, "give the serial (hex, as 'ca list' shows it) with --serial");
  OPENSET_TRY(std::string pass, passphrase(o));
  OPENSET_TRY(auto ca, load_ca(h, repo, o.ca, pass));
  const der::Time when = now(o);
  OPENSET_CHECK(repo.revoke(store::RevokedRecord{o.ca, serial, when.to_unix(), o.reason}));
  OPENSET_CHECK(ca.revoke(serial, when));
  out << "revoked " << o.ca << " serial " << to_hex(serial) << " at " << when.to_iso8601() << " (" << o.reason << ")\n";
  return Ok{};
}

// -------------------------------------------------------------------------------------- crl
Status do_crl(const CaOptions& o, std::ostream& out) {
  OPENSET_TRY(auto repo, open_repo(o.dir));
  OPENSET_TRY(Hierarchy h, read_hierarchy(o.dir, repo));
  OPENSET_CHECK(check_ca(h, o.ca));
  if (o.out.empty()) return Error(Errc::kInvalidArgument, "give the output file with --out FILE");
  OPENSET_TRY(std::string pass, passphrase(o));
  OPENSET_TRY(auto ca, load_ca(h, repo, o.ca, pass));
  Bytes der;
  std::int64_t number = o.crl_number;
  if (o.crl_number != 0) {
    OPENSET_TRY(der, ca.rebuild_crl(o.crl_number));
  } else {
    const der::Time t = now(o);
    const der::Time next = pki::add_days(t, o.crl_days);
    OPENSET_TRY(der, ca.issue_crl(t, next));
    number = ca.crls().back().number;
    OPENSET_CHECK(repo.insert_crl(store::CrlRow{o.ca, number, t.to_unix(), next.to_unix(), der}));
  }
  std::error_code ec;
  fs::remove(o.out, ec);
  OPENSET_CHECK(files::create(o.out, std::string_view(reinterpret_cast<const char*>(der.data()), der.size()), 0644));
  out << (o.crl_number != 0 ? "rebuilt" : "issued") << " CRL " << number << " of " << o.ca << " -> " << o.out << "\n";
  return Ok{};
}

// ------------------------------------------------------------------------------------- list
Status do_list(const CaOptions& o, std::ostream& out) {
  OPENSET_TRY(auto repo, open_repo(o.dir));
  OPENSET_TRY(auto records, repo.list());
  auto iso = [](std::int64_t t) { return der::Time::from_unix(t).to_iso8601(); };
  if (o.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : records) {
      nlohmann::json j{{"issuer", r.ca}, {"serial", to_hex(r.serial)}, {"type", r.cert_type},
                       {"subject", r.subject}, {"not_before", iso(r.not_before)}, {"not_after", iso(r.not_after)},
                       {"revoked", r.revoked_at.has_value()}};
      if (r.revoked_at) {
        j["revoked_at"] = iso(*r.revoked_at);
        j["reason"] = r.reason.value_or("");
      }
      arr.push_back(std::move(j));
    }
    out << arr.dump(2) << "\n";
    return Ok{};
  }
  out << fmt::format("{:<6} {:<8} {:<22} {:<20} {:<20} {:<8} {}\n", "issuer", "serial", "type", "not before",
                     "not after", "revoked", "subject");
  for (const auto& r : records)
    out << fmt::format("{:<6} {:<8} {:<22} {:<20} {:<20} {:<8} {}\n", r.ca, to_hex(r.serial), r.cert_type,
                       iso(r.not_before), iso(r.not_after), r.revoked_at ? "yes" : "no", r.subject);
  return Ok{};
}

template <class F>
int run(std::string_view cmd, F f, const CaOptions& o, std::ostream& out, std::ostream& err) {
  Status s = f(o, out);
  return s.ok() ? kExitOk : fail(err, cmd, s.error());
}

}  // namespace

int run_ca_init(const CaOptions& o, std::ostream& out, std::ostream& err) { return run("init", do_init, o, out, err); }
int run_ca_issue(const CaOptions& o, std::ostream& out, std::ostream& err) { return run("issue", do_issue, o, out, err); }
int run_ca_revoke(const CaOptions& o, std::ostream& out, std::ostream& err) {
  return run("revoke", do_revoke, o, out, err);
}
int run_ca_crl(const CaOptions& o, std::ostream& out, std::ostream& err) { return run("crl", do_crl, o, out, err); }
int run_ca_list(const CaOptions& o, std::ostream& out, std::ostream& err) { return run("list", do_list, o, out, err); }

}  // namespace openset::app

// Key files: generated, written and read back; the roles of a zone's keys;
// and every way a key file can be wrong, each a "file: what" error.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "base/file.h"
#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/canonical.h"
#include "dns/dnssec/ds.h"
#include "dns/dnssec/keys.h"
#include "dns/wire/name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/dnssec/dnssec_test_util.h"

namespace {

using namespace dns::dnssec;  // NOLINT
using ::testing::HasSubstr;
namespace fs = std::filesystem;

std::string Wire(const std::string& text) {
  std::string w;
  EXPECT_TRUE(dns::NameFromText(text, &w));
  return w;
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}
std::string Read(const std::string& path) { return *base::ReadFile(path); }

TEST(DnskeyTextTest, Forms) {
  auto k = ParseDnskeyText(
      "; This is a key-signing key, keyid 45377, for example.com.\n"
      "; Created: 20261207195210 (Mon Dec  7 19:52:10 2026)\n"
      "example.com. IN DNSKEY 257 3 13 ugxYmIrJfo/OH5disB0fCXlhBZBItXp8EHOTSeGS/H+/DT1CaYQIDi3u "
      "Xl2EvdfXWaRVd+8vp5s17wvPI3higQ==\n");
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(k->owner, Wire("example.com."));
  EXPECT_EQ(k->flags, 257);
  EXPECT_EQ(k->algorithm, 13);
  EXPECT_EQ(k->public_key.size(), 64u);
  EXPECT_FALSE(k->has_ttl);
  EXPECT_TRUE(k->sep());

  auto t = ParseDnskeyText("Example.NET.\t3600\tIN\tDNSKEY\t256 3 15 VK4vz6Kx47vJqk+kr5Gdy+Q6TPs/6WAXpWv2WdOeUnI= ;{id = 2229 (zsk), size = 256b}\n");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->owner, Wire("example.net."));
  EXPECT_TRUE(t->has_ttl);
  EXPECT_EQ(t->ttl, 3600u);
  auto p = ParseDnskeyText("example.net. IN 300 DNSKEY 256 3 15 (\n VK4vz6Kx47vJqk+kr5Gdy+\n Q6TPs/6WAXpWv2WdOeUnI= )\n");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->public_key, t->public_key);
  EXPECT_EQ(DnskeyText(*t), "example.net. 3600 IN DNSKEY 256 3 15 VK4vz6Kx47vJqk+kr5Gdy+Q6TPs/6WAXpWv2WdOeUnI=");

  EXPECT_THAT(ParseDnskeyText("").status().message(), HasSubstr("no DNSKEY record"));
  EXPECT_THAT(ParseDnskeyText("example.com IN DNSKEY 256 3 13 AAAA").status().message(),
              HasSubstr("not an absolute name"));
  EXPECT_THAT(ParseDnskeyText("example.com. IN DS 1 13 2 AAAA").status().message(),
              HasSubstr("expected a DNSKEY record, found 'DS'"));
  EXPECT_THAT(ParseDnskeyText("example.com. IN DNSKEY 256 3 13").status().message(),
              HasSubstr("needs flags, protocol, algorithm and a public key"));
  EXPECT_THAT(ParseDnskeyText("example.com. IN DNSKEY 70000 3 13 AAAA").status().message(),
              HasSubstr("bad DNSKEY flags '70000'"));
  EXPECT_THAT(ParseDnskeyText("example.com. IN DNSKEY 256 3 13 !!!!").status().message(),
              HasSubstr("not valid base64"));
}

TEST(KeyFilesTest, GenerateWriteLoadRoundTrip) {
  steer_test::TempDir dir;
  const int64_t now = 1796000000;
  auto ksk = GenerateKeyPair(Wire("Example.TEST."), algorithm::kEd25519, true, now);
  ASSERT_TRUE(ksk.ok()) << ksk.status();
  ASSERT_TRUE(WriteKeyPair(dir.path(), &*ksk).ok());
  EXPECT_EQ(fs::path(ksk->key_path).filename().string(),
            KeyFileBaseName(Wire("example.test."), 15, ksk->key_tag) + ".key");
  EXPECT_THAT(ksk->key_path, HasSubstr("Kexample.test.+015+"));
  struct stat st;
  ASSERT_EQ(stat(ksk->private_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_THAT(Read(ksk->private_path), HasSubstr("Private-key-format: v1.3\nAlgorithm: 15 (ED25519)\nPrivateKey: "));
  EXPECT_THAT(Read(ksk->private_path), HasSubstr("Created: 20261130005320\n"));  // 1796000000
  // Writing the same key again is refused: never overwrite a private key.
  KeyPair again = *ksk;
  EXPECT_EQ(WriteKeyPair(dir.path(), &again).code(), absl::StatusCode::kAlreadyExists);

  // One key: a CSK, whatever its SEP flag.
  auto keys = LoadKeyDirectory(dir.path());
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 1u);
  const std::vector<KeyPair>& zone = keys->at(Wire("example.test."));
  ASSERT_EQ(zone.size(), 1u);
  EXPECT_EQ(zone[0].role, KeyRole::kCsk);
  EXPECT_EQ(zone[0].key_tag, ksk->key_tag);
  EXPECT_EQ(zone[0].dnskey.Rdata(), ksk->dnskey.Rdata());
  EXPECT_EQ(zone[0].timing.created, now);
  EXPECT_EQ(zone[0].timing.activate, now);
  EXPECT_EQ(zone[0].private_key->public_key(), ksk->private_key->public_key());

  // A ZSK beside it: KSK and ZSK.
  auto zsk = GenerateKeyPair(Wire("example.test."), algorithm::kEcdsaP256Sha256, false, now);
  ASSERT_TRUE(zsk.ok());
  ASSERT_TRUE(WriteKeyPair(dir.path(), &*zsk).ok());
  keys = LoadKeyDirectory(dir.path());
  ASSERT_TRUE(keys.ok()) << keys.status();
  for (const KeyPair& k : keys->at(Wire("example.test."))) {
    EXPECT_EQ(k.role, k.key_tag == ksk->key_tag ? KeyRole::kKsk : KeyRole::kZsk) << k.key_path;
  }
  // Two ZSKs and no KSK: both CSKs.
  std::vector<KeyPair> two = {*zsk, *zsk};
  AssignRoles(&two);
  EXPECT_EQ(two[0].role, KeyRole::kCsk);
  EXPECT_STREQ(KeyRoleName(KeyRole::kZsk), "ZSK");
}

// CDS/CDNSKEY (RFC 7344) and the DS go to the KSKs, or to the CSKs.
TEST(KeyFilesTest, ChildSyncRecordsOfTheSecureEntryPoints) {
  auto ksk = GenerateKeyPair(Wire("example.test."), algorithm::kEd25519, true, 1);
  auto zsk = GenerateKeyPair(Wire("example.test."), algorithm::kEcdsaP256Sha256, false, 1);
  ASSERT_TRUE(ksk.ok() && zsk.ok());
  std::vector<KeyPair> zone = {*zsk, *ksk};
  AssignRoles(&zone);
  auto sync = MakeChildSyncRecords(zone);
  ASSERT_TRUE(sync.ok());
  ASSERT_EQ(sync->cds.size(), 1u);
  ASSERT_EQ(sync->cdnskey.size(), 1u);
  EXPECT_EQ(sync->cdnskey[0], ksk->dnskey.Rdata());
  EXPECT_EQ(sync->cds[0], *DsRdata(ksk->zone, ksk->dnskey.Rdata(), digest_type::kSha256));
  EXPECT_EQ(DsText(ksk->zone, sync->cds[0], "CDS").substr(0, 21), "example.test.\tIN\tCDS\t");
  // A lone ZSK is a CSK: it is the secure entry point.
  std::vector<KeyPair> csk = {*zsk};
  AssignRoles(&csk);
  sync = MakeChildSyncRecords(csk, digest_type::kSha384);
  ASSERT_TRUE(sync.ok());
  ASSERT_EQ(sync->cds.size(), 1u);
  EXPECT_EQ(sync->cds[0].size(), 4u + 48u);
  EXPECT_EQ(sync->cdnskey[0], zsk->dnskey.Rdata());
}

TEST(KeyFilesTest, TimingFieldsAreRead) {
  KeyTiming t;
  auto k = PrivateKey::Parse(
      "Private-key-format: v1.3\nAlgorithm: 15 (ED25519)\n"
      "PrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n"
      "Created: 20261207195210\nPublish: 20261207195211\nActivate: 20261207195212\n"
      "Inactive: 20270101000000\nDelete: 20270201000000\n",
      &t);
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(t.created, 1796673130);
  EXPECT_EQ(t.publish, 1796673131);
  EXPECT_EQ(t.activate, 1796673132);
  EXPECT_EQ(t.inactive, 1798761600);
  EXPECT_EQ(t.deleted, 1801440000);
}

// The errors of LoadKeyPair / LoadKeyDirectory: "file: what", no crash.
class KeyFileErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto a = GenerateKeyPair(Wire("example.test."), algorithm::kEcdsaP256Sha256, false, 1796000000);
    auto b = GenerateKeyPair(Wire("example.test."), algorithm::kEcdsaP256Sha256, false, 1796000000);
    ASSERT_TRUE(a.ok() && b.ok());
    a_ = *a;
    b_ = *b;
    ASSERT_TRUE(WriteKeyPair(dir_.path(), &a_).ok());
    ASSERT_TRUE(WriteKeyPair(other_.path(), &b_).ok());
  }
  // The error of loading the folder, which must name `file`.
  std::string Error(const std::string& file) {
    auto keys = LoadKeyDirectory(dir_.path());
    EXPECT_FALSE(keys.ok());
    const std::string msg(keys.status().message());
    EXPECT_THAT(msg, HasSubstr(file + ": ")) << msg;
    return msg;
  }
  steer_test::TempDir dir_, other_;
  KeyPair a_, b_;
};

TEST_F(KeyFileErrorsTest, KeyFileDoesNotParse) {
  Write(a_.key_path, "this is not a key\n");
  EXPECT_THAT(Error(a_.key_path), HasSubstr("owner 'this' is not an absolute name"));
}

TEST_F(KeyFileErrorsTest, PrivateKeyOfAnotherKey) {
  Write(a_.private_path, Read(b_.private_path));
  EXPECT_THAT(Error(a_.private_path), HasSubstr("the private key is not the one of the public key in "));
}

TEST_F(KeyFileErrorsTest, TagInFileNameDiffers) {
  const uint16_t wrong = static_cast<uint16_t>(a_.key_tag + 1);
  const std::string base = dir_.path() + "/" + KeyFileBaseName(a_.zone, 13, wrong);
  fs::rename(a_.key_path, base + ".key");
  fs::rename(a_.private_path, base + ".private");
  EXPECT_THAT(Error(base + ".key"),
              HasSubstr("the file name says key tag " + std::to_string(wrong) +
                        ", the DNSKEY's key tag is " + std::to_string(a_.key_tag)));
}

TEST_F(KeyFileErrorsTest, ZoneInFileNameDiffers) {
  const std::string base = dir_.path() + "/" + KeyFileBaseName(Wire("example.org."), 13, a_.key_tag);
  fs::rename(a_.key_path, base + ".key");
  fs::rename(a_.private_path, base + ".private");
  EXPECT_THAT(Error(base + ".key"),
              HasSubstr("the file name says zone 'example.org.', the DNSKEY's owner is example.test."));
}

TEST_F(KeyFileErrorsTest, FileNameNotBindStyle) {
  fs::rename(a_.key_path, dir_.path() + "/Kmykey.key");
  EXPECT_THAT(Error(dir_.path() + "/Kmykey.key"), HasSubstr("not K<zone>+<algorithm>+<key tag>.key"));
}

TEST_F(KeyFileErrorsTest, PrivateFileMissing) {
  fs::remove(a_.private_path);
  EXPECT_THAT(Error(a_.private_path), HasSubstr("cannot open"));
}

TEST_F(KeyFileErrorsTest, PrivateFileFormat) {
  Write(a_.private_path, "Private-key-format: v2.0\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: AAAA\n");
  EXPECT_THAT(Error(a_.private_path), HasSubstr("unsupported Private-key-format 'v2.0'"));
  Write(a_.private_path, "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: @@@\n");
  EXPECT_THAT(Error(a_.private_path), HasSubstr("PrivateKey is not valid base64"));
  Write(a_.private_path, "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\n");
  EXPECT_THAT(Error(a_.private_path), HasSubstr("no PrivateKey line"));
  Write(a_.private_path, "garbage\n");
  EXPECT_THAT(Error(a_.private_path), HasSubstr("line 1: expected 'Field: value'"));
  Write(a_.private_path, Read(b_.private_path) + "Created: yesterday\n");
  EXPECT_THAT(Error(a_.private_path), HasSubstr("bad Created time 'yesterday'"));
  // A zero scalar is no P-256 key.
  Write(a_.private_path, "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\n"
                         "PrivateKey: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
  EXPECT_THAT(Error(a_.private_path), HasSubstr("out of range"));
}

TEST_F(KeyFileErrorsTest, AlgorithmsDiffer) {
  Write(a_.private_path, "Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\n"
                         "PrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n");
  EXPECT_THAT(Error(a_.private_path), HasSubstr("algorithm 15, "));
}

TEST_F(KeyFileErrorsTest, UnsupportedAlgorithmAndNotAZoneKey) {
  const std::string base = dir_.path() + "/Kexample.test.+005+00001";
  Write(base + ".key", "example.test. IN DNSKEY 256 3 5 AwEAAb==\n");
  EXPECT_THAT(Error(base + ".key"), HasSubstr("algorithm 5 (RSASHA1) is not supported"));
  fs::remove(base + ".key");
  std::string text = Read(a_.key_path);
  text.replace(text.find(" 256 3 13 "), 10, " 0 3 13 ");
  Write(a_.key_path, text);
  EXPECT_THAT(Error(a_.key_path), HasSubstr("lack the ZONE bit"));
}

TEST_F(KeyFileErrorsTest, EveryBadFileIsListedAndNothingIsReturned) {
  // b_'s files, copied in: a good pair. Then two bad ones.
  fs::copy(b_.key_path, dir_.path());
  fs::copy(b_.private_path, dir_.path());
  Write(dir_.path() + "/Kbroken.test.+013+00001.key", "broken.test. IN DNSKEY 256 3 13 AAAA\n");
  Write(a_.private_path, "Private-key-format: v1.3\n");
  auto keys = LoadKeyDirectory(dir_.path());
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string msg(keys.status().message());
  EXPECT_THAT(msg, HasSubstr(a_.private_path + ": no Algorithm line"));
  EXPECT_THAT(msg, HasSubstr("Kbroken.test.+013+00001.key: "));
  EXPECT_EQ(std::count(msg.begin(), msg.end(), '\n'), 1) << msg;  // two lines
  // .ds files, .private without .key and other files are not keys.
  fs::remove(dir_.path() + "/Kbroken.test.+013+00001.key");
  Write(a_.private_path, Read(b_.private_path));
  fs::remove(a_.key_path);
  Write(dir_.path() + "/Kexample.test.+013+00002.ds", "x");
  Write(dir_.path() + "/README", "x");
  keys = LoadKeyDirectory(dir_.path());
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->begin()->second.size(), 1u);

  EXPECT_EQ(LoadKeyDirectory(dir_.path() + "/missing").status().code(), absl::StatusCode::kNotFound);
}

// Garbage in: an error, never a crash. Random octet changes, cuts and
// insertions into good key files and RDATA, a fixed seed.
TEST(KeyFilesTest, MangledInputIsAnErrorNotACrash) {
  auto pair = GenerateKeyPair(Wire("example.test."), algorithm::kEcdsaP256Sha256, true, 1796000000);
  ASSERT_TRUE(pair.ok());
  const std::string key_text = KeyFileText(*pair);
  const std::string private_text = *pair->private_key->PrivateFileText(pair->timing);
  const std::string soa("\x02ns\x07" "example\x00\x01h\x00" "12345678901234567890", 33);
  std::mt19937 rng(16);
  auto mangle = [&rng](std::string s) {
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < edits && !s.empty(); ++i) {
      const size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[at] = static_cast<char>(rng()); break;
        case 1: s.erase(at, 1 + rng() % 8); break;
        default: s.insert(at, 1, static_cast<char>(rng())); break;
      }
    }
    return s;
  };
  int key_ok = 0, private_ok = 0;
  for (int i = 0; i < 3000; ++i) {
    key_ok += ParseDnskeyText(mangle(key_text)).ok();
    KeyTiming t;
    private_ok += PrivateKey::Parse(mangle(private_text), &t).ok();
    std::string out;
    for (uint16_t type : {6, 15, 33, 35, 38, 46}) AppendCanonicalRdata(type, mangle(soa), &out);
    RrsigFields f;
    std::string_view sig;
    ParseRrsigRdata(mangle(std::string(40, '\x01')), &f, &sig);
  }
  // Some survive (a changed comment, a digit of a time): the rest are errors.
  EXPECT_LT(key_ok, 3000);
  EXPECT_LT(private_ok, 3000);
}

}  // namespace

TEST(KeyStateTest, TimingStepsThroughRfc7583States) {
  using dns::dnssec::KeyState;
  dns::dnssec::KeyTiming t;
  // No timing at all: a key that is simply there signs.
  EXPECT_EQ(dns::dnssec::KeyStateAt(t, 1000), KeyState::kActive);
  EXPECT_EQ(dns::dnssec::NextKeyEvent(t, 1000), 0);
  t.publish = 100;
  t.activate = 200;
  t.inactive = 300;
  t.deleted = 400;
  EXPECT_EQ(dns::dnssec::KeyStateAt(t, 99), KeyState::kGenerated);
  EXPECT_EQ(dns::dnssec::KeyStateAt(t, 100), KeyState::kPublished);
  EXPECT_EQ(dns::dnssec::KeyStateAt(t, 199), KeyState::kPublished);
  EXPECT_EQ(dns::dnssec::KeyStateAt(t, 200), KeyState::kActive);
  EXPECT_EQ(dns::dnssec::KeyStateAt(t, 300), KeyState::kRetired);
  EXPECT_EQ(dns::dnssec::KeyStateAt(t, 400), KeyState::kRemoved);
  EXPECT_EQ(dns::dnssec::NextKeyEvent(t, 50), 100);
  EXPECT_EQ(dns::dnssec::NextKeyEvent(t, 100), 200);
  EXPECT_EQ(dns::dnssec::NextKeyEvent(t, 250), 300);
  EXPECT_EQ(dns::dnssec::NextKeyEvent(t, 400), 0);
  EXPECT_TRUE(dns::dnssec::KeyPublished(dns::dnssec::KeyStateAt(t, 350)));
  EXPECT_FALSE(dns::dnssec::KeySigns(dns::dnssec::KeyStateAt(t, 350)));
  EXPECT_STREQ(dns::dnssec::KeyStateName(KeyState::kRetired), "retired");
}

namespace {

// RewriteKeyTiming: new timing in both files, the rest of the .private
// kept, each file replaced atomically, mode 0600 kept; a key file replaced
// by another key's is not rewritten.
TEST(KeyTimingRewriteTest, NewTimingIsReadBackAndTheRestIsKept) {
  steer_test::TempDir dir;
  auto zsk = GenerateKeyPair(Wire("example.test."), algorithm::kEcdsaP256Sha256, false, 1796000000);
  ASSERT_TRUE(zsk.ok());
  ASSERT_TRUE(WriteKeyPair(dir.path(), &*zsk).ok());
  // Metadata we do not know (BIND writes such lines) survives.
  Write(zsk->private_path, Read(zsk->private_path) + "SyncPublish: 20261130005320\n");
  ASSERT_EQ(chmod(zsk->private_path.c_str(), 0600), 0);
  const std::string before = Read(zsk->private_path);

  KeyPair changed = *zsk;
  changed.timing.inactive = 1796007200;
  changed.timing.deleted = 1796100000;
  changed.timing.publish = 0;  // unset: the line goes
  ASSERT_TRUE(RewriteKeyTiming(changed).ok());
  const std::string after = Read(zsk->private_path);
  EXPECT_THAT(after, HasSubstr("SyncPublish: 20261130005320\n"));
  EXPECT_THAT(after, HasSubstr("Inactive: 20261130025320\nDelete: 20261201044000\n"));
  EXPECT_THAT(after, ::testing::Not(HasSubstr("\nPublish: ")));
  EXPECT_EQ(after.substr(0, after.find("PrivateKey:")), before.substr(0, before.find("PrivateKey:")));
  EXPECT_THAT(Read(zsk->key_path), HasSubstr("; Inactive: 20261130025320 ("));
  struct stat st;
  ASSERT_EQ(stat(zsk->private_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 2u) << "no temporary file left";

  auto keys = LoadKeyDirectory(dir.path());
  ASSERT_TRUE(keys.ok()) << keys.status();
  const KeyTiming& t = keys->at(Wire("example.test.")).at(0).timing;
  EXPECT_EQ(t.created, 1796000000);
  EXPECT_EQ(t.publish, 0);
  EXPECT_EQ(t.activate, 1796000000);
  EXPECT_EQ(t.inactive, 1796007200);
  EXPECT_EQ(t.deleted, 1796100000);

  // Another key's files in its place: refused, nothing written.
  auto other = GenerateKeyPair(Wire("example.test."), algorithm::kEcdsaP256Sha256, false, 1796000000);
  ASSERT_TRUE(other.ok());
  auto other_text = other->private_key->PrivateFileText(other->timing);
  ASSERT_TRUE(other_text.ok());
  Write(zsk->private_path, *other_text);
  absl::Status s = RewriteKeyTiming(changed);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(zsk->private_path + ": holds another key"));
  EXPECT_EQ(Read(zsk->private_path), *other_text);
  // A missing file: the read error, naming it.
  ASSERT_EQ(std::remove(zsk->private_path.c_str()), 0);
  s = RewriteKeyTiming(changed);
  EXPECT_THAT(s.message(), HasSubstr(zsk->private_path + ": cannot open"));
}

}  // namespace

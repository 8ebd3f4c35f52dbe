#include "upstream/vault_keys.hpp"
#include "upstream/token_vault.hpp"
#include "store/stores.hpp"

#include "config/load.hpp"
#include "crypto/aead.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "support/test_temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sys/stat.h>

namespace gatehouse::upstream {
namespace {

const std::string kKeyA(32, 'a');
const std::string kKeyB(40, 'b');

TEST(Aead, SealsAndOpensWithTheSameKeyAndAssociatedData) {
  const std::string key = crypto::random_bytes(32);
  auto box = crypto::aead_seal(key, "grant gr_1", "secret token");
  EXPECT_EQ(box.size(), crypto::kAeadNonceBytes + 12 + crypto::kAeadTagBytes);
  EXPECT_EQ(crypto::aead_open(key, "grant gr_1", box), "secret token");
  EXPECT_EQ(box.find("secret token"), std::string::npos);
}

TEST(Aead, EverySealUsesAFreshNonce) {
  const std::string key = crypto::random_bytes(32);
  EXPECT_NE(crypto::aead_seal(key, "a", "same"), crypto::aead_seal(key, "a", "same"));
}

TEST(Aead, RefusesATamperedCiphertextTagOrNonce) {
  const std::string key = crypto::random_bytes(32);
  const auto box = crypto::aead_seal(key, "ad", "the plaintext");
  for (std::size_t i = 0; i < box.size(); ++i) {
    auto altered = box;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    EXPECT_EQ(crypto::aead_open(key, "ad", altered), std::nullopt) << "byte " << i;
  }
  EXPECT_EQ(crypto::aead_open(key, "ad", box.substr(0, box.size() - 1)), std::nullopt);
  EXPECT_EQ(crypto::aead_open(key, "ad", ""), std::nullopt);
}

TEST(Aead, RefusesAnotherKeyOrAssociatedData) {
  const std::string key = crypto::random_bytes(32);
  const auto box = crypto::aead_seal(key, "grant gr_1", "token");
  EXPECT_EQ(crypto::aead_open(crypto::random_bytes(32), "grant gr_1", box), std::nullopt);
  EXPECT_EQ(crypto::aead_open(key, "grant gr_2", box), std::nullopt);
  EXPECT_EQ(crypto::aead_open(key, "", box), std::nullopt);
}

TEST(Aead, EmptyPlaintextRoundTrips) {
  const std::string key = crypto::random_bytes(32);
  EXPECT_EQ(crypto::aead_open(key, "", crypto::aead_seal(key, "", "")), "");
}

TEST(VaultKeys, SealedValueNamesItsKeyAndOpensOnlyForItsGrant) {
  auto keys = VaultKeys::from_secrets(kKeyA);
  auto sealed = keys.seal("gr_1", "tokens");
  EXPECT_TRUE(sealed.starts_with("v1." + keys.active_id() + "."));
  EXPECT_EQ(keys.open("gr_1", sealed), "tokens");
  EXPECT_EQ(keys.open("gr_2", sealed), std::nullopt);
  EXPECT_TRUE(keys.sealed_with_active(sealed));
}

TEST(VaultKeys, WrongKeyOpensNothing) {
  auto sealed = VaultKeys::from_secrets(kKeyA).seal("gr_1", "tokens");
  EXPECT_EQ(VaultKeys::from_secrets(kKeyB).open("gr_1", sealed), std::nullopt);
}

TEST(VaultKeys, RotatedKeyStillOpensWhatItSealedAndNewSealsUseTheNewKey) {
  auto old_keys = VaultKeys::from_secrets(kKeyA);
  auto sealed = old_keys.seal("gr_1", "tokens");
  auto rotated = VaultKeys::from_secrets(kKeyB, {kKeyA});
  EXPECT_EQ(rotated.open("gr_1", sealed), "tokens");
  EXPECT_FALSE(rotated.sealed_with_active(sealed));
  auto resealed = rotated.seal("gr_1", "tokens");
  EXPECT_TRUE(rotated.sealed_with_active(resealed));
  EXPECT_EQ(old_keys.open("gr_1", resealed), std::nullopt);
}

TEST(VaultKeys, TamperedSealedTextOpensNothing) {
  auto keys = VaultKeys::from_secrets(kKeyA);
  auto sealed = keys.seal("gr_1", "tokens");
  auto altered = sealed;
  altered[altered.size() - 3] = altered[altered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(keys.open("gr_1", altered), std::nullopt);
  EXPECT_EQ(keys.open("gr_1", "v2" + sealed.substr(2)), std::nullopt);
  EXPECT_EQ(keys.open("gr_1", "garbage"), std::nullopt);
}

TEST(VaultKeys, FromTheEnvironmentWithPreviousKeys) {
  const auto a = crypto::random_bytes(32), b = crypto::random_bytes(32);
  std::map<std::string, std::string> env{{"GATEHOUSE_SECRET_KEY", crypto::base64url_encode(b)},
                                         {"GATEHOUSE_SECRET_KEY_PREVIOUS", crypto::base64url_encode(a) + ","}};
  auto lookup = [&](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional(it->second);
  };
  store::testing::TempDir dir;
  auto keys = VaultKeys::load(dir.path(), lookup);
  EXPECT_EQ(keys.source(), "GATEHOUSE_SECRET_KEY");
  EXPECT_EQ(keys.open("g", VaultKeys::from_secrets(a).seal("g", "x")), "x");
  EXPECT_TRUE(keys.sealed_with_active(VaultKeys::from_secrets(b).seal("g", "x")));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "keys" / "upstream-vault.key"));
}

TEST(VaultKeys, ShortOrMalformedEnvironmentKeyIsAConfigErrorNamingTheVariable) {
  store::testing::TempDir dir;
  auto with = [](std::string value) {
    return [value](const char* name) -> std::optional<std::string> {
      if (std::string_view(name) == "GATEHOUSE_SECRET_KEY") return value;
      return std::nullopt;
    };
  };
  try {
    VaultKeys::load(dir.path(), with(crypto::base64url_encode("too short")));
    FAIL() << "a short key was accepted";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("GATEHOUSE_SECRET_KEY"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("at least 32"), std::string::npos) << e.what();
  }
  EXPECT_THROW(VaultKeys::load(dir.path(), with("not base64 !!")), config::ConfigError);
}

TEST(VaultKeys, KeyFileIsCreatedPrivateAndReusedOnTheNextStart) {
  store::testing::TempDir dir;
  auto none = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  auto first = VaultKeys::load(dir.path(), none);
  auto sealed = first.seal("gr_1", "tokens");
  const auto file = dir.path() / "keys" / "upstream-vault.key";
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto second = VaultKeys::load(dir.path(), none);
  EXPECT_EQ(second.open("gr_1", sealed), "tokens");
  EXPECT_EQ(second.active_id(), first.active_id());
}

TEST(VaultKeys, PreviousKeyFileOpensValuesOfTheRotatedKey) {
  store::testing::TempDir dir;
  auto none = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  const auto old_secret = crypto::random_bytes(32);
  auto sealed = VaultKeys::from_secrets(old_secret).seal("gr_1", "tokens");
  VaultKeys::load(dir.path(), none);  // creates the new active key
  std::ofstream(dir.path() / "keys" / "upstream-vault.previous") << crypto::base64url_encode(old_secret) << "\n";
  EXPECT_EQ(VaultKeys::load(dir.path(), none).open("gr_1", sealed), "tokens");
}

}  // namespace
}  // namespace gatehouse::upstream

namespace gatehouse::upstream {
namespace {

TEST(VaultKeys, RotateKeyFileKeepsTheOldKeyForOpening) {
  store::testing::TempDir dir;
  auto none = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  auto before = VaultKeys::load(dir.path(), none);
  auto sealed = before.seal("gr_1", "tokens");
  auto after = VaultKeys::rotate_key_file(dir.path(), none);
  EXPECT_NE(after.active_id(), before.active_id());
  EXPECT_EQ(after.open("gr_1", sealed), "tokens");
  EXPECT_FALSE(after.sealed_with_active(sealed));
  auto twice = VaultKeys::rotate_key_file(dir.path(), none);
  EXPECT_EQ(twice.open("gr_1", sealed), "tokens") << "every earlier key stays";
  EXPECT_EQ(VaultKeys::load(dir.path(), none).active_id(), twice.active_id());
}

TEST(VaultKeys, RotateKeyFileRefusesWhenTheKeyComesFromTheEnvironment) {
  store::testing::TempDir dir;
  auto env = [](const char* name) -> std::optional<std::string> {
    if (std::string_view(name) == "GATEHOUSE_SECRET_KEY") return std::string(44, 'A');
    return std::nullopt;
  };
  try {
    VaultKeys::rotate_key_file(dir.path(), env);
    FAIL() << "rotated a key that comes from the environment";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("GATEHOUSE_SECRET_KEY_PREVIOUS"), std::string::npos) << e.what();
  }
}

TEST(TokenVault, ResealAllMovesEveryRecordToTheActiveKey) {
  auto stores = store::open_memory_stores();
  TokenVault old_vault(*stores.upstream_tokens, VaultKeys::from_secrets(kKeyA), nullptr, {});
  boost::json::object values{{"api_key", "secret"}};
  old_vault.put_pending("gr_1", "u1", nullptr, nullptr, values);
  old_vault.put_pending("gr_2", "u1", nullptr, nullptr, values);
  TokenVault vault(*stores.upstream_tokens, VaultKeys::from_secrets(kKeyB, {kKeyA}), nullptr, {});
  auto count = vault.reseal_all();
  EXPECT_EQ(count.resealed, 2u);
  EXPECT_EQ(count.unreadable, 0u);
  auto only_new = VaultKeys::from_secrets(kKeyB);
  for (const char* id : {"gr_1", "gr_2"}) {
    auto record = stores.upstream_tokens->find(id);
    ASSERT_TRUE(record);
    EXPECT_TRUE(only_new.sealed_with_active(record->sealed));
    EXPECT_TRUE(only_new.open(id, record->sealed)) << "opens without the old key";
  }
  EXPECT_EQ(vault.reseal_all().current, 2u) << "nothing left to do";
  TokenVault stranger(*stores.upstream_tokens, VaultKeys::from_secrets(std::string(32, 'z')), nullptr, {});
  EXPECT_EQ(stranger.reseal_all().unreadable, 2u);
}

}  // namespace
}  // namespace gatehouse::upstream

#include "runtime/secret_file.hpp"

#include "config/load.hpp"
#include "support/child_process.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

namespace gatehouse::runtime {
namespace {

namespace fs = std::filesystem;

class SecretFile : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("gatehouse-secret-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root);
    fs::create_directories(root);
  }
  void TearDown() override { fs::remove_all(root); }
  fs::path root;
};

mode_t mode_of(const fs::path& path) {
  struct stat st{};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST_F(SecretFile, CreatedOnceThenReadBack) {
  auto path = root / "keys" / "ui.key";
  auto created = load_or_create_secret(path);
  EXPECT_EQ(created.size(), 32u);
  EXPECT_EQ(load_or_create_secret(path), created);
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(root / "keys"), 0700u);
}

// H4: a key file that cannot be written whole (EFBIG past RLIMIT_FSIZE, as
// ENOSPC on a full disk) is an error naming the file, and leaves nothing
// behind: no short key that would stop every later start, no temporary file.
TEST_F(SecretFile, H4_FailedCreationLeavesNoPartialKey) {
  auto path = root / "keys" / "ui.key";
  int status = testing::in_child_process([&] {
    testing::limit_file_size(10);
    try {
      load_or_create_secret(path);
    } catch (const config::ConfigError& e) {
      return std::string(e.what()).find("ui.key") != std::string::npos ? 0 : 2;
    }
    return 1;
  });
  EXPECT_EQ(status, 0) << "1: no error; 2: the error does not name the file";
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(root / "keys"));
  // The next start creates the key normally.
  EXPECT_EQ(load_or_create_secret(path).size(), 32u);
}

TEST_F(SecretFile, H4_ShortKeyIsRefusedWithTheRemedy) {
  auto path = root / "short.key";
  { std::ofstream(path) << "c2hvcnQ\n"; }
  try {
    load_or_create_secret(path);
    FAIL() << "a short key was accepted";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("delete it to have a new one created"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gatehouse::runtime

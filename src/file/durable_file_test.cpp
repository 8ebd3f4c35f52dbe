#include "file/durable_file.hpp"

#include "support/child_process.hpp"
#include "support/files.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace gatehouse::file {
namespace {

namespace fs = std::filesystem;
using testing::names_in;
using testing::slurp;

mode_t mode_of(const fs::path& path) {
  struct stat st{};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

class DurableFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("gatehouse-file-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
};

// H4: a write that fails part-way (EFBIG past RLIMIT_FSIZE, as ENOSPC on a
// full disk) throws, leaves the old file byte for byte, and no temporary file.
TEST_F(DurableFile, H4_FailedWriteKeepsOldFileAndLeavesNoTemporary) {
  auto path = dir / "state.json";
  write_atomically(path, "{\"old\":true}");
  for (std::size_t size : {std::size_t{1500}, std::size_t{64 * 1024}}) {
    int status = testing::in_child_process([&] {
      testing::limit_file_size(1024);
      try {
        write_atomically(path, std::string(size, 'x'));
      } catch (const FileError& e) {
        return e.error_number() == EFBIG ? 0 : 2;
      }
      return 1;
    });
    EXPECT_EQ(status, 0) << size << " bytes: 1 = success reported, 2 = another error";
    EXPECT_EQ(slurp(path), "{\"old\":true}");
    EXPECT_EQ(names_in(dir), std::vector<std::string>{"state.json"});
  }
}

// H4: a file that cannot be created at all names the file and the reason.
TEST_F(DurableFile, H4_MissingDirectoryIsReported) {
  try {
    write_atomically(dir / "absent" / "state.json", "{}");
    FAIL() << "no error";
  } catch (const FileError& e) {
    EXPECT_EQ(e.error_number(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("state.json"), std::string::npos) << e.what();
  }
}

TEST_F(DurableFile, H4_ReplacesWholeFileWithExactMode) {
  auto path = dir / "state.json";
  auto old_mask = ::umask(0);
  write_atomically(path, "first version, longer");
  write_atomically(path, "second");
  ::umask(old_mask);
  EXPECT_EQ(slurp(path), "second");
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"state.json"});
  write_atomically(path, "third", 0640);
  EXPECT_EQ(mode_of(path), 0640u);
}

// H4: creation never replaces an existing file (two processes starting at
// once both end up with the first one's key).
TEST_F(DurableFile, H4_CreateKeepsExistingFile) {
  auto path = dir / "secret.key";
  EXPECT_TRUE(create_atomically(path, "winner"));
  EXPECT_FALSE(create_atomically(path, "loser"));
  EXPECT_EQ(slurp(path), "winner");
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"secret.key"});
}

// H4: a create that fails part-way leaves nothing behind, so the next start
// creates the file again rather than reading half a key.
TEST_F(DurableFile, H4_FailedCreateLeavesNothing) {
  auto path = dir / "secret.key";
  int status = testing::in_child_process([&] {
    testing::limit_file_size(16);
    try {
      create_atomically(path, std::string(100, 'k'));
    } catch (const FileError&) {
      return 0;
    }
    return 1;
  });
  EXPECT_EQ(status, 0);
  EXPECT_TRUE(names_in(dir).empty());
}

TEST_F(DurableFile, H4_ReadDistinguishesMissingFromUnreadable) {
  EXPECT_EQ(read_if_exists(dir / "absent"), std::nullopt);
  write_atomically(dir / "present", "");
  EXPECT_EQ(read_if_exists(dir / "present"), std::optional<std::string>(""));
  fs::create_directories(dir / "a-directory");
  EXPECT_THROW(read_if_exists(dir / "a-directory"), FileError);
}

// L11: private directories are 0700 whatever the umask, and an existing
// directory with looser permissions is tightened.
TEST_F(DurableFile, L11_PrivateDirectoryIs0700) {
  auto old_mask = ::umask(0);
  make_private_directory(dir / "a" / "b");
  ::umask(old_mask);
  EXPECT_EQ(mode_of(dir / "a" / "b"), 0700u);
  fs::create_directories(dir / "loose");
  fs::permissions(dir / "loose", fs::perms(0755), fs::perm_options::replace);
  make_private_directory(dir / "loose");
  EXPECT_EQ(mode_of(dir / "loose"), 0700u);
  write_atomically(dir / "file", "x");
  EXPECT_THROW(make_private_directory(dir / "file"), FileError);
}

}  // namespace
}  // namespace gatehouse::file

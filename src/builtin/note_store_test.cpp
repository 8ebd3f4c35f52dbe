// The demo's note store: durable saves, refusal of damaged files, private
// modes, and one user's slow file never holding up another user.
#include "builtin/note_store.hpp"

#include "support/child_process.hpp"
#include "support/files.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <atomic>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

namespace gatehouse::builtin {
namespace {

namespace fs = std::filesystem;
using testing::names_in;
using testing::slurp;

// Whether thread `tid` of this process is asleep in the kernel.
bool sleeping(pid_t tid) {
  if (tid == 0) return false;
  auto stat = slurp("/proc/self/task/" + std::to_string(tid) + "/stat");
  auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'S';
}

class NoteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("gatehouse-notes-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root);
    fs::create_directories(root);
  }
  void TearDown() override { fs::remove_all(root); }

  fs::path root;
  fs::path dir() const { return root / "notes"; }
};

// H4: a save that cannot be written whole (here: the file size limit, which
// fails the write with EFBIG as a full disk fails it with ENOSPC) reports an
// error, and the user's existing notes stay exactly as they were: no short
// file renamed into place, no temporary file left behind.
TEST_F(NoteStoreTest, H4_FailedSaveReportsErrorAndKeepsOldFile) {
  NoteStore store(dir());
  store.put("alice", "shopping", "milk");
  auto path = store.path_for("alice");
  auto before = slurp(path);
  ASSERT_FALSE(before.empty());

  // Smaller than the stream buffer, larger than the limit: the bytes would
  // only reach the file at the final flush.
  int status = testing::in_child_process([&] {
    testing::limit_file_size(1024);
    try {
      store.put("alice", "essay", std::string(3000, 'x'));
    } catch (const std::exception&) {
      return 0;  // the failure was reported
    }
    return 1;
  });
  EXPECT_EQ(status, 0) << "the failed save was reported as a success";
  EXPECT_EQ(slurp(path), before);
  EXPECT_EQ(names_in(dir()), std::vector<std::string>{path.filename().string()});
  EXPECT_EQ(store.load("alice").at("shopping").as_string(), "milk");
}

// H4: a store file that does not parse is refused, never read as "no notes"
// and then overwritten by the next save.
TEST_F(NoteStoreTest, H4_DamagedStoreIsRefusedNotOverwritten) {
  NoteStore store(dir());
  store.put("alice", "shopping", "milk");
  auto path = store.path_for("alice");
  for (std::string damaged : {std::string("{\"shopping\": \"mi"), std::string(), std::string("[1,2]")}) {
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << damaged;
    }
    EXPECT_THROW(store.load("alice"), std::runtime_error) << damaged;
    EXPECT_THROW(store.put("alice", "errands", "call bob"), std::runtime_error) << damaged;
    EXPECT_THROW(store.remove("alice", "shopping"), std::runtime_error) << damaged;
    EXPECT_EQ(slurp(path), damaged);
  }
  // Other users are unaffected.
  store.put("bob", "errands", "call alice");
  EXPECT_EQ(store.load("bob").at("errands").as_string(), "call alice");
}

// L11: notes are private to the server's account, whatever the umask.
TEST_F(NoteStoreTest, L11_FilesAre0600InA0700Directory) {
  auto old_mask = ::umask(0);
  NoteStore store(dir());
  store.put("alice", "shopping", "milk");
  ::umask(old_mask);
  struct stat st{};
  ASSERT_EQ(::stat(dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(store.path_for("alice").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// L11: a notes directory made by an older version with the umask's mode is
// tightened on the next save.
TEST_F(NoteStoreTest, L11_ExistingLooseDirectoryIsTightened) {
  fs::create_directories(dir());
  fs::permissions(dir(), fs::perms(0755), fs::perm_options::replace);
  NoteStore store(dir());
  store.put("alice", "shopping", "milk");
  struct stat st{};
  ASSERT_EQ(::stat(dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

// L11: while one user's store is slow (here its file is a FIFO nobody writes
// to, so opening it blocks), another user's notes are read and saved.
TEST_F(NoteStoreTest, L11_OneUsersSlowFileDoesNotBlockOthers) {
  NoteStore store(dir());
  store.put("bob", "errands", "call alice");
  auto slow = store.path_for("alice");
  ASSERT_EQ(::mkfifo(slow.c_str(), 0600), 0);

  std::atomic<pid_t> stuck_thread{0};
  auto stuck = std::async(std::launch::async, [&] {
    stuck_thread = static_cast<pid_t>(::syscall(SYS_gettid));
    try {
      store.load("alice");
    } catch (const std::exception&) {
    }
  });
  // Opening the FIFO for writing lets alice's reader go (ENXIO when no
  // reader waits). Runs before the futures are destroyed, whatever happens.
  struct Release {
    const fs::path& fifo;
    void operator()() const {
      int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
      if (writer >= 0) ::close(writer);
    }
    ~Release() { (*this)(); }
  } release{slow};

  // Start bob only once alice's reader sleeps in the kernel (state S).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline && !sleeping(stuck_thread)) std::this_thread::yield();
  bool alice_stuck = sleeping(stuck_thread);
  auto other = std::async(std::launch::async, [&] {
    store.put("bob", "errands", "call carol");
    return store.load("bob");
  });
  bool finished = other.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  release();
  stuck.wait();
  ASSERT_TRUE(alice_stuck);
  ASSERT_TRUE(finished) << "bob's save waited for alice's";
  EXPECT_EQ(other.get().at("errands").as_string(), "call carol");
}

}  // namespace
}  // namespace gatehouse::builtin

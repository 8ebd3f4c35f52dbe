#include "file/durable_file.hpp"

#include "crypto/random.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace gatehouse::file {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& path, int error_number) {
  throw FileError(what + " " + path.string() + ": " + std::strerror(error_number), error_number);
}

fs::path directory_of(const fs::path& path) {
  auto dir = path.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

// A descriptor closed on scope exit.
struct Descriptor {
  int fd = -1;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

// Makes the directory entries of `dir` (a rename, a link, a new file)
// durable: POSIX leaves them in memory until the directory is synced.
void sync_directory(const fs::path& dir) {
  Descriptor d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0) fail("cannot open the directory", dir, errno);
  if (::fsync(d.fd) != 0) fail("cannot sync the directory", dir, errno);
}

// The temporary file next to `path`, removed on scope exit unless kept.
class TemporaryFile {
 public:
  TemporaryFile(const fs::path& path, mode_t mode) {
    // A hidden name that says whose it is; O_EXCL never reuses one.
    for (int attempt = 0; attempt < 8; ++attempt) {
      path_ = directory_of(path) / ("." + path.filename().string() + ".tmp-" + crypto::random_hex(6));
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
      if (fd_ >= 0 || errno != EEXIST) break;
    }
    if (fd_ < 0) fail("cannot create a temporary file for", path, errno);
    created_ = true;
    // open() applies the umask; the file gets exactly `mode`. (A throwing
    // constructor runs no destructor: clean up here.)
    if (::fchmod(fd_, mode) != 0) {
      int error_number = errno;
      ::close(fd_);
      ::unlink(path_.c_str());
      fail("cannot set the mode of", path_, error_number);
    }
  }
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (created_) ::unlink(path_.c_str());
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  // Every byte written, on disk, and the descriptor closed without error
  // (NFS and some other file systems report write errors only at close).
  void write_all(std::string_view content) {
    while (!content.empty()) {
      ssize_t n = ::write(fd_, content.data(), content.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        fail("cannot write", path_, errno);
      }
      if (n == 0) fail("cannot write", path_, EIO);
      content.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::fsync(fd_) != 0) fail("cannot sync", path_, errno);
    int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) fail("cannot close", path_, errno);
  }

  const fs::path& path() const { return path_; }
  // The file now lives under its final name (or is gone): do not remove.
  void keep() { created_ = false; }

 private:
  fs::path path_;
  int fd_ = -1;
  bool created_ = false;
};

}  // namespace

void write_atomically(const fs::path& path, std::string_view content, mode_t mode) {
  TemporaryFile temp(path, mode);
  temp.write_all(content);
  if (::rename(temp.path().c_str(), path.c_str()) != 0) fail("cannot replace", path, errno);
  temp.keep();
  sync_directory(directory_of(path));
}

bool create_atomically(const fs::path& path, std::string_view content, mode_t mode) {
  TemporaryFile temp(path, mode);
  temp.write_all(content);
  // link(2), unlike rename(2), fails with EEXIST instead of replacing: the
  // first of two racing creators wins, and the file appears complete.
  if (::link(temp.path().c_str(), path.c_str()) != 0) {
    if (errno == EEXIST) return false;
    fail("cannot create", path, errno);
  }
  sync_directory(directory_of(path));
  return true;
}

std::optional<std::string> read_if_exists(const fs::path& path) {
  Descriptor d{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (d.fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail("cannot open", path, errno);
  }
  struct stat st{};
  if (::fstat(d.fd, &st) != 0) fail("cannot read", path, errno);
  if (!S_ISREG(st.st_mode)) throw FileError(path.string() + " is not a regular file", EINVAL);
  std::string content;
  content.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[16 * 1024];
  for (;;) {
    ssize_t n = ::read(d.fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot read", path, errno);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
  }
  return content;
}

void make_private_directory(const fs::path& dir) {
  std::error_code ec;
  if (auto parent = dir.parent_path(); !parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec) throw FileError("cannot create the directory " + parent.string() + ": " + ec.message(), ec.value());
  }
  bool created = ::mkdir(dir.c_str(), 0700) == 0;
  if (!created && errno != EEXIST) fail("cannot create the directory", dir, errno);
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0) fail("cannot inspect the directory", dir, errno);
  if (!S_ISDIR(st.st_mode)) throw FileError(dir.string() + " is not a directory", ENOTDIR);
  // mkdir(2) applies the umask; an older directory may be group-readable.
  if ((st.st_mode & 0777) != 0700 && ::chmod(dir.c_str(), 0700) != 0)
    fail("cannot make the directory private:", dir, errno);
  if (created) sync_directory(directory_of(dir));
}

}  // namespace gatehouse::file

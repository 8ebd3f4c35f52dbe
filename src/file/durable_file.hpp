#pragma once
// The small files Gatehouse keeps in its data directory (notes, key files):
// read whole, and written so that a reader only ever finds the old content
// or the new content complete, and a reported success means the bytes are
// on disk.
//
// A write goes to a new temporary file in the same directory (O_EXCL, the
// final mode), checks every write, fsyncs the file, checks close, renames it
// over the target and fsyncs the directory (rename(2) is atomic within one
// file system; the directory fsync makes the rename itself durable). On any
// failure the temporary file is removed and FileError is thrown: a short
// file (ENOSPC, EFBIG, EIO at the final flush) is never renamed into place.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gatehouse::file {

// what() names the file, the step and the OS reason.
class FileError : public std::runtime_error {
 public:
  FileError(std::string message, int error_number)
      : std::runtime_error(std::move(message)), error_number_(error_number) {}
  int error_number() const noexcept { return error_number_; }

 private:
  int error_number_;
};

// Replaces (or creates) `path` with `content`, with permissions `mode`
// whatever the umask.
void write_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode = 0600);

// Creates `path` with `content` and `mode` unless it exists; false (and
// nothing written) when it already did. Two processes racing to create the
// same file: exactly one wins, the other reads the winner's file.
bool create_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode = 0600);

// The whole content of the regular file `path`; nullopt when it does not
// exist. Anything else that keeps it from being read (permissions, I/O
// error, a directory or FIFO in its place) throws FileError.
std::optional<std::string> read_if_exists(const std::filesystem::path& path);

// Creates `dir` (and missing parents) so that only the owner may enter it
// (0700), and takes group and other permissions away from an existing one.
void make_private_directory(const std::filesystem::path& dir);

}  // namespace gatehouse::file

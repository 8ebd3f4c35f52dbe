#pragma once
// Revoked grant ids and access-token ids (JWT "jti"), kept until the tokens
// they cover have expired. Access tokens are verified locally, so resource
// servers keep the revoked ids in memory and refresh that set by asking for
// everything revoked since their last look (DESIGN.md "Hot path rule").
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::store {

enum class RevocationKind {
  grant,  // a Grant::id: every access token carrying it is revoked
  token,  // one access token's jti (RFC 7009 revocation of an access token)
};

constexpr std::string_view to_string(RevocationKind kind) {
  return kind == RevocationKind::grant ? "grant" : "token";
}
constexpr std::optional<RevocationKind> parse_revocation_kind(std::string_view text) {
  if (text == "grant") return RevocationKind::grant;
  if (text == "token") return RevocationKind::token;
  return std::nullopt;
}

struct Revocation {
  std::string id;  // grant id or jti; random, so unique across both kinds
  RevocationKind kind = RevocationKind::token;
  std::int64_t revoked_at = 0;  // Unix seconds; what revoked_since compares
  std::int64_t expires_at = 0;  // kept while now < expires_at: the latest
                                // expiry of any access token it covers

  bool operator==(const Revocation&) const = default;
};

// All operations are safe to call from several threads; they block on disk
// I/O in persistent implementations and throw StoreError when storage fails.
class RevocationStore {
 public:
  virtual ~RevocationStore() = default;

  // Records the revocation at `now`. True when the id was not revoked yet.
  // Revoking it again keeps the kind and the later expiry; when that moves
  // expires_at, revoked_at becomes `now` so pollers see the new expiry.
  virtual bool revoke(std::string_view id, RevocationKind kind, std::int64_t expires_at, std::int64_t now) = 0;
  // Whether the id is recorded (until remove_expired takes it away).
  virtual bool is_revoked(std::string_view id) = 0;
  // Revocations with revoked_at >= since (inclusive, so one in the same
  // second as the previous poll is not missed; duplicates are harmless in a
  // set), ordered by revoked_at, then id. since = 0 lists all.
  virtual std::vector<Revocation> revoked_since(std::int64_t since) = 0;
  // Removes revocations with expires_at <= now. Returns the count.
  virtual std::size_t remove_expired(std::int64_t now) = 0;
};

}  // namespace gatehouse::store

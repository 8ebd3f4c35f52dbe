#include "oauth/context.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

#include <spdlog/spdlog.h>

namespace gatehouse::oauth {

std::string token_hash(std::string_view secret) { return crypto::hex_encode(crypto::sha256(secret)); }

void revoke_grant(ServerContext& ctx, const std::string& grant_id, std::string reason) {
  if (grant_id.empty()) return;
  auto now = ctx.now();
  ctx.stores.grants->revoke_grant(grant_id, now);
  // Access tokens of the grant live at most this long; after that the
  // revocation record is no longer needed.
  ctx.stores.revocations->revoke(grant_id, store::RevocationKind::grant,
                                 now + ctx.settings.access_token_lifetime.count() + 60, now);
  ctx.revoked.add(grant_id, std::move(reason));
  spdlog::info("grant {} revoked", grant_id);
  if (ctx.grant_hooks.revoked) ctx.grant_hooks.revoked(grant_id);
}

}  // namespace gatehouse::oauth

#pragma once
// RequestContext's view of the token vault (include/gatehouse/upstream.hpp):
// a tool asks for the caller's upstream token; the vault answers from
// memory or refreshes (token_vault.hpp).
#include "upstream/token_vault.hpp"

#include <gatehouse/upstream.hpp>

namespace gatehouse::upstream {

class VaultCredentials final : public UpstreamCredentials {
 public:
  explicit VaultCredentials(TokenVault& vault) : vault_(vault) {}

  boost::asio::awaitable<UpstreamToken> token(const Principal& principal) override;
  boost::asio::awaitable<UpstreamIdentity> identity(const Principal& principal) override;
  std::string userinfo_endpoint() override;
  boost::asio::awaitable<boost::json::object> connection(const Principal& principal) override;
  boost::asio::awaitable<boost::json::value> userinfo(const Principal& principal) override;

  // Everything the vault holds for the principal's grant in one shared,
  // immutable answer (the gateway's template values); throws as token()
  // when `need_token` and there is no upstream sign-in.
  boost::asio::awaitable<std::shared_ptr<const Access>> access(const Principal& principal, bool need_token);

 private:
  TokenVault& vault_;
};

}  // namespace gatehouse::upstream

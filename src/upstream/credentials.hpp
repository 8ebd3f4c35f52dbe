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

 private:
  boost::asio::awaitable<Access> access(const Principal& principal, bool need_token);
  TokenVault& vault_;
};

}  // namespace gatehouse::upstream

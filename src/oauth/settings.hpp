#pragma once
// What the authorization server and the protected resource are: their
// public URLs, scopes and lifetimes. Derived once from the configuration.
#include <chrono>
#include <string>
#include <vector>

namespace gatehouse::oauth {

struct Settings {
  // The issuer (RFC 8414 §2): the public base URL, no trailing slash, e.g.
  // https://mcp.example.com. Endpoints live at its origin paths (INTEROP AS4).
  std::string issuer;
  // The protected resource (RFC 9728): the MCP endpoint's exact URL, e.g.
  // https://mcp.example.com/mcp (INTEROP RS5: not the bare origin).
  std::string resource;
  // Scopes this resource knows. `offline_access` is added to the AS
  // metadata only (INTEROP RS5, MO5: never in PRM or challenges).
  std::vector<std::string> scopes = {"mcp"};
  // What a token gets when the client asks for no known scope (AZ5).
  std::vector<std::string> default_scopes = {"mcp"};
  std::chrono::seconds access_token_lifetime{3600};
  std::chrono::seconds code_lifetime{600};                  // AZ8: at most 10 minutes
  std::chrono::seconds refresh_idle_lifetime{30 * 24 * 3600};    // sliding
  std::chrono::seconds refresh_absolute_lifetime{90 * 24 * 3600};  // cap on a grant
  std::chrono::seconds refresh_reuse_grace{30};             // TK4
  // Client ID Metadata Documents. Advertised only when the client resolver
  // can fetch them: Claude picks CIMD whenever it is advertised (AS3).
  bool client_id_metadata_documents = false;

  std::string endpoint(std::string_view path) const { return issuer + std::string(path); }
};

}  // namespace gatehouse::oauth

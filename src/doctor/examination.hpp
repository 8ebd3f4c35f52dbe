#pragma once
// The state one doctor run builds up as its stages go: what discovery
// found, which client Claude would use, the token of an interactive
// sign-in. Each stage (stages.hpp) reads what the earlier ones left.
#include "doctor/doctor.hpp"
#include "doctor/findings.hpp"
#include "doctor/probe.hpp"
#include "doctor/target.hpp"

#include <boost/json/object.hpp>

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::doctor {

// Claude's auth types (INTEROP AS3), in the words of Claude's documentation.
enum class ClaudeAuthType { unknown, none, oauth_cimd, oauth_dcr, oauth_anthropic_creds, unusable };
std::string_view to_string(ClaudeAuthType type);

// Claude's own client (INTEROP CI5; pinned/claude-ai.json).
inline constexpr std::string_view kClaudeClientId = "https://claude.ai/oauth/mcp-oauth-client-metadata";
inline constexpr std::string_view kClaudeCallback = "https://claude.ai/api/mcp/auth_callback";
inline constexpr std::string_view kClaudeComCallback = "https://claude.com/api/mcp/auth_callback";

struct Examination {
  Examination(const Options& options, Target target, net::OutboundPolicy policy, std::ostream& err)
      : options(options), target(std::move(target)), prober(std::move(policy)), err(err) {}

  const Options& options;
  Target target;
  Prober prober;
  Findings findings;
  std::ostream& err;

  // The first answer of the MCP URL to an unauthenticated initialize.
  std::optional<Exchange> first;
  bool reachable = false;     // some answer came back from the MCP URL
  bool needs_auth = false;    // it answered 401
  bool redirects = false;     // it answered with a redirect
  // The MCP URL refused requests without Origin (transport.origin); later
  // requests send the server's own origin so that the other checks run.
  std::string origin;

  // Discovery (auth.*).
  std::vector<std::string> challenge_scopes;  // scope= of the 401 challenge
  std::optional<boost::json::object> prm;
  std::optional<boost::json::object> as;      // authorization server metadata
  std::string issuer;
  std::string authorization_endpoint, token_endpoint, registration_endpoint, revocation_endpoint;
  bool iss_supported = false;
  ClaudeAuthType auth_type = ClaudeAuthType::unknown;

  // Clients the probe registered, to delete at the end (RFC 7592).
  struct Registered {
    std::string client_id, configuration_uri, access_token;
  };
  std::vector<Registered> registered;
  std::string dcr_client_id;  // a DCR client with Claude's callback, for the authorize probe

  // After an interactive sign-in.
  std::string flow_client_id;
  std::string access_token, refresh_token;

  // The scope a client like Claude requests: the challenge's, else the
  // metadata's scopes_supported (MCP 2025-11-25 authorization "Scope Selection Strategy").
  std::string requested_scope() const;
  // An Authorization header value for the probe's client when it is
  // confidential (client_secret_basic), else "".
  std::string client_authorization(std::string_view client_id) const;
};

}  // namespace gatehouse::doctor

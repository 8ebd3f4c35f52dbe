#pragma once
// MCP protocol revisions this server speaks (MCP basic/lifecycle "Version
// Negotiation"; basic/transports "Protocol Version Header").
#include <array>
#include <string_view>

namespace gatehouse::mcp {

inline constexpr std::string_view kLatestSessionVersion = "2025-11-25";
// When a session request carries no MCP-Protocol-Version header the server
// assumes 2025-03-26 (MCP 2025-06-18 basic/transports).
inline constexpr std::string_view kAssumedVersion = "2025-03-26";

// Initialization-based revisions, newest first.
inline constexpr std::array<std::string_view, 3> kSessionVersions = {"2025-11-25", "2025-06-18", "2025-03-26"};

constexpr bool is_session_version(std::string_view v) {
  for (auto s : kSessionVersions)
    if (s == v) return true;
  return false;
}

// The revision answered to an initialize that asked for `requested`: the same
// when supported, else the latest (the client then decides whether to go on).
constexpr std::string_view negotiate_session_version(std::string_view requested) {
  return is_session_version(requested) ? requested : kLatestSessionVersion;
}

// The stateless revision: no initialize, no sessions; every request carries
// its version and the client's capabilities in params._meta.
inline constexpr std::string_view kStatelessVersion = "2026-07-28";

// Every revision this server speaks, newest first (server/discover
// supportedVersions and the -32022 error's data.supported).
inline constexpr std::array<std::string_view, 4> kAllVersions = {"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"};

constexpr bool is_stateless_version(std::string_view v) { return v == kStatelessVersion; }

// JSON-RPC batches exist only in 2025-03-26 (removed in 2025-06-18).
constexpr bool allows_batches(std::string_view v) { return v == "2025-03-26"; }

}  // namespace gatehouse::mcp

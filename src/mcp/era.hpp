#pragma once
// The protocol era a request is served in.
namespace gatehouse::mcp {

enum class Era {
  session,    // 2025-03-26 … 2025-11-25: initialize, sessions
  stateless,  // 2026-07-28: every request stands alone
};

}  // namespace gatehouse::mcp

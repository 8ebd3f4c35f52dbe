#pragma once
// Resource identifiers (RFC 8707) compared the way clients actually send them
// (INTEROP RS4): scheme and host case-insensitive, default ports dropped, and
// `https://h/mcp`, `https://h/mcp/` — and `https://h/` for a server at the
// root — naming the same resource. A fragment is never allowed (RFC 8707 §2).
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::oauth {

// The canonical form used for comparison: lowercase scheme and host, no
// default port, no trailing slash on the path (the root path is empty), no
// query. nullopt when `uri` is not an absolute http(s) URI or has a fragment.
std::optional<std::string> canonical_resource(std::string_view uri);

// True when both name the same resource after canonicalisation.
bool same_resource(std::string_view a, std::string_view b);

}  // namespace gatehouse::oauth

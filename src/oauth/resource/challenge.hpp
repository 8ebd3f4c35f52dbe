#pragma once
// WWW-Authenticate challenges of the protected resource (RFC 6750 §3,
// RFC 9728 §5.1; INTEROP RS2, RS3).
#include "oauth/error.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::oauth {

// Bearer resource_metadata="...", scope="..." and, when a token was sent and
// refused, error="..." (RS2: no error when nothing was sent).
std::string bearer_challenge(std::string_view resource_metadata_url, const std::vector<std::string>& scopes,
                             const std::optional<Error>& error = std::nullopt);

}  // namespace gatehouse::oauth

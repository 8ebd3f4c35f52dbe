#pragma once
// The rules of [login] and [login.provider] that involve several keys, and
// the provider settings they make (presets applied, the client secret read
// from its environment variable). docs/upstream.md documents the keys.
#include "config/config.hpp"
#include "upstream/allowlist.hpp"
#include "upstream/provider_settings.hpp"

#include <functional>
#include <optional>
#include <string>

namespace gatehouse::config {

// Throws ConfigError naming where the offending key was set and the fix.
void check_login(const Config& config);

// Upstream sign-in is on ([login] method "upstream" or "both").
bool upstream_login(const Config& config);

// The provider with its preset's defaults under what the file says. Throws
// ConfigError naming the variable when the client secret is not set.
upstream::ProviderSettings provider_settings(
    const Config& config, const std::function<std::optional<std::string>(const char*)>& environment);

upstream::Allowlist allowlist(const Config& config);

}  // namespace gatehouse::config

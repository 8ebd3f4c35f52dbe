#pragma once
// The rules of [connect] and its [[connect.field]] tables (the connect form,
// Claude's custom_connection; docs/upstream.md "Connect forms").
#include "config/config.hpp"

namespace gatehouse::config {

// Throws ConfigError naming the field's file and line and the fix: field
// names ([a-z][a-z0-9_]*, unique), kinds, patterns that compile, URL
// schemes and hosts, and check_url / check_headers templates that use only
// {connection.NAME} of declared fields (and {env.NAME}).
void check_connect(const Config& config);

}  // namespace gatehouse::config

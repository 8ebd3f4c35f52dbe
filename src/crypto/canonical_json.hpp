#pragma once
// JSON text for digests: object keys sorted at every level, no whitespace,
// one text per value, so a digest does not depend on the order a client
// wrote its keys in (the binding of a 2026-07-28 requestState to its
// request, the fingerprint that deduplicates identical DCR registrations).
#include <boost/json/value.hpp>

#include <string>

namespace gatehouse::crypto {

std::string canonical_json(const boost::json::value& value);

}  // namespace gatehouse::crypto

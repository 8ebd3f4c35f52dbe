#pragma once
// Loopback hosts, in the two senses the protocols give the word. Both take a
// host as it is written in a URL or a Host header (IPv6 in brackets).
//
//   is_loopback_host         any name of this machine's loopback interface:
//                            "localhost" (any letter case, RFC 6761 §6.3),
//                            127.0.0.0/8 in dotted-quad form, and [::1] in
//                            any IPv6 spelling. For Origin and Host checks
//                            (TR2: a page or a rebinding name on this
//                            machine) and for allowing an http public_url.
//   is_native_loopback_host  exactly the hosts a native app's loopback
//                            redirect URI names (RFC 8252 §7.3, §8.3):
//                            "127.0.0.1", "[::1]" and "localhost" as
//                            written. Redirect URIs are compared as strings
//                            (AZ3), so only these spellings are loopback.
#include <string_view>

namespace gatehouse::net {

bool is_loopback_host(std::string_view host);
bool is_native_loopback_host(std::string_view host);

}  // namespace gatehouse::net

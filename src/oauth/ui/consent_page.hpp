#pragma once
// The consent page of /authorize (web/consent.html; AZ6): which application
// asks, how this server knows it, where the access goes, and what it
// covers, with Allow and Deny — and "Not you?" to sign out.
#include "net/http.hpp"
#include "oauth/ui/flow_page.hpp"

#include <string>

namespace gatehouse::oauth::ui {

struct ConsentPage {
  FlowPage flow;
  std::string client_id;
  // How the client came to be known: "preregistered" (by the operator),
  // "dynamic" (RFC 7591, registered itself) or "cimd" (a Client ID Metadata
  // Document, published at `verified_host`).
  std::string client_kind;
  std::string verified_host;
  std::string username;
  bool loopback_only = false;  // every redirect URI the client has is loopback
  std::string scope;           // space-separated (RFC 6749 §3.3)
  std::string resource;        // RFC 8707: the server the access is for
};

net::Reply consent_page(const ConsentPage& page);

}  // namespace gatehouse::oauth::ui

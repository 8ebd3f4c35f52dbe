#pragma once
// The connect form's page (web/connect.html; [connect], docs/upstream.md
// "Connect forms"): after sign-in and before consent, the fields the
// operator asks each user to fill in while connecting.
#include "net/form.hpp"
#include "net/http.hpp"
#include "oauth/ui/flow_page.hpp"
#include "upstream/connect_form.hpp"

#include <string>
#include <vector>

namespace gatehouse::oauth::ui {

struct ConnectPage {
  FlowPage flow;
  const upstream::ConnectForm& connect;  // its title, description and fields
  std::string username;
  // What was posted, to refill the non-secret fields after a mistake; null
  // on the first showing.
  const net::Form* entered = nullptr;
  std::vector<upstream::FieldProblem> problems;  // shown beside their fields
  std::string notice;                            // e.g. the check's refusal; empty: none
};

net::Reply connect_page(const ConnectPage& page, net::http::status status = net::http::status::ok);

}  // namespace gatehouse::oauth::ui

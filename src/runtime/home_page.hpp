#pragma once
// What a person who opens the server's address in a browser sees: a page
// saying this is an MCP server, its MCP URL, how it signs people in, and how
// to connect Claude and Claude Code. Programs asking `/` for anything other
// than HTML keep getting the JSON 404 every unrouted path answers, so no
// client starts depending on a page.
#include "net/router.hpp"

#include <string>
#include <string_view>

namespace gatehouse::runtime {

struct HomePage {
  std::string title;    // the backend's title or name, e.g. "Gatehouse demo"
  std::string name;     // a short name for `claude mcp add NAME URL`
  std::string mcp_url;  // the public MCP endpoint, e.g. https://mcp.example.com/mcp
  std::string auth;     // "none", "oauth" or "api-key"
};

// Whether an Accept header lists text/html with a non-zero quality (RFC 9110
// §12.5.1). A wildcard does not count: curl sends */* and wants no page.
bool accepts_html(std::string_view accept);

// The page, rendered in web/layout.html. Nothing secret and no account names.
std::string render_home_page(const HomePage& page);

// Routes GET / (the page for browsers, else the JSON 404) and the stylesheet
// the server's pages link, /assets/gatehouse.css.
void install_home_page(net::Router& router, HomePage page);

}  // namespace gatehouse::runtime

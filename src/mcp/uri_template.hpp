#pragma once
// Matching URIs against RFC 6570 templates for resources/read. Only simple
// string expansion ({var}, RFC 6570 §3.2.2) is matched: a variable binds a
// non-empty run of characters other than '/', which is what MCP resource
// templates use in practice.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::mcp {

class UriTemplate {
 public:
  explicit UriTemplate(std::string_view text);

  // The bound variables (percent-decoded) when `uri` matches, else nullopt.
  std::optional<std::map<std::string, std::string>> match(std::string_view uri) const;
  const std::vector<std::string>& variables() const noexcept { return variables_; }

 private:
  struct Part {
    bool is_variable;
    std::string text;  // literal text, or the variable's name
  };
  std::vector<Part> parts_;
  std::vector<std::string> variables_;
};

}  // namespace gatehouse::mcp

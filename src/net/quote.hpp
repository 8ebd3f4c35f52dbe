#pragma once
// A value as an error message shows it: in double quotes, on one line,
// quotes, backslashes and control characters escaped, a very long value
// shortened — so that a message about a bad value can always be read, and
// the value cannot break the message (or a log line) apart.
#include <string>
#include <string_view>

namespace gatehouse::net {

std::string quote(std::string_view s);

}  // namespace gatehouse::net

#pragma once
// Reading a request's Content-Type (RFC 9110 §8.3: type/subtype followed by
// `;`-separated parameters; type, subtype, parameter names and the charset
// value are case-insensitive; a value is a token or a quoted-string).
#include <string>
#include <string_view>

namespace gatehouse::net {

enum class JsonContentType {
  json,                 // application/json, no charset or charset=utf-8
  not_json,             // another media type, or none
  unsupported_charset,  // application/json in another encoding
};

// RFC 8259 §8.1: JSON exchanged between systems is UTF-8, and the body is
// parsed as UTF-8; §11 defines no charset parameter, so one that says
// anything but utf-8 (utf-16, latin1) announces bytes we would misread.
JsonContentType json_content_type(std::string_view content_type);

// The media type without parameters, lower case (RFC 9110 §8.3.1):
// "Text/Event-Stream; charset=utf-8" -> "text/event-stream".
std::string media_type_essence(std::string_view content_type);

// True for application/x-www-form-urlencoded, in any letter case and with
// any parameters (RFC 9110 §8.3.1): the body of OAuth token, revocation and
// introspection requests (RFC 6749 §4.1.3) and of HTML forms.
bool is_form_content_type(std::string_view content_type);

}  // namespace gatehouse::net

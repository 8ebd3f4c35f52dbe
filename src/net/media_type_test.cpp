#include "net/media_type.hpp"

#include <gtest/gtest.h>

namespace gatehouse::net {
namespace {

// L9: the body is parsed as UTF-8, so a Content-Type announcing another
// encoding is refused (415) instead of misread; utf-8 itself is fine in any
// case and quoted or not.
TEST(MediaType, L9_CharsetOtherThanUtf8IsRefused) {
  struct Case {
    const char* content_type;
    JsonContentType expected;
  };
  const Case cases[] = {
      {"application/json", JsonContentType::json},
      {"Application/JSON", JsonContentType::json},
      {"application/json; charset=utf-8", JsonContentType::json},
      {"application/json;charset=UTF-8", JsonContentType::json},
      {"application/json; charset=\"utf-8\"", JsonContentType::json},
      {"application/json ; CHARSET = \"Utf-8\" ", JsonContentType::json},
      {"application/json; foo=\"a;b\"; charset=utf-8", JsonContentType::json},
      {"application/json; boundary", JsonContentType::json},
      {"application/json; charset=utf-16", JsonContentType::unsupported_charset},
      {"application/json; charset=\"UTF-16LE\"", JsonContentType::unsupported_charset},
      {"application/json; charset=latin1", JsonContentType::unsupported_charset},
      {"application/json; charset=", JsonContentType::unsupported_charset},
      {"application/json; charset=utf-8; charset=utf-16", JsonContentType::unsupported_charset},
      {"application/json; foo=\"x;charset=utf-8\"; charset=utf-32", JsonContentType::unsupported_charset},
      {"text/plain", JsonContentType::not_json},
      {"application/jsonp", JsonContentType::not_json},
      {"application/json-seq", JsonContentType::not_json},
      {"", JsonContentType::not_json},
  };
  for (const auto& c : cases) EXPECT_EQ(json_content_type(c.content_type), c.expected) << c.content_type;
}

// TK1: a token request is a form in whatever letter case and with whatever
// parameters the client writes its Content-Type; nothing else is a form.
TEST(MediaType, TK1_FormContentType) {
  for (std::string_view type : {"application/x-www-form-urlencoded", "Application/X-WWW-Form-Urlencoded",
                                "application/x-www-form-urlencoded; charset=UTF-8", " application/x-www-form-urlencoded "})
    EXPECT_TRUE(is_form_content_type(type)) << type;
  for (std::string_view type : {"", "application/json", "application/x-www-form-urlencodedX", "multipart/form-data",
                                "text/plain; application/x-www-form-urlencoded"})
    EXPECT_FALSE(is_form_content_type(type)) << type;
  EXPECT_EQ(media_type_essence("Text/Event-Stream; charset=utf-8"), "text/event-stream");
}

}  // namespace
}  // namespace gatehouse::net

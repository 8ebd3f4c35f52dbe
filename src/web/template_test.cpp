#include "web/template.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace gatehouse::web {
namespace {

TEST(Template, InsertsValuesEscapedAndRaw) {
  EXPECT_EQ(render("<p>{{a}}</p>", {{"a", "x & y"}}), "<p>x &amp; y</p>");
  EXPECT_EQ(render("<p>{{{a}}}</p>", {{"a", "<b>bold</b>"}}), "<p><b>bold</b></p>");
  EXPECT_EQ(render("[{{missing}}]", {}), "[]");
}

TEST(Template, EscapesTheFiveCharactersOfOwaspRuleOne) {
  EXPECT_EQ(escape_html(R"(<a href="x" title='y'>&</a>)"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(escape_html("plain text, é"), "plain text, é");
}

TEST(Template, SectionShowsItsBodyForANonEmptyValue) {
  const std::string_view text = "a{{#notice}}<p>{{notice}}</p>{{/notice}}b";
  EXPECT_EQ(render(text, {{"notice", "Wrong"}}), "a<p>Wrong</p>b");
  EXPECT_EQ(render(text, {{"notice", ""}}), "ab");
  EXPECT_EQ(render(text, {}), "ab");
}

TEST(Template, InvertedSectionShowsItsBodyForAnEmptyOrAbsentValue) {
  const std::string_view text = "{{^required}} (optional){{/required}}";
  EXPECT_EQ(render(text, {}), " (optional)");
  EXPECT_EQ(render(text, {{"required", ""}}), " (optional)");
  EXPECT_EQ(render(text, {{"required", flag(true)}}), "");
  EXPECT_EQ(render(text, {{"required", flag(false)}}), " (optional)");
}

TEST(Template, ListSectionRepeatsItsBodyPerItem) {
  const std::string_view text = "<dd>{{#scopes}}<span>{{scope}}</span>{{/scopes}}{{^scopes}}none{{/scopes}}</dd>";
  EXPECT_EQ(render(text, {}, {{"scopes", {{{"scope", "mcp"}}, {{"scope", "a<b"}}}}}),
            "<dd><span>mcp</span><span>a&lt;b</span></dd>");
  EXPECT_EQ(render(text, {}, {{"scopes", {}}}), "<dd>none</dd>");
  EXPECT_EQ(render(text, {}), "<dd>none</dd>");
}

TEST(Template, ListItemsSeeTheirOwnValuesBeforeThePages) {
  const std::string_view text = "{{#fields}}{{name}}:{{who}};{{/fields}}";
  EXPECT_EQ(render(text, {{"who", "alice"}, {"name", "page"}},
                   {{"fields", {{{"name", "site"}}, {{"name", "key"}, {"who", "bob"}}}}}),
            "site:alice;key:bob;");
}

TEST(Template, SectionsNest) {
  const std::string_view text =
      "{{#fields}}[{{id}}{{#problem}} invalid{{#help}} +help{{/help}}{{/problem}}"
      "{{^problem}}{{^help}} bare{{/help}}{{/problem}}]{{/fields}}";
  List fields{{{"id", "a"}, {"problem", "Wrong"}, {"help", "Say more"}},
              {{"id", "b"}, {"problem", "Wrong"}, {"help", ""}},
              {{"id", "c"}, {"problem", ""}, {"help", ""}},
              {{"id", "d"}, {"problem", ""}, {"help", "Say more"}}};
  EXPECT_EQ(render(text, {}, {{"fields", fields}}), "[a invalid +help][b invalid][c bare][d]");
  EXPECT_EQ(render("{{#a}}{{#b}}ab{{/b}}{{^b}}a{{/b}}{{/a}}", {{"a", "1"}, {"b", "1"}}), "ab");
  EXPECT_EQ(render("{{#a}}{{#b}}ab{{/b}}{{^b}}a{{/b}}{{/a}}", {{"a", "1"}}), "a");
  EXPECT_EQ(render("{{#a}}{{#b}}ab{{/b}}{{^b}}a{{/b}}{{/a}}", {{"b", "1"}}), "");
}

TEST(Template, ASectionTagAloneOnItsLineTakesTheLine) {
  const std::string_view text = "<form>\n  {{#help}}\n  <p>{{help}}</p>\n  {{/help}}\n</form>\n";
  EXPECT_EQ(render(text, {{"help", "Say"}}), "<form>\n  <p>Say</p>\n</form>\n");
  EXPECT_EQ(render(text, {}), "<form>\n</form>\n");
  // Not alone: the line stays.
  EXPECT_EQ(render("a {{#x}}b{{/x}}\nc", {}), "a \nc");
  EXPECT_EQ(render("{{#x}}\nb\n{{/x}}", {{"x", "1"}}), "b\n");
}

TEST(Template, EscapesValuesInsideSectionsAndAttributes) {
  const std::string_view text = R"({{#value}}<input value="{{value}}">{{/value}})";
  EXPECT_EQ(render(text, {{"value", R"("><script>alert('x')</script>)"}}),
            R"(<input value="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;">)");
  // A value is never read as a template.
  EXPECT_EQ(render("{{a}}", {{"a", "{{#b}}"}, {"b", "1"}}), "{{#b}}");
}

TEST(Template, RefusesMalformedTemplates) {
  EXPECT_THROW(render("{{#a}}never closed", {}), std::logic_error);
  EXPECT_THROW(render("{{#a}}{{#b}}{{/a}}{{/b}}", {}), std::logic_error);
  EXPECT_THROW(render("{{/a}}", {}), std::logic_error);
  EXPECT_THROW(render("{{^a}}x{{/b}}", {}), std::logic_error);
  EXPECT_THROW(render("a tag {{left open", {}), std::logic_error);
  EXPECT_THROW(render("{{{raw}}", {}), std::logic_error);
  EXPECT_THROW(render("{{}}", {}), std::logic_error);
  EXPECT_THROW(render("{{#}}{{/}}", {}), std::logic_error);
}

// Every page template is well formed: a broken one fails here, not in front
// of a person signing in.
TEST(Template, EveryEmbeddedPageIsWellFormed) {
  std::size_t pages = 0;
  for (auto name : asset_names()) {
    if (!name.ends_with(".html")) continue;
    ++pages;
    EXPECT_NO_THROW(render_page(name, "Title", {})) << name;
  }
  EXPECT_GE(pages, 6u);
}

}  // namespace
}  // namespace gatehouse::web

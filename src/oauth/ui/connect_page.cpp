#include "oauth/ui/connect_page.hpp"

#include "net/url.hpp"
#include "web/html_response.hpp"
#include "web/template.hpp"

namespace gatehouse::oauth::ui {

namespace {

// A field's input type: secrets are masked, URLs get the URL keyboard.
std::string input_type(const upstream::ConnectField& field) {
  if (field.kind == "secret") return "password";
  if (field.kind == "url") return "url";
  return "text";
}

}  // namespace

net::Reply connect_page(const ConnectPage& page, net::http::status status) {
  web::List fields;
  for (const auto& f : page.connect.fields) {
    const std::string id = "field_" + f.name;  // validate_connection() reads these names
    std::string problem;
    for (const auto& p : page.problems)
      if (p.field == f.name) problem = p.message;
    // Secrets are never sent back to the browser, not even after a mistake.
    const std::string* value = page.entered && f.kind != "secret" ? page.entered->get(id) : nullptr;
    fields.push_back({{"id", id},
                      {"label", f.label.empty() ? f.name : f.label},
                      {"type", input_type(f)},
                      {"max_length", std::to_string(f.max_length)},
                      {"required", web::flag(f.required)},
                      {"secret", web::flag(f.kind == "secret")},
                      {"placeholder", f.placeholder},
                      {"entered", web::flag(value != nullptr)},
                      {"value", value ? *value : std::string()},
                      {"problem", problem},
                      {"help", f.help}});
  }
  std::string notice = page.notice;
  if (notice.empty() && !page.problems.empty()) notice = "Check the fields marked below.";
  auto html = web::render_page("connect.html", page.connect.title,
                               {{"title", page.connect.title},
                                {"description", page.connect.description},
                                {"client_name", page.flow.client_name},
                                {"username", page.username},
                                {"notice", notice},
                                {"request", page.flow.form.request},
                                {"csrf_token", page.flow.form.csrf_token}},
                               {{"fields", std::move(fields)}});
  return web::html_page(status, std::move(html), net::origin_of(page.flow.redirect_uri));
}

}  // namespace gatehouse::oauth::ui

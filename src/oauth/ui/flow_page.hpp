#pragma once
// What every page inside an authorization flow (sign-in, connect form,
// consent) shows and carries.
#include "oauth/ui/csrf.hpp"

#include <string>

namespace gatehouse::oauth::ui {

struct FlowPage {
  std::string client_name;  // the application asking
  // The client's redirect URI: the page's form-action admits its origin, as
  // browsers apply form-action to the redirect after a submission, and a
  // remembered consent or Allow answers the form with a 302 to it (AZ6).
  std::string redirect_uri;
  SealedForm form;
};

}  // namespace gatehouse::oauth::ui

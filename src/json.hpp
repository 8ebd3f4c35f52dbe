#pragma once
// Inside the project Boost.JSON is `json`. The public headers spell
// boost::json out instead, so that a program including them gets no alias
// it did not ask for.
#include <boost/json/fwd.hpp>

namespace gatehouse {
namespace json = boost::json;
}  // namespace gatehouse

#pragma once
// The doctor's report: a table for people, or one JSON document
// (docs/doctor.md "JSON output").
#include "doctor/check.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace gatehouse::doctor {

struct Report {
  std::string url;
  std::string claude_auth_type;
  std::vector<CheckResult> results;

  bool failed() const;
};

struct TableStyle {
  bool colour = false;
  bool verbose = false;  // evidence of passed checks too
};

void write_table(const Report& report, const TableStyle& style, std::ostream& out);
void write_json(const Report& report, std::ostream& out);
// The document printed when the doctor could not run (exit code 2).
void write_json_error(const std::string& url, const std::string& error, std::ostream& out);

}  // namespace gatehouse::doctor

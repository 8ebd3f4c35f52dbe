#include "runtime/data_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

namespace gatehouse::runtime {
namespace {

Getenv environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> const char* {
    auto it = values.find(name);
    return it == values.end() ? nullptr : it->second.c_str();
  };
}

TEST(OperatorExperience, StdioDataDirFollowsXdg) {
  EXPECT_EQ(per_user_data_dir(environment({{"XDG_DATA_HOME", "/x/data"}, {"HOME", "/home/u"}})),
            std::filesystem::path("/x/data/gatehouse"));
  EXPECT_EQ(per_user_data_dir(environment({{"HOME", "/home/u"}})),
            std::filesystem::path("/home/u/.local/share/gatehouse"));
  // The XDG spec: an empty XDG_DATA_HOME means unset, a relative one is invalid.
  EXPECT_EQ(per_user_data_dir(environment({{"XDG_DATA_HOME", ""}, {"HOME", "/home/u"}})),
            std::filesystem::path("/home/u/.local/share/gatehouse"));
  EXPECT_EQ(per_user_data_dir(environment({{"XDG_DATA_HOME", "data"}, {"HOME", "/home/u"}})),
            std::filesystem::path("/home/u/.local/share/gatehouse"));
  EXPECT_EQ(per_user_data_dir(environment({})), std::nullopt);
  EXPECT_EQ(per_user_data_dir(environment({{"HOME", "relative"}})), std::nullopt);
}

TEST(OperatorExperience, CreatingADataDirIsReportedOnce) {
  auto base = std::filesystem::path(testing::TempDir()) / ("gatehouse_data_dir_test_" + std::to_string(::getpid()));
  auto dir = base / "a" / "var";
  EXPECT_TRUE(create_data_dir(dir));
  EXPECT_TRUE(std::filesystem::is_directory(dir));
  EXPECT_FALSE(create_data_dir(dir)) << "an existing directory is not new";
  std::filesystem::remove_all(base);

  auto notice = new_data_dir_notice("relative/var");
  auto absolute = (std::filesystem::current_path() / "relative" / "var").string();
  EXPECT_EQ(notice, "gatehouse: created a new, empty data directory " + absolute +
                        " (no accounts, clients or keys from elsewhere are in it; pass --data-dir to use an existing "
                        "one)");
  EXPECT_EQ(notice.find('\n'), std::string::npos) << "one line";
}

}  // namespace
}  // namespace gatehouse::runtime

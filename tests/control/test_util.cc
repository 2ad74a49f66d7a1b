#include "tests/control/test_util.h"

#include <dirent.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace dns::control {

std::string MakeTempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp != nullptr ? tmp : "/tmp") + "/steer-control-XXXXXX";
  char* made = mkdtemp(templ.data());
  return made != nullptr ? std::string(made) : std::string();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> List(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") out.push_back(n);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ExamplePath(const std::string& file) {
  const char* src = std::getenv("STEER_SOURCE_DIR");
  return std::string(src != nullptr ? src : STEER_SOURCE_DIR_DEFAULT) + "/examples/" + file;
}

std::string MinimalZone(const std::string& origin, int serial) {
  std::ostringstream z;
  z << "$ORIGIN " << origin << "\n$TTL 300\n"
    << "@ IN SOA ns1 hostmaster " << serial << " 3600 600 86400 60\n"
    << "@ IN NS ns1\n"
    << "ns1 IN A 192.0.2.1\n"
    << "www IN A 192.0.2.10\n";
  return z.str();
}

std::string Batch(const std::string& action, const std::string& name, const std::string& ip) {
  return absl::StrCat(R"({"Changes":[{"Action":")", action,
                      R"(","ResourceRecordSet":{"Name":")", name,
                      R"(","Type":"A","TTL":300,"ResourceRecords":[{"Value":")", ip, R"("}]}}]})");
}

}  // namespace dns::control

// File: tests/control/test_util.h
//
// Small helpers for the dns/control tests: temp folders, whole-file I/O,
// and the paths of the bundled examples.
#ifndef STEERDNS_TESTS_CONTROL_TEST_UTIL_H_
#define STEERDNS_TESTS_CONTROL_TEST_UTIL_H_

#include <string>
#include <vector>

namespace dns::control {

// A fresh empty folder under $TMPDIR (or /tmp).
std::string MakeTempDir();
// Writes `text` to `path` (plain write, for setting up tests).
void WriteText(const std::string& path, const std::string& text);
// Whole file, or "" if unreadable.
std::string ReadText(const std::string& path);
// Names in a folder, sorted ("" entries never).
std::vector<std::string> List(const std::string& dir);
// $STEER_SOURCE_DIR/examples/<file> (falls back to the build-time source).
std::string ExamplePath(const std::string& file);
// A minimal valid master file for `origin` ("example.test.").
std::string MinimalZone(const std::string& origin, int serial = 1);
// A Route 53 change batch of one A record: {"Changes":[{"Action": action,
// ... "Name": name ... "Value": ip}]}.
std::string Batch(const std::string& action, const std::string& name, const std::string& ip);

}  // namespace dns::control

#endif  // STEERDNS_TESTS_CONTROL_TEST_UTIL_H_

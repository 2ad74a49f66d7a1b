// File: zones/read_file.h
//
// Reading a whole zone source file into memory (master files and Route 53
// JSON alike).
#ifndef STEERDNS_ZONES_READ_FILE_H_
#define STEERDNS_ZONES_READ_FILE_H_

#include <string>

namespace zones {

// Reads the file at `path` into `*out`. Returns 0, or the errno value that
// stopped it (EISDIR for a folder).
int ReadWholeFile(const std::string& path, std::string* out);

}  // namespace zones

#endif  // STEERDNS_ZONES_READ_FILE_H_

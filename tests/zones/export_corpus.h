// File: tests/zones/export_corpus.h
//
// The zones the export round-trip tests (zone_export_test.cc,
// zone_export_interop_test.cc) run over: the examples, combined as the
// README and the end-to-end tests serve them, and every master file and
// Route 53 JSON file under tests/ that loads as a zone on its own (broken
// fixtures are skipped, and so are files whose first line is "; expect-error:",
// tests/zones/parity/README.md; a new corpus is picked up without listing it).
#ifndef STEERDNS_TESTS_ZONES_EXPORT_CORPUS_H_
#define STEERDNS_TESTS_ZONES_EXPORT_CORPUS_H_

#include <memory>
#include <string>
#include <vector>

#include "zones/zone.h"

namespace zones_test {

// One zone of the corpus, loaded.
struct CorpusZone {
  std::string label;   // its files, relative to the source tree, joined by " + "
  std::string origin;  // presentation form, "example.com."
  std::shared_ptr<const zones::Zone> zone;
};

// The source tree: $STEER_SOURCE_DIR (ctest sets it), else the tree this
// test was built from.
std::string SourceDir();

// Every zone of the corpus, in a stable order. `skipped` (if not null)
// gets one line per file under tests/ that did not load, with the reason.
std::vector<CorpusZone> ExportCorpus(std::vector<std::string>* skipped = nullptr);

}  // namespace zones_test

#endif  // STEERDNS_TESTS_ZONES_EXPORT_CORPUS_H_

// Built against hio found with COMPONENTS engine (a doer in a Doist) or
// COMPONENTS replay (also a journal written and read back, so Cap'n Proto is
// linked and used). Either way hio/version.hpp says the version of the
// package found (HIO_PACKAGE_*, from hio_VERSION), and replay's
// engine_version() the same.
#include <hio/engine/engine.hpp>
#include <hio/version.hpp>

#include <cstdio>
#include <string>
#include <string_view>

static_assert(HIO_VERSION_MAJOR == HIO_PACKAGE_MAJOR);
static_assert(HIO_VERSION_MINOR == HIO_PACKAGE_MINOR);
static_assert(HIO_VERSION_PATCH == HIO_PACKAGE_PATCH);
static_assert(std::string_view(hio::kVersion) == HIO_PACKAGE_VERSION);
#if HIO_VERSION_MAJOR != HIO_PACKAGE_MAJOR || HIO_VERSION_MINOR != HIO_PACKAGE_MINOR
#error "hio/version.hpp's macros are not the package's version"
#endif

#if HIO_CONSUMER_REPLAY
#include <hio/replay/reader.hpp>
#include <hio/replay/writer.hpp>
#endif

namespace {

class Once : public hio::Doer {
 public:
  using Doer::Doer;

 protected:
  bool recur(hio::Tyme) override { return true; }
};

}  // namespace

int main() {
  Once once("once");
  hio::Doist doist;
  if (doist.run({&once}) != hio::RunEnd::done) return 1;
#if HIO_CONSUMER_REPLAY
  {
    hio::replay::JournalWriter writer("components.hioj");
    hio::replay::JournalHeader header;
    header.seed = 7;
    writer.write_header(header);
    writer.finish(hio::replay::RunSummary{});
  }
  hio::replay::JournalReader reader("components.hioj");
  while (reader.next() != nullptr) {
  }
  if (reader.header() == nullptr || reader.header()->seed != 7 || !reader.complete()) return 1;
  // The journal's engine_version is hio/version.hpp's.
  if (reader.header()->engine_version != std::string("hio ") + hio::kVersion) return 1;
  std::printf("components: engine and replay, hio %s\n", hio::kVersion);
#else
  std::printf("components: engine, hio %s\n", hio::kVersion);
#endif
  return 0;
}

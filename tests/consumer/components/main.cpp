// Built against hio found with COMPONENTS engine (a doer in a Doist) or
// COMPONENTS replay (also a journal written and read back, so Cap'n Proto is
// linked and used).
#include <hio/engine/engine.hpp>

#include <cstdio>

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
  std::puts("components: engine and replay");
#else
  std::puts("components: engine");
#endif
  return 0;
}

// Built against an installed hio: runs one doer and checks what it saw.
#include <hio/engine/engine.hpp>

#include <cstdio>

namespace {

class Counter : public hio::Doer {
 public:
  using Doer::Doer;
  int runs = 0;

 protected:
  bool recur(hio::Tyme) override { return ++runs == 3; }
};

}  // namespace

int main() {
  Counter counter("counter");
  hio::Doist doist;
  hio::RunEnd end = doist.run({&counter});
  std::printf("consumer: %d runs, %s\n", counter.runs, hio::to_string(end));
  return counter.runs == 3 && end == hio::RunEnd::done ? 0 : 1;
}

// The quickstart: three doers, one of each style, two of them in a group,
// run for half a second of virtual time. `make run` runs this.
#include <cstdio>

#include "hio/engine/engine.hpp"

namespace {

// A class doer: says hello every 1/8 s and is done after four times.
class Greeter : public hio::Doer {
 public:
  using Doer::Doer;

 protected:
  void enter() override {
    std::printf("%-6s %-8s enter\n", hio::format_seconds(tyme()).c_str(), name().c_str());
  }
  bool recur(hio::Tyme tyme) override {
    ++count_;
    std::printf("%-6s %-8s hello #%d\n", hio::format_seconds(tyme).c_str(), name().c_str(), count_);
    return count_ == 4;
  }
  void exit() override {
    std::printf("%-6s %-8s exit (done=%d)\n", hio::format_seconds(tyme()).c_str(), name().c_str(),
                done().value_or(false));
  }

 private:
  int count_ = 0;
};

// A coroutine doer: counts down every 1/16 s; its catch of Cease is where a
// forced close lands.
hio::Dog countdown(hio::Doer& self) {
  try {
    for (int n = 5; n > 0; --n) {
      hio::Tyme tyme = co_yield self.tock();
      std::printf("%-6s %-8s %d\n", hio::format_seconds(tyme).c_str(), self.name().c_str(), n);
    }
  } catch (const hio::Cease&) {
    std::printf("%-6s %-8s ceased\n", hio::format_seconds(self.tyme()).c_str(),
                self.name().c_str());
    throw;
  }
  std::printf("%-6s %-8s liftoff\n", hio::format_seconds(self.tyme()).c_str(), self.name().c_str());
  co_return true;
}

}  // namespace

int main() {
  using hio::Tock;
  Greeter greeter("greeter", Tock{125'000'000});
  auto counter = hio::doify(countdown, "counter", Tock{62'500'000});
  Greeter slow("slow", Tock{250'000'000});
  hio::DoDoer group("group", Tock{0}, {counter.get(), &slow});

  hio::Doist doist;  // tock 1/32 s
  hio::RunEnd end = doist.run({&greeter, &group}, Tock{500'000'000});
  std::printf("run ended (%s) at tyme %s s after %llu passes\n", hio::to_string(end),
              hio::format_seconds(doist.tyme()).c_str(),
              static_cast<unsigned long long>(doist.passes()));
  return 0;
}

// Test doers that record what happens to them into a shared trace, so tests
// can assert exact orders of lifecycle events across doers.
#pragma once

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hio/engine/engine.hpp"

namespace hio::test {

using Trace = std::vector<std::string>;

inline std::string stamp(const std::string& who, const std::string& what, Tyme tyme) {
  return who + " " + what + " " + format_seconds(tyme);
}

// hio's ExDoer: enter count 0, each recur count+1 and done when count > 3,
// exit and cease add count+1.
class ExDoer : public Doer {
 public:
  ExDoer(Trace& trace, std::string name, Tock tock) : Doer(std::move(name), tock), trace_(trace) {}

  int count = 0;
  std::vector<Tyme> recurs;
  std::optional<Tyme> exited_at;

 protected:
  void enter() override {
    count = 0;
    trace_.push_back(stamp(name(), "enter", tyme()));
  }
  bool recur(Tyme tyme) override {
    ++count;
    recurs.push_back(tyme);
    trace_.push_back(stamp(name(), "recur", tyme));
    return count > 3;
  }
  void clean() override { trace_.push_back(stamp(name(), "clean", tyme())); }
  void exit() override {
    ++count;
    exited_at = tyme();
    trace_.push_back(stamp(name(), "exit", tyme()));
  }
  void cease() override {
    ++count;
    trace_.push_back(stamp(name(), "cease", tyme()));
  }
  void abort(std::exception_ptr) override { trace_.push_back(stamp(name(), "abort", tyme())); }

 private:
  Trace& trace_;
};

// Never done; optionally throws on its n-th recur; may run a hook per recur.
class ProbeDoer : public Doer {
 public:
  ProbeDoer(Trace& trace, std::string name, Tock tock = Tock{0})
      : Doer(std::move(name), tock), trace_(trace) {}

  int throw_on = 0;  // throw on this recur (1-based); 0 = never
  int done_on = 0;   // done on this recur; 0 = never
  int park_on = 0;   // park (no deadline) after this recur
  std::function<void(ProbeDoer&, int)> on_recur;
  int recurs = 0;

  using Doer::park;

 protected:
  void enter() override { trace_.push_back(stamp(name(), "enter", tyme())); }
  bool recur(Tyme tyme) override {
    ++recurs;
    trace_.push_back(stamp(name(), "recur", tyme));
    if (on_recur) on_recur(*this, recurs);
    if (recurs == throw_on) throw std::runtime_error(name() + " failed");
    if (recurs == park_on) park();
    return recurs == done_on;
  }
  void clean() override { trace_.push_back(stamp(name(), "clean", tyme())); }
  void exit() override { trace_.push_back(stamp(name(), "exit", tyme())); }
  void cease() override { trace_.push_back(stamp(name(), "cease", tyme())); }
  void abort(std::exception_ptr) override { trace_.push_back(stamp(name(), "abort", tyme())); }

 private:
  Trace& trace_;
};

// A ProbeDoer that runs a hook at the end of its enter.
class EnterHook : public ProbeDoer {
 public:
  using ProbeDoer::ProbeDoer;
  std::function<void(EnterHook&)> on_enter;

 protected:
  void enter() override {
    ProbeDoer::enter();
    if (on_enter) on_enter(*this);
  }
};

// A ProbeDoer whose hooks throw on demand. HookFailure marks the errors of
// abort and exit, so a test tells them from the error that ended the doer.
struct HookFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class FailingHooks : public EnterHook {
 public:
  using EnterHook::EnterHook;
  bool enter_throws = false, abort_throws = false, clean_throws = false, cease_throws = false,
       exit_throws = false;
  std::function<void(FailingHooks&)> on_exit;  // runs first in exit

 protected:
  void enter() override {
    EnterHook::enter();
    if (enter_throws) throw std::runtime_error(name() + " enter failed");
  }
  void abort(std::exception_ptr error) override {
    EnterHook::abort(error);
    if (abort_throws) throw HookFailure(name() + " abort failed");
  }
  void clean() override {
    EnterHook::clean();
    if (clean_throws) throw std::runtime_error(name() + " clean failed");
  }
  void cease() override {
    EnterHook::cease();
    if (cease_throws) throw std::runtime_error(name() + " cease failed");
  }
  void exit() override {
    if (on_exit) on_exit(*this);
    EnterHook::exit();
    if (exit_throws) throw HookFailure(name() + " exit failed");
  }
};

// What `run` threw: "hook: ..." for a HookFailure, "nothing" if it did not.
template <class Run>
std::string thrown_by(Run&& run) {
  try {
    run();
  } catch (const HookFailure& e) {
    return std::string("hook: ") + e.what();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "nothing";
}

// What a doer's hook_error() holds, as thrown_by says it ("nothing": null).
inline std::string hook_error_of(const Doer& doer) {
  return thrown_by([&] {
    if (doer.hook_error()) std::rethrow_exception(doer.hook_error());
  });
}

// The last n entries of a trace.
inline Trace last(const Trace& trace, std::size_t n) {
  return Trace(trace.end() - static_cast<std::ptrdiff_t>(std::min(n, trace.size())), trace.end());
}

inline Tock ms(std::int64_t n) {
  return Tock{n * 1'000'000};
}
// n/32 s, exact.
inline Tock t32(std::int64_t n) {
  return Tock{n * 31'250'000};
}
inline Tyme at(Tock t) {
  return Tyme{t};
}

}  // namespace hio::test

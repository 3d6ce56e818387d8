// DoerRegistry: the doer kinds a scenario may name, with their parameters,
// and how to build each. The CLI entry point takes one, so a user's program
// adds its own kinds next to the built-in ones (no global registration).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hio/engine/doer.hpp"
#include "hio/engine/random.hpp"
#include "hio/io/hub.hpp"
#include "hio/io/sim_net.hpp"
#include "hio/tools/counters.hpp"
#include "hio/tools/scenario.hpp"

namespace hio::tools {

enum class ParamType : std::uint8_t { boolean, integer, number, string, duration, strings };
const char* to_string(ParamType type);

struct ParamSpec {
  std::string name{};
  ParamType type = ParamType::integer;
  std::string doc{};
  std::optional<ParamValue> default_value{};  // nullopt = required
};

// A doer parameter that its factory cannot take ("size must be from 1 to
// ..."): the scenario error points at that key's value (file:line:col),
// not at the doer's [[doer]] line. Factories throw it for their own keys;
// any other exception from a factory is reported at the [[doer]] line.
class ParamError : public std::invalid_argument {
 public:
  ParamError(std::string key, const std::string& message)
      : std::invalid_argument(message), key_(std::move(key)), message_(message) {}
  const std::string& key() const { return key_; }
  // The message in full: what() is a const char*, which ends at a NUL the
  // message quotes (an address written with an \u0000 escape).
  const std::string& message() const { return message_; }

 private:
  std::string key_;
  std::string message_;
};

// Every ParamError of one doer, for a factory that checks all its keys before
// it gives up: each is reported at its key (file:line:col, in file order).
class ParamErrors : public std::invalid_argument {
 public:
  explicit ParamErrors(std::vector<ParamError> errors)
      : std::invalid_argument(errors.empty() ? std::string() : errors.front().what()),
        errors_(std::move(errors)) {}
  const std::vector<ParamError>& errors() const { return errors_; }

 private:
  std::vector<ParamError> errors_;
};

// Collects a doer's ParamErrors while its keys are checked one by one, so that
// one mistake does not hide the next.
class ParamProblems {
 public:
  // Runs `check` (which returns a value); a ParamError (or every one of a
  // ParamErrors) it throws is kept, and the result is then nullopt.
  template <typename F>
  auto attempt(F&& check) -> std::optional<decltype(check())> {
    try {
      return check();
    } catch (const ParamError& error) {
      errors_.push_back(error);
      return std::nullopt;
    } catch (const ParamErrors& errors) {  // a check that collects its own
      errors_.insert(errors_.end(), errors.errors().begin(), errors.errors().end());
      return std::nullopt;
    }
  }
  void add(std::string key, const std::string& message) {
    errors_.emplace_back(std::move(key), message);
  }
  bool empty() const { return errors_.empty(); }
  // Throws ParamErrors with every problem kept, if there is one.
  void throw_if_any() const {
    if (!errors_.empty()) throw ParamErrors(errors_);
  }

 private:
  std::vector<ParamError> errors_;
};

// What a factory gets besides its spec: the run's random source (derive a
// named stream per doer, e.g. "doer/<name>"), and the counter board on which
// a doer publishes what expectations can check.
struct BuildContext {
  const RandomSource& random;
  CounterBoard& counters;
  IoHub& io;  // the run's channels
  // Listening doers publish their address under their name, so that later
  // doers can say "@name" instead of a fixed port (see resolve()).
  std::map<std::string, std::string, std::less<>>& endpoints;
  // The scenario's simulated network, nullptr without [net]. Stream clients
  // choose the host they connect from with set_client_host before connecting.
  SimNet* net = nullptr;
  std::string client_host{};  // [net] client_host: the default for stream clients
  // A replay: `net` is nullptr on purpose (every channel's transport comes
  // from the journal), so sim:// addresses are not checked against it. (The
  // replay's hub has a SimNet of [net]'s names all the same, which refuses at
  // open what the recorded network refused: BuildOptions::with_net.) That
  // SimNet holds [net]'s names only: hosts or serial lines a kind adds to
  // `net` at build time are not in it, so a replay refuses the opens to them
  // that the recorded run made, and diverges. A kind that needs a host adds
  // it to the scenario's [net], not here.
  bool replaying = false;
  // Those of `endpoints` bound to :: (dual-stack), published at [::1]: an
  // IPv4-bound datagram requester reaches them at 127.0.0.1 instead.
  std::set<std::string, std::less<>> dual_stack_endpoints = {};
  // Listening doers whose address did not open, with the reason, so that
  // "@name" says why rather than that no such doer exists.
  std::map<std::string, std::string, std::less<>> unopened = {};
  // Listening doers whose address is still opening (a host name being
  // resolved), with that address.
  std::map<std::string, std::string, std::less<>> not_open_yet = {};
  // Doers whose build failed: "@name" then points at that error instead of
  // saying there is no such doer.
  std::set<std::string, std::less<>> unbuilt = {};
  // Doers built so far, with their kind: "@name" of one that published no
  // address says so, rather than that no such doer exists.
  std::map<std::string, std::string, std::less<>> built_kinds = {};
  // The same for a doer with `copies`, under the name its copies share
  // ("<name>-1" ... "<name>-<count>"): their kind, how many there are to be
  // and how many are built so far. One entry, not one per copy: a scenario
  // may have a million copies. `failed`: copy <count + 1> could not be built,
  // and those after it were not built; `failure` says why (its error's text
  // after "cannot build doer '<name>-<i>': "), which "@name" of the name they
  // share repeats.
  struct BuiltCopies {
    std::string kind;
    std::int64_t planned = 0;
    std::int64_t count = 0;
    bool failed = false;
    std::string failure = {};
  };
  std::map<std::string, BuiltCopies, std::less<>> built_copies = {};
  // The directory of the scenario file ("" when it came from stdin or text):
  // file names in doer parameters (TLS certificates) are relative to it.
  std::string scenario_dir = {};

  // The kind of the doer built so far that is named `name` - a doer of
  // built_kinds or a copy of built_copies - or nullptr.
  const std::string* built_kind(std::string_view name) const;
  // `name` as a copy's ("<name>-<i>", i from 1 to the number of copies, built
  // or not): its copies' entry and i; {nullptr, 0} when it is none.
  std::pair<const BuiltCopies*, std::int64_t> copy_of(std::string_view name) const;

  // A file name from a doer parameter, relative to the scenario's directory.
  // Every file name it resolves is kept in `files_read`: the files the run
  // reads, which its journal must not be written over (hio run --record).
  std::string file_path(const std::string& name);
  std::vector<std::string> files_read = {};
  // The serial devices of [[net.serial]], for sim-serial:// addresses.
  std::vector<std::string> devices = {};
  // What doers listen on, bind or open, each with the doer and the place in
  // the scenario that claimed it (see claim()): by family, network and port
  // ("stream ip 7"), or by device ("serial sim ttyB").
  struct Claim {
    std::string address{};  // as the doer gave it
    std::string host{};     // an IP address in one spelling (inet_ntop), or the name as written
    int ip_family = 0;      // AF_INET, AF_INET6, or 0 for a name (or a device)
    bool wildcard = false;  // 0.0.0.0 or ::
    std::string who{};      // "doer 'a' (file:line:col)"
    Scheme scheme = Scheme::tcp;  // the address's
    // The claims made before it: the order the doers were built in, the
    // scenario's (the map's is by family and port).
    std::size_t order = 0;
  };
  std::map<std::string, std::vector<Claim>, std::less<>> claimed = {};
  std::size_t claims_made = 0;  // in `claimed`, all places together
  // The run is in virtual time (mode = "sim"): a real-IO address (tcp://,
  // tls://, udp://, serial://) would run against the wall clock while tyme
  // is virtual, so address() refuses it (not in a replay).
  bool virtual_time = false;
  // What made it so when not the scenario file: "--set run.mode=sim"
  // (RunSettings::mode_set_by), said in address()'s refusal; "" otherwise.
  std::string virtual_time_by{};

  // Parameter `key` of `spec` as an address a channel can open: "@name"
  // resolved, parsed, and for sim:// and sim-serial:// checked against
  // [net] (the host or device must exist). `default_scheme` is put in front
  // of text without one ("host:port" datagram peers). Throws ParamError(key)
  // saying what is wrong, in the scenario's words; a real-IO address in a
  // virtual-time run (virtual_time) is wrong too.
  std::string address(const DoerSpec& spec, std::string_view key,
                      std::string_view default_scheme = "") const;

  // A listening (family "stream") or bound ("datagram") address with a
  // fixed port, or a serial device opened (family "serial"), in parameter
  // `key` of `spec`: two doers cannot both have it, even though each alone
  // would open (check releases what it binds at once). A wildcard address
  // (0.0.0.0, ::) takes its port on every address of its IP family, and ::
  // (dual-stack, as Linux opens it by default) on every IPv4 address too;
  // host names are compared as written (they are resolved only once the run
  // starts). A serial device (sim-serial:// link end, serial:// path with
  // symbolic links resolved) has one opener. Throws ParamError(key) naming the
  // doer that has it and where.
  void claim(const DoerSpec& spec, std::string_view key, const std::string& address,
             std::string_view family);

  // Publishes a listening or bound channel's address under `name` for
  // "@name"; a channel that did not open is remembered with its reason. One
  // whose address has port 0 is kept in `port_zero` too.
  void publish(const std::string& name, const Channel& channel);
  // The published channels whose address has port 0 (the system, or [net],
  // chooses the port), in the order they were published: hio run says where
  // they listen, so that peers outside the run can be pointed at them.
  struct PortZero {
    std::string doer{};
    std::uint32_t channel = 0;  // its id in `io`
  };
  std::vector<PortZero> port_zero = {};

  // For a stream client about to connect to `address`: over sim://, selects
  // the host it connects from (`host`, or client_host if empty). Nothing to
  // select in a replay.
  void choose_client_host(const std::string& address, const std::string& host) const;

  // An address as written, or the endpoint of the doer it names ("@server").
  // Throws std::invalid_argument for an unknown name.
  std::string resolve(const std::string& address) const;
};

using DoerFactory = std::function<std::unique_ptr<Doer>(const DoerSpec&, BuildContext&)>;

// The factory of a doer type constructible as T(const DoerSpec&, BuildContext&).
template <typename T>
DoerFactory factory_of() {
  return [](const DoerSpec& spec, BuildContext& context) -> std::unique_ptr<Doer> {
    return std::make_unique<T>(spec, context);
  };
}

struct KindSpec {
  std::string name{};
  std::string doc{};
  std::vector<ParamSpec> params{};
  DoerFactory make{};
  bool group = false;  // has children (`[[...doer]]`); built by the runner
};

class DoerRegistry {
 public:
  // Throws std::invalid_argument, saying why, for a kind that cannot work: a
  // name that is empty, registered already, or has a dot or whitespace; no
  // factory (unless a group); a parameter name that is empty, has a dot or
  // whitespace, is given twice or is a key every doer has (kind, name, tock,
  // copies, doer); a default that does not hold the parameter's type
  // (ParamValue's alternative in ParamType's order). A factory that returns
  // nullptr is reported when the scenario is built, like one that throws.
  void add(KindSpec kind);
  const KindSpec* find(std::string_view name) const;
  std::vector<std::string> names() const;  // sorted

 private:
  std::map<std::string, KindSpec, std::less<>> kinds_;
};

// The kinds every hio has (see docs/scenarios.md): group, ticker, and the IO
// kinds (add_io_kinds): echo_server, echo_client.
void add_builtin_kinds(DoerRegistry& registry);
void add_io_kinds(DoerRegistry& registry);

}  // namespace hio::tools

// What a real channel's opening would fail with at once, found without
// opening it: for `hio check`, which touches no peer.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "hio/io/address.hpp"
#include "hio/io/transport.hpp"

namespace hio {

namespace detail {
class LookupWorker;
}  // namespace detail

// What the lookup of a channel's host name (or a serial device's path) says
// about its opening.
struct OpenCheckAnswer {
  // The run's reason for the channel's failure ("cannot resolve 'HOST:PORT':
  // REASON"; a client's that resolves to no address, "connect to HOST:PORT
  // failed: no address"), or "" if nothing says so before it is tried.
  std::string failure;
  // The answer was the name server's "try again" (EAI_AGAIN, "Host not found
  // (non-authoritative), try again later"; also what a lookup whose server
  // does not answer ends with): the name could not be resolved now, which
  // says nothing of the run's lookup. `failure` is what the run's channel
  // fails with if it gets that answer too; a known failure it is not.
  bool transient = false;
  // A caught stop signal (caught_stop_signal()) ended the wait for the
  // answer, or came before it: nothing is known, `failure` is "".
  bool stopped = false;
  // A listener or a datagram endpoint whose name resolves to several
  // addresses: the run takes the first only, and this says so, naming them
  // all ("'dual:7' resolves to ::1, 127.0.0.1, and a listener takes the
  // first only: ..."); else "". Not a failure: the opening works.
  std::string note;
};

// For a tcp://, tls:// or udp:// address on a host name: the lookup the run
// would make, made now (getaddrinfo through Asio's resolver, a numeric
// service, any family; passive for a listener or datagram endpoint), and what
// its answer says. That asks the system's resolver (a name server, for a name
// not in /etc/hosts) and waits for its answer, as the run would wait, except
// that a caught stop signal ends the wait at once (the lookup is left to end
// by itself, on a thread of its own that the process does not wait for); no
// peer is touched. A name in the reserved domain "invalid" is answered at
// once, as in the run, without asking (docs/io.md, "Addresses"). An IP
// address gives {}: only opening it says more (whether something listens
// there, whether the port is free). For a serial:// address: what its path
// alone says, without opening the device (stat, access), in the words of
// the run's open ("cannot open serial device /dev/ttyUSB0: No such file or
// directory"; also a directory, a file that is no device, a device the user
// may not read and write); "" for a character device, which only an open
// tells more of. Other schemes: {}. What the lookup throws on its thread
// (std::bad_alloc) is thrown here, to the caller.
//
// Each name is looked up once (per protocol and passive or not): the answer
// is kept for the checker's life, so a scenario of many channels on one name
// waits for one lookup. Not thread-safe.
class OpenChecker {
 public:
  OpenChecker();
  ~OpenChecker();  // a lookup still pending is left to end on its own thread
  OpenChecker(OpenChecker&&) noexcept;
  OpenChecker& operator=(OpenChecker&&) noexcept;

  OpenCheckAnswer known_open_failure(const Address& address, ChannelRole role);

  // The lookups made (not answered from what was kept). For tests.
  std::size_t lookups() const { return lookups_; }

 private:
  struct Answer {
    std::string error;  // the lookup's error in error_text's words, "" for none
    bool none = false;  // no error, and no address
    bool transient = false;
    std::vector<std::string> addresses;  // in the answer's order, each once
  };
  // (host, udp, passive)
  std::map<std::tuple<std::string, bool, bool>, Answer> answers_;
  std::size_t lookups_ = 0;
  // The thread the lookups are made on, as the run's are (one that nobody
  // joins); made with the first lookup.
  std::unique_ptr<detail::LookupWorker> lookups_worker_;
};

}  // namespace hio

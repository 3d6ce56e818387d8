// SimLink: one direction of a simulated link (a->b) — its parameters, its
// queue at the bandwidth, whether it is cut, and the noise decisions for the
// messages it carries, each kind from its own named random stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "hio/engine/random.hpp"
#include "hio/engine/tyme.hpp"
#include "hio/io/sim_link.hpp"
#include "sim_wire.hpp"

namespace hio::detail {

struct SimHost;

// What the noise of a link does to one datagram. Drawn in full for every
// datagram offered to the link (see SimLink::datagram_fate).
struct DatagramFate {
  Tock jitter{0};
  Tock duplicate_after{0};  // the copy arrives this long after the original
  std::int64_t bit = -1;    // the bit flipped, or -1
  bool lost = false;
  bool duplicated = false;
  bool reordered = false;
};

class SimLink {
 public:
  // params must be valid (validate()). Streams are named "link/<from>-><to>/<kind>".
  SimLink(std::uint64_t seed, SimHost& from, SimHost& to, const LinkParams& params);
  SimLink(const SimLink&) = delete;
  SimLink& operator=(const SimLink&) = delete;

  SimHost& from() const { return *from_; }
  SimHost& to() const { return *to_; }
  const std::string& name() const { return name_; }  // "a->b"
  const LinkParams& params() const { return params_; }
  // Applies to messages sent from now on.
  void set_params(const LinkParams& params);

  // ---- cuts (partitions) ----
  bool cut() const { return cut_; }
  // Bumped at every cut, so a datagram can tell whether a cut happened while
  // it was in flight.
  std::uint64_t epoch() const { return epoch_; }
  // A cut lasts from the tyme it is made up to, not including, its heal.
  void set_cut(bool cut, Tyme now) {
    if (cut && !cut_) {
      ++epoch_;
      cut_at_ = now;
    }
    if (!cut && cut_) healed_at_ = now;
    cut_ = cut;
  }
  // When the latest cut was healed (meaningful once epoch() > 0).
  Tyme healed_at() const { return healed_at_; }
  // Not cut and both hosts up.
  bool reachable() const;
  // Streams: whether a segment that left the queue at `leaves`, sent when the
  // link's epoch was `epoch`, had left it before tyme `t`; at `t` itself, only
  // if the latest cut was made at `t`, after it was sent (a cut and heal in one
  // pass). One that leaves at a heal of an earlier cut left onto a healed link.
  bool left_before(Tyme t, Tyme leaves, std::uint64_t epoch) const {
    return leaves < t || (leaves == t && epoch != epoch_ && cut_at_ == t);
  }
  // Streams: whether such a segment, arriving now, met a cut on its way: the
  // link is unreachable now, or its latest cut was healed after the segment
  // left the queue (that cut began before now).
  bool caught(Tyme leaves, std::uint64_t epoch) const {
    return !reachable() || left_before(healed_at_, leaves, epoch);
  }

  // ---- the queue at the bandwidth ----
  // Bytes a stream may queue now without passing queue_bytes_max.
  std::size_t room(Tyme now);
  // When room next appears (the oldest queued message leaves).
  Tyme room_at() const { return queue_.next_leave(); }
  // Queues a message and returns when its last bit leaves; with unlimited
  // bandwidth, `now`. Datagrams: false when it would overflow the queue
  // (tail drop), and nothing is queued.
  bool admit(Tyme now, std::size_t size, Tyme& leaves);
  // Streams, which checked room() first: queues without a limit check.
  Tyme depart(Tyme now, std::size_t size);

  // ---- noise ----
  // One decision from each enabled stream (a knob that is zero draws
  // nothing), whatever the outcome, so no knob shifts another's draws.
  DatagramFate datagram_fate(std::size_t size);
  // Streams: jitter only (their segments are never lost, duplicated,
  // reordered or corrupted).
  Tock segment_jitter();

 private:
  SimHost* from_;
  SimHost* to_;
  std::string name_;
  LinkParams params_;
  Probability loss_p_;
  Probability duplicate_p_;
  Probability reorder_p_;
  Probability corrupt_p_;
  RandomStream loss_;
  RandomStream duplicate_;
  RandomStream reorder_;
  RandomStream corrupt_;
  RandomStream jitter_;
  WireQueue queue_;
  std::uint64_t epoch_ = 0;
  Tyme cut_at_{};  // when the latest cut was made
  Tyme healed_at_{};
  bool cut_ = false;
};

}  // namespace hio::detail

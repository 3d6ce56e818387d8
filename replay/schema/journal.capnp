# The hio journal schema: one Frame message per length-prefixed, CRC-checked frame
# of a journal file (the file layout around these messages is in docs/journal-format.md).
#
# Evolution rules (journals outlive the code that wrote them):
#   - only APPEND fields, enumerants and union members, with the next free ordinal;
#   - never renumber, retype, rename-with-new-meaning or delete anything;
#   - a change that an old reader must not silently misread bumps the file format
#     version in the preamble (kFormatVersion in hio/replay/types.hpp).
# The numeric values of the enums below are those of the C++ enums in
# hio/io/event.hpp and hio/replay/types.hpp, which follow the same rules.

@0xe5029ee5b3f43928;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("hio::replay::schema");

# Every frame holds exactly one of these. The first frame of a file is a header,
# then zero or more pass frames, then one trailer.
struct Frame {
  union {
    header @0 :Header;
    pass @1 :PassFrame;
    trailer @2 :Trailer;
  }
}

enum Mode {
  sim @0;     # simulated IO in virtual time
  real @1;    # real IO paced to the wall clock (a capture)
  replay @2;  # fed from another journal
}

enum ChannelKind {
  stream @0;
  datagram @1;
  listener @2;
}

enum EventKind {
  open @0;
  connect @1;
  accept @2;
  rx @3;
  tx @4;
  close @5;
  error @6;
  noise @7;
  log @8;
  rxEnd @9;  # a stream's peer finished sending (FIN); the channel stays connected
  # Not a ChannelEvent: a piece of one event too large for one frame (its
  # bytes, peer and text, in order), alone in its frame; the event's next
  # pieces follow in the next parts (PassFrame.continued), the last marked
  # PassFrame.pieceEnd with the event's kind. A reader joins them into the one
  # event. Appended: an older reader refuses every piece by name, so it never
  # takes a frame of such an event for the event (it sees the event missing).
  piece @10;
}

enum CloseWho {
  local @0;
  remote @1;
}

enum NoiseKind {
  none @0;
  drop @1;
  delay @2;
  duplicate @3;
  corrupt @4;
  reorder @5;
}

enum RunOutcome {
  unknown @0;      # the writer was not told (or the run is still going)
  done @1;         # no deeds remained
  limit @2;        # tyme reached the limit
  interrupted @3;  # SIGINT, SIGTERM or request_stop()
  stalled @4;      # virtual time, nothing could ever run again
  error @5;        # an exception ended the run; Trailer.endText says which
}

# One entry of the header's channel table: a channel that existed when the run
# started. Channels made later (accepted remotes, ...) appear as open events.
struct ChannelInfo {
  id @0 :UInt32;
  name @1 :Text;
  address @2 :Text;  # canonical URL, e.g. "tcp://127.0.0.1:4000"
  kind @3 :ChannelKind;
}

struct Header {
  formatVersion @0 :UInt32;   # equals the version in the file preamble
  engineVersion @1 :Text;     # "hio 0.15.0": the library that wrote the file
  seed @2 :UInt64;            # the run's root random seed
  tockNs @3 :Int64;           # the Doist's tock; pass = tymeNs / tockNs
  mode @4 :Mode;
  scenario @5 :Text;          # the full scenario text (empty if none)
  scenarioDigest @6 :UInt64;  # hio digest of the scenario bytes (docs/journal-format.md)
  channels @7 :List(ChannelInfo);
  # Informational only, never used by replay: when a real capture started, as
  # ISO 8601 UTC ("2026-11-28T10:15:30.123Z"). Simulated and replay runs leave it
  # empty so that their journals depend on nothing but scenario, seed and inputs.
  wallClock @8 :Text;
  # A noise replay's perturbation (`hio replay --noise SPEC --seed N`): the spec
  # as given and the noise seed, so the journal says how to make it again.
  # Empty and 0 for every other journal.
  noise @9 :Text;
  noiseSeed @10 :UInt64;
  # True when the writer marks the frames of the run's exit (PassFrame.exit):
  # then a journal cut before its trailer says whether its last frame was the
  # exit. False in journals written before it was appended (a reader guesses).
  exitMarked @11 :Bool;
  # Every noise replay whose perturbation this journal's inputs carry, oldest
  # first: a noise replay's journal ends with its own (noise, noiseSeed); a
  # replay of it, strict or with noise, keeps the chain (and appends its own
  # noise). Empty in every other journal, and in journals written before it
  # was appended (a reader takes (noise, noiseSeed) as the chain then).
  noiseChain @12 :List(NoiseStep);
}

# One noise replay of a chain: its spec as given and its noise seed.
struct NoiseStep {
  spec @0 :Text;
  seed @1 :UInt64;
}

# The events of one pass (or one part of a pass: a pass with very many events
# is split over consecutive frames with the same pass and tymeNs and parts
# 0, 1, 2, ...). Passes without events have no frame.
struct PassFrame {
  pass @0 :UInt64;     # nominal pass number: tymeNs / tockNs
  tymeNs @1 :Int64;    # the pass's tyme; every event in the frame has it
  part @2 :UInt32;     # 0 for the first frame of a pass
  events @3 :List(Event);  # in order of occurrence
  # The events of the run's exit: what happened after its last pass ended (the
  # doers' exit closes, and what a real-time run received while it waited out
  # its last tock), at the end tyme. Only in journals whose header has
  # exitMarked; once a frame has it, every later frame does (parts of it).
  exit @4 :Bool;
  # Frames of the recorded run are missing just before this one: a salvage
  # (hio salvage --resync) skipped a damaged region of the journal here. A
  # reader that does not read past holes stops at this frame (error `hole`).
  # Appended: bit 33 of the third data word, after `exit`.
  holeBefore @5 :Bool;
  # This frame's piece continues the piece in the frame before (the same
  # event: same channel and seq). Appended: bit 34 of the third data word,
  # after `holeBefore`; only set after a piece.
  continued @6 :Bool;
  # This frame's piece is the last of its event, whose kind is pieceKind and
  # whose other fields (accepted, who, noise, channelKind) are this piece's.
  # Appended: bit 35 of the third data word; pieceKind its bits 48-63 (the
  # data section stays 3 words, so frames without pieces are unchanged).
  pieceEnd @7 :Bool;
  pieceKind @8 :EventKind;
}

# One ChannelEvent (hio/io/event.hpp); its tyme is the frame's tymeNs.
struct Event {
  kind @0 :EventKind;
  channel @1 :UInt32;      # 0 for log events
  seq @2 :UInt64;          # the hub's order of occurrence
  bytes @3 :Data;          # rx/tx payload, discarded tx of close/error, noise's message
  # Text fields carry bytes exactly (the C++ reader uses the length, not the NUL);
  # hio does not enforce UTF-8, so other tools should read them as byte strings.
  peer @4 :Text;
  text @5 :Text;
  accepted @6 :UInt32;     # accept: the new channel's id
  who @7 :CloseWho;        # close: who ended it
  noise @8 :NoiseKind;     # noise: what was done
  channelKind @9 :ChannelKind;  # open: the channel's kind
}

struct Trailer {
  passes @0 :UInt64;   # nominal passes the run executed (Doist::passes()), as told by the writer
  frames @1 :UInt64;   # pass frames in the file
  events @2 :UInt64;   # events in the file
  digest @3 :UInt64;   # hio digest of the canonical event stream
  endTymeNs @4 :Int64; # the tyme when the run ended
  end @5 :RunOutcome;
  endText @6 :Text;    # for end = error: what the exception said
  stopSignal @7 :UInt32;  # for end = interrupted: the signal (1 SIGHUP, 2 SIGINT, 15 SIGTERM; 10 SIGUSR1, hio run's clean stop); 0 none or not recorded
  endedAtPass @8 :Bool;   # the run ended at its last pass's tyme (endTymeNs), that pass included: a stop cut its tock short
  endByHio @9 :Bool;      # for end = error: hio's own failure ended the run, not a doer's exception (journals before hio 0.18: read from endText)
}

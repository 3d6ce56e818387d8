// Links hio and Cap'n Proto, both found by the project: a message of its own
// next to hio's version.
#include <capnp/message.h>
#include <hio/replay/types.hpp>

#include <cstdio>

int main() {
  capnp::MallocMessageBuilder message;
  (void)message;
  std::printf("twice: %s\n", hio::replay::engine_version());
  return 0;
}

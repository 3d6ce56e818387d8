// The walkthrough of docs/replay.md as a program: capture a real-time run
// over loopback TCP, replay it in virtual time, replay it with a changed
// doer (a divergence), and replay it with noise. Run by the tests (exit 0
// only if each step does what the docs say), and its output is what the docs
// show. Usage: replay_example DIR
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "hio/engine/engine.hpp"
#include "hio/io/io.hpp"
#include "hio/replay/replay.hpp"
#include "hio/testkit/echo_scene.hpp"

namespace {

using hio::replay::test::EchoScene;
using hio::replay::test::EchoSceneOptions;

EchoSceneOptions scene_options() {
  EchoSceneOptions o;  // tcp://127.0.0.1:0, clients connect to its port
  o.clients = 2;
  o.lines = 3;
  o.every = hio::Tock{100'000'000};  // a line every 100 ms
  return o;
}

// ---- docs/replay.md: capture ----
void capture(const std::string& path) {
  hio::Doist doist(hio::Tock{1'000'000}, /*real=*/true);
  hio::IoHub io(doist.tymth());
  doist.attach(io);
  hio::replay::JournalHeader header;
  header.mode = hio::replay::Mode::real;
  header.seed = 7;
  header.scenario = "echo: 2 clients, 3 lines";
  hio::replay::Journal journal(doist, io, path, header);
  EchoScene scene(io, scene_options());
  const auto start = std::chrono::steady_clock::now();
  journal.run(scene.doers(), hio::seconds(1));
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  std::printf("captured %llu passes, %llu events in %.2f s, digest %s\n",
              static_cast<unsigned long long>(journal.trailer()->passes),
              static_cast<unsigned long long>(journal.trailer()->events), wall.count(),
              hio::replay::format_digest(journal.trailer()->digest).c_str());
}

// ---- docs/replay.md: replay ----
hio::replay::ReplayResult replay(const std::string& path, const EchoSceneOptions& o,
                                 hio::replay::ReplayOptions options = {},
                                 const std::string& out = "") {
  hio::replay::Replayer replayer(path, options);  // reads the header
  hio::Doist doist(replayer.header().tock);       // virtual time, the journal's tock
  hio::IoHub io(doist.tymth());
  doist.attach(io);
  replayer.attach(doist, io);                   // before any channel exists
  std::optional<hio::replay::Journal> journal;  // optional: journal the replay
  if (!out.empty()) journal.emplace(doist, io, out, replayer.output_header());
  EchoScene scene(io, o);  // the doers, rebuilt as recorded
  return replayer.run(scene.doers(), journal ? &*journal : nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: replay_example DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  capture(dir + "/capture.hioj");

  const auto start = std::chrono::steady_clock::now();
  const hio::replay::ReplayResult same =
      replay(dir + "/capture.hioj", scene_options(), {}, dir + "/replayed.hioj");
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  std::printf("%s\n", hio::replay::format_replay_result(same).c_str());
  std::printf("replayed in %.4f s\n", wall.count());

  EchoSceneOptions upper = scene_options();
  upper.upper = true;  // the echo server now upper-cases
  const hio::replay::ReplayResult changed = replay(dir + "/capture.hioj", upper);
  std::printf("%s\n", hio::replay::format_replay_result(changed).c_str());
  if (changed.divergence) {
    std::printf("%s", hio::replay::format_divergence(*changed.divergence).c_str());
  }

  hio::replay::ReplayOptions noisy;
  noisy.noise = hio::replay::parse_noise_spec("drop=0.2,dup=0.2,corrupt=0.2");
  noisy.noise_seed = 1;
  const hio::replay::ReplayResult noise =
      replay(dir + "/capture.hioj", scene_options(), noisy, dir + "/noisy.hioj");
  std::printf("%s\n", hio::replay::format_replay_result(noise).c_str());

  const bool ok = same.identical() && changed.divergence &&
                  changed.divergence->kind == hio::replay::DivergenceKind::tx_differs &&
                  noise.status == hio::replay::ReplayStatus::perturbed;
  return ok ? 0 : 1;
}

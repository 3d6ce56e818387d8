// Error texts of real IO are the C library's English whatever the process
// locale: a program that embeds hio may call setlocale(LC_ALL, ""), and the
// journals of one run in two locales must be the same (docs/determinism.md).
// Each kind of text: an error_code's (a refused connect, an address in use,
// a missing serial device) and an errno's (a TLS file that cannot be read).
#include <gtest/gtest.h>

#include <string>

#include "io_run.hpp"
#include "raw_socket.hpp"
#include "test_doers.hpp"
#include "translated_messages.hpp"

namespace hio::test {
namespace {
namespace error_text_test {

TEST(IoErrorText, ErrorTextsDoNotDependOnTheLocale) {
  TranslatedMessages german;
  if (!german.active()) GTEST_SKIP() << "this system does not translate strerror (C.UTF-8, de)";
  RealRun run;
  const std::uint16_t port = free_port();
  const std::string where = "127.0.0.1:" + std::to_string(port);
  TcpClientDoer client(run.io, "tcp://" + where);
  StopWhen stop(run.doist, [&] { return client.channel().state() == ChannelState::failed; });
  EXPECT_EQ(run.doist.run({&client, &stop}), RunEnd::interrupted);
  EXPECT_EQ(client.channel().reason(), "connect to " + where + " failed: Connection refused");

  Channel& listener = run.io.listen("tcp://" + where);
  ASSERT_EQ(listener.state(), ChannelState::connected);
  Channel& taken = run.io.listen("tcp://" + where);
  EXPECT_EQ(taken.reason(), "listen on " + where + " failed: Address already in use");

  Channel& device = run.io.connect("serial:///dev/hio-no-such-tty?baud=9600");
  EXPECT_EQ(device.reason(),
            "cannot open serial device /dev/hio-no-such-tty: No such file or directory");

  ChannelOptions missing;
  missing.tls.cert_file = "/nonexistent/server.pem";
  Channel& tls = run.io.listen("tls://127.0.0.1:0", missing);
  EXPECT_EQ(tls.reason(),
            "TLS setup for tls://127.0.0.1:0 failed: cannot read certificate file "
            "'/nonexistent/server.pem': No such file or directory");
}

}  // namespace error_text_test
}  // namespace
}  // namespace hio::test

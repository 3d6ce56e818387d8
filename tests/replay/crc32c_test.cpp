// CRC32C: the standard check value, and that continuing a checksum over split
// input equals checking it whole (the writer and reader rely on neither, but
// the table-driven fast path and the byte tail must agree).
#include "hio/replay/crc32c.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hio::replay {
namespace {
namespace crc32c_test {

TEST(Crc32c, StandardCheckValue) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
}

TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(crc32c(""), 0x00000000u);
  // RFC 3720 B.4: 32 bytes of zeros, and of 0xFF.
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i)
    ascending += static_cast<char>(i);
  EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
}

TEST(Crc32c, ContinuingEqualsWhole) {
  std::string data;
  for (int i = 0; i < 1000; ++i)
    data += static_cast<char>((i * 37 + 11) & 0xFF);
  const std::uint32_t whole = crc32c(data);
  for (std::size_t cut = 0; cut <= 40; ++cut) {
    const std::string_view view(data);
    EXPECT_EQ(crc32c(view.substr(cut), crc32c(view.substr(0, cut))), whole) << "cut " << cut;
  }
}

TEST(Crc32c, EveryUnalignedStartAndLengthMatchesBytewise) {
  // Reference: the bitwise definition.
  auto reference = [](std::string_view bytes) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (char c : bytes) {
      crc ^= static_cast<unsigned char>(c);
      for (int bit = 0; bit < 8; ++bit)
        crc = (crc >> 1) ^ ((crc & 1u) != 0 ? 0x82F63B78u : 0u);
    }
    return ~crc;
  };
  std::string data;
  for (int i = 0; i < 64; ++i)
    data += static_cast<char>((i * 91 + 7) & 0xFF);
  for (std::size_t start = 0; start < 9; ++start) {
    for (std::size_t len = 0; start + len <= data.size(); ++len) {
      const std::string_view part = std::string_view(data).substr(start, len);
      ASSERT_EQ(crc32c(part), reference(part)) << start << "+" << len;
      ASSERT_EQ(detail::crc32c_software(part.data(), part.size()), reference(part))
          << start << "+" << len;
    }
  }
}

// The hardware path checks long input as three interleaved blocks (of 256 and
// of 2048 bytes) combined with shift tables: lengths around those block
// triples, at every alignment, and continued checksums, against the table path.
TEST(Crc32c, InterleavedBlocksMatchSoftware) {
  std::string data(40'000, '\0');
  std::uint64_t x = 0x9E3779B97F4A7C15u;
  for (char& c : data) {
    x = x * 6364136223846793005u + 1442695040888963407u;  // a fixed LCG: same data every run
    c = static_cast<char>(x >> 56);
  }
  std::vector<std::size_t> lengths;
  for (std::size_t base : {std::size_t{768}, std::size_t{1536}, std::size_t{6144},
                           std::size_t{6144 + 768}, std::size_t{12288}, std::size_t{30000}}) {
    for (std::size_t d = 0; d <= 17; ++d) {
      lengths.push_back(base + d);
      lengths.push_back(base - d);
    }
  }
  for (int i = 0; i < 200; ++i) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    lengths.push_back(static_cast<std::size_t>(x >> 33) % 39'000);
  }
  for (std::size_t len : lengths) {
    for (std::size_t start = 0; start < 8; ++start) {
      const std::string_view part = std::string_view(data).substr(start, len);
      const std::uint32_t expected = detail::crc32c_software(part.data(), part.size());
      ASSERT_EQ(crc32c(part), expected) << start << "+" << len;
      ASSERT_EQ(crc32c(part, 0x12345678u),
                detail::crc32c_software(part.data(), part.size(), 0x12345678u))
          << start << "+" << len;
    }
  }
  // Long known values (from the bitwise definition, computed outside hio):
  // 10,000 bytes of (i * 91 + 7) mod 256 and 8,192 zero bytes.
  std::string pattern;
  for (int i = 0; i < 10'000; ++i)
    pattern += static_cast<char>((i * 91 + 7) & 0xFF);
  EXPECT_EQ(crc32c(pattern), 0x318CDBD5u);
  EXPECT_EQ(crc32c(std::string(8192, '\0')), 0x90444623u);
}

}  // namespace crc32c_test
}  // namespace
}  // namespace hio::replay

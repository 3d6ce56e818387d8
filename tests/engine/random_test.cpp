// Tests for hio/engine/random.hpp: the published vectors (docs/determinism.md) pin every
// draw, so a platform or compiler change that alters one fails here first.
#include "hio/engine/random.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace hio {
namespace {
namespace random_test {

constexpr std::uint64_t kSeed = 42;
constexpr std::string_view kName = "link/a->b/loss";
constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();
constexpr std::int64_t kI64Min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kI64Max = std::numeric_limits<std::int64_t>::max();

// A second, deliberately plain implementation of the documented algorithms, written from the
// papers and docs/determinism.md rather than from random.hpp, to check the library against.
namespace ref {

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

std::uint64_t splitmix_finish(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

std::uint64_t splitmix_next(std::uint64_t& x) {
  x += 0x9e3779b97f4a7c15u;
  return splitmix_finish(x);
}

struct Xoshiro {
  std::uint64_t s[4];
  std::uint64_t next() {
    const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
};

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 14695981039346656037u;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211u;
  }
  return h;
}

Xoshiro stream(std::uint64_t root_seed, std::string_view name) {
  const std::uint64_t name_hash = splitmix_finish(fnv1a(name));
  std::uint64_t sm = splitmix_finish(root_seed ^ splitmix_finish(name_hash + 0x9e3779b97f4a7c15u));
  Xoshiro x{};
  for (auto& word : x.s)
    word = splitmix_next(sm);
  return x;
}

__extension__ typedef unsigned __int128 U128;

// Lemire's nearly divisionless method as published (Lemire 2019, Algorithm 5).
std::int64_t uniform(Xoshiro& x, std::int64_t lo, std::int64_t hi) {
  const std::uint64_t s = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
  if (s == 0) return static_cast<std::int64_t>(x.next());
  U128 m = static_cast<U128>(x.next()) * s;
  std::uint64_t l = static_cast<std::uint64_t>(m);
  if (l < s) {
    const std::uint64_t t = (0 - s) % s;
    while (l < t) {
      m = static_cast<U128>(x.next()) * s;
      l = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) +
                                   static_cast<std::uint64_t>(m >> 64));
}

}  // namespace ref

// Runs `call`, expecting std::invalid_argument whose message contains every one of `parts`.
template <typename Call>
void expect_invalid(Call call, std::vector<std::string> parts) {
  try {
    call();
    ADD_FAILURE() << "no exception; expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    for (const auto& part : parts) {
      EXPECT_NE(what.find(part), std::string::npos)
          << "message \"" << what << "\" lacks \"" << part << "\"";
    }
  }
}

// --- generators and hashing ---

TEST(RandomSplitMix64, PublishedVectorsForSeedZero) {
  SplitMix64 sm(0);
  EXPECT_EQ(sm.next(), 0xe220a8397b1dcdafu);
  EXPECT_EQ(sm.next(), 0x6e789e6aa1b965f4u);
  EXPECT_EQ(sm.next(), 0x06c45d188009454fu);
  EXPECT_EQ(sm.next(), 0xf88bb8a8724c81ecu);
}

TEST(RandomSplitMix64, SameAtCompileTime) {
  static_assert([] {
    SplitMix64 sm(0);
    return sm.next();
  }() == 0xe220a8397b1dcdafu);
}

TEST(RandomXoshiro256ss, ReferenceVectorsFromState1234) {
  Xoshiro256ss x({1, 2, 3, 4});
  // Worked by hand from the reference: the result only reads s[1] (2, then 0 after one
  // step), so the first outputs are rotl(2*5, 7)*9 = 11520 and 0.
  EXPECT_EQ(x.next(), 0x2d00u);
  EXPECT_EQ(x.next(), 0u);
  // Published: the next six outputs.
  EXPECT_EQ(x.next(), 0x000000005a007080u);
  EXPECT_EQ(x.next(), 0x10e0000000009d80u);
  EXPECT_EQ(x.next(), 0x10e0b61ce1009d80u);
  EXPECT_EQ(x.next(), 0x0870021ce143ad00u);
  EXPECT_EQ(x.next(), 0xe071c3c2e143f089u);
  EXPECT_EQ(x.next(), 0x75a1690ef7a20380u);
}

TEST(RandomXoshiro256ss, MatchesPlainImplementation) {
  Xoshiro256ss x({1, 2, 3, 4});
  ref::Xoshiro r{{1, 2, 3, 4}};
  for (int i = 0; i < 10'000; ++i)
    ASSERT_EQ(x.next(), r.next()) << "output " << i;
}

TEST(RandomXoshiro256ss, FromSeedIsFourSplitMixOutputs) {
  const Xoshiro256ss x = Xoshiro256ss::from_seed(0);
  const Xoshiro256ss::State expected{0xe220a8397b1dcdafu, 0x6e789e6aa1b965f4u, 0x06c45d188009454fu,
                                     0xf88bb8a8724c81ecu};
  EXPECT_EQ(x.state(), expected);
}

TEST(RandomXoshiro256ss, RefusesAllZeroState) {
  expect_invalid([] { Xoshiro256ss x({0, 0, 0, 0}); }, {"all-zero"});
}

TEST(RandomHash, Fnv1aPublishedVectors) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325u);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cu);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8u);
}

TEST(RandomHash, StableHashPublishedVectors) {
  EXPECT_EQ(fnv1a64(kName), 0xebdb33f5cc92337eu);
  EXPECT_EQ(stable_hash(kName), 0xf75bde28535d548du);
  EXPECT_EQ(stable_hash(""), mix64(0xcbf29ce484222325u));
  static_assert(stable_hash("link/a->b/loss") == 0xf75bde28535d548du);
}

TEST(RandomHash, BytesAboveSevenBitsHashAsUnsigned) {
  // The same bytes whatever the signedness of char.
  EXPECT_EQ(fnv1a64("\xff\x80"), ref::fnv1a("\xff\x80"));
  EXPECT_EQ(fnv1a64(std::string_view("a\0b", 3)), ref::fnv1a(std::string_view("a\0b", 3)));
  EXPECT_NE(fnv1a64(std::string_view("a\0b", 3)), fnv1a64("ab"));
}

// --- streams: published vectors ---

TEST(RandomStreamVectors, SeedAndFirstEightU64) {
  RandomStream s(kSeed, kName);
  EXPECT_EQ(s.name(), kName);
  EXPECT_EQ(s.seed(), 0xa6fa1e28dc6be21fu);
  const std::array<std::uint64_t, 8> expected{
      0xd87bf357e63b033au, 0xf2a7a8264c8df803u, 0x9419923f2401e1f4u, 0xcfa36aa68586423bu,
      0x605be14c6507511du, 0x477afa5c0a584383u, 0xc7b195f145c6eeffu, 0xc4a6171a15333991u,
  };
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(s.next_u64(), expected[i]) << i;
}

TEST(RandomStreamVectors, MatchPlainImplementationOfDerivation) {
  for (std::uint64_t root : {std::uint64_t{0}, kSeed, kU64Max}) {
    for (std::string_view name : {std::string_view{}, kName, std::string_view{"noise/0"}}) {
      RandomStream s(root, name);
      ref::Xoshiro r = ref::stream(root, name);
      for (int i = 0; i < 100; ++i)
        ASSERT_EQ(s.next_u64(), r.next()) << root << " " << name;
    }
  }
}

TEST(RandomStreamVectors, Uniform0To9) {
  RandomStream s(kSeed, kName);
  const std::array<std::int64_t, 16> expected{8, 9, 5, 8, 3, 2, 7, 7, 6, 0, 6, 6, 5, 6, 5, 5};
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(s.uniform(0, 9), expected[i]) << i;
}

TEST(RandomStreamVectors, UniformDuration1msTo2ms) {
  RandomStream s(kSeed, kName);
  const std::array<std::int64_t, 8> expected{1845642, 1947871, 1578515, 1811088,
                                             1376402, 1279220, 1780054, 1768160};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(s.uniform_duration(Tock{1'000'000}, Tock{2'000'000}).count(), expected[i]) << i;
  }
}

TEST(RandomStreamVectors, BernoulliQuarter) {
  RandomStream s(kSeed, kName);
  std::string bits;
  for (int i = 0; i < 32; ++i)
    bits += s.bernoulli(Probability::from_double(0.25)) ? '1' : '0';
  EXPECT_EQ(bits, "00000000010000000100000011000010");
}

TEST(RandomStreamVectors, HeavyTail1msTo1s) {
  RandomStream s(kSeed, kName);
  const std::array<std::int64_t, 16> expected{1947870, 1811087, 1279220, 1768159, 1047096, 1621694,
                                              1655484, 1560328, 1217137, 1250440, 1807834, 1829377,
                                              6922233, 1958868, 3295178, 1163324};
  const Probability tail = Probability::from_double(0.3);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(s.heavy_tail(Tock{1'000'000}, Tock{1'000'000'000}, tail).count(), expected[i]) << i;
  }
}

TEST(RandomStreamVectors, RootSeedZeroAndEmptyNameAreValid) {
  RandomStream s = RandomSource(0).stream("");
  EXPECT_EQ(s.seed(), 0x867f9008309a9021u);
  EXPECT_EQ(s.next_u64(), 0x5f2f6d7374978e0du);
}

// --- streams: derivation and independence ---

TEST(RandomSource, StreamIsDerivedFromRootSeedAndName) {
  const RandomSource source(kSeed);
  EXPECT_EQ(source.root_seed(), kSeed);
  RandomStream a = source.stream(kName);
  RandomStream b(kSeed, kName);
  EXPECT_EQ(a.seed(), derive_stream_seed(kSeed, stable_hash(kName)));
  for (int i = 0; i < 100; ++i)
    ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(RandomSource, DifferentNamesOrSeedsGiveDifferentStreams) {
  const RandomSource source(kSeed);
  RandomStream a = source.stream("link/0");
  RandomStream b = source.stream("link/1");
  RandomStream c = RandomSource(kSeed + 1).stream("link/0");
  EXPECT_NE(a.seed(), b.seed());
  EXPECT_NE(a.seed(), c.seed());
  int same_ab = 0;
  int same_ac = 0;
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.next_u64();
    same_ab += x == b.next_u64() ? 1 : 0;
    same_ac += x == c.next_u64() ? 1 : 0;
  }
  EXPECT_EQ(same_ab, 0);
  EXPECT_EQ(same_ac, 0);
}

TEST(RandomSource, AddingAStreamNeverChangesAnother) {
  const RandomSource source(kSeed);
  std::vector<std::int64_t> alone;
  {
    RandomStream a = source.stream("a");
    for (int i = 0; i < 1000; ++i)
      alone.push_back(a.uniform(0, 1'000'000));
  }
  std::vector<std::int64_t> interleaved;
  {
    RandomStream a = source.stream("a");
    RandomStream b = source.stream("b");
    for (int i = 0; i < 1000; ++i) {
      interleaved.push_back(a.uniform(0, 1'000'000));
      (void)b.next_u64();
      (void)b.heavy_tail(Tock{1}, Tock{1'000'000}, Probability::from_ratio(1, 3));
      if (i % 100 == 0) {
        RandomStream extra = source.stream("extra/" + std::to_string(i));
        (void)extra.next_u64();
      }
    }
  }
  EXPECT_EQ(alone, interleaved);
}

TEST(RandomSource, ACopyForksTheSequence) {
  RandomStream a(kSeed, kName);
  (void)a.next_u64();
  RandomStream snapshot = a;
  for (int i = 0; i < 100; ++i)
    ASSERT_EQ(a.next_u64(), snapshot.next_u64());
}

// --- uniform ---

TEST(RandomUniform, MatchesPlainLemireOnEveryKindOfRange) {
  const std::vector<std::pair<std::int64_t, std::int64_t>> ranges{
      {0, 9},
      {-5, 5},
      {7, 7},
      {kI64Min, kI64Max},                                 // 2^64 values: the raw draw
      {0, kI64Max},                                       // 2^63: a power of two, never rejects
      {-(std::int64_t{1} << 62), std::int64_t{1} << 62},  // 2^63 + 1: rejects about half
      {kI64Min, kI64Min + 2},
      {kI64Max - 2, kI64Max},
  };
  for (const auto& [lo, hi] : ranges) {
    RandomStream s(kSeed, kName);
    ref::Xoshiro r = ref::stream(kSeed, kName);
    for (int i = 0; i < 10'000; ++i) {
      const std::int64_t v = s.uniform(lo, hi);
      ASSERT_EQ(v, ref::uniform(r, lo, hi)) << "[" << lo << ", " << hi << "] draw " << i;
      ASSERT_GE(v, lo);
      ASSERT_LE(v, hi);
    }
    // The same number of raw draws was consumed, rejections included.
    EXPECT_EQ(s.next_u64(), r.next());
  }
}

TEST(RandomUniform, RejectionHappensForAwkwardRanges) {
  // With 2^63 + 1 values about half the raw draws are rejected, so 10,000 results must
  // consume clearly more than 10,000 draws: find where the stream stands afterwards.
  RandomStream s(kSeed, kName);
  for (int i = 0; i < 10'000; ++i)
    (void)s.uniform(-(std::int64_t{1} << 62), std::int64_t{1} << 62);
  const std::uint64_t after = s.next_u64();
  ref::Xoshiro r = ref::stream(kSeed, kName);
  int consumed = 0;
  while (r.next() != after)
    ++consumed;
  EXPECT_GT(consumed, 15'000);
  EXPECT_LT(consumed, 25'000);
}

TEST(RandomUniform, BucketsWithinFiveSigma) {
  constexpr int kDraws = 100'000;
  RandomStream s(7, "stats/uniform");
  std::array<int, 10> counts{};
  for (int i = 0; i < kDraws; ++i)
    ++counts[static_cast<std::size_t>(s.uniform(0, 9))];
  const double expected = kDraws / 10.0;
  const double sigma = std::sqrt(kDraws * 0.1 * 0.9);
  for (std::size_t b = 0; b < counts.size(); ++b) {
    EXPECT_NEAR(counts[b], expected, 5 * sigma) << "bucket " << b;
  }
}

// --- bernoulli and Probability ---

TEST(RandomProbability, FromDoubleIsExactScaling) {
  EXPECT_EQ(Probability::from_double(0.0), Probability::never());
  EXPECT_EQ(Probability::from_double(-0.0), Probability::never());
  EXPECT_EQ(Probability::from_double(1.0), Probability::always());
  EXPECT_TRUE(Probability::from_double(1.0).is_always());
  EXPECT_EQ(Probability::from_double(0.25).threshold(), std::uint64_t{1} << 62);
  EXPECT_EQ(Probability::from_double(0.5).threshold(), std::uint64_t{1} << 63);
  EXPECT_EQ(Probability::from_double(0.3).threshold(), 0x4ccccccccccccc00u);
  // The largest double below 1 is 1 - 2^-53: its threshold is 2^64 - 2^11.
  EXPECT_EQ(Probability::from_double(std::nextafter(1.0, 0.0)).threshold(), kU64Max - 2047);
  EXPECT_FALSE(Probability::from_double(std::nextafter(1.0, 0.0)).is_always());
  EXPECT_EQ(Probability::from_double(0x1p-64).threshold(), 1u);
  EXPECT_EQ(Probability::from_double(0x1p-65).threshold(), 0u);  // truncated
  EXPECT_EQ(Probability::from_double(std::numeric_limits<double>::denorm_min()).threshold(), 0u);
}

TEST(RandomProbability, FromRatioIsExactFloor) {
  EXPECT_EQ(Probability::from_ratio(1, 4), Probability::from_double(0.25));
  EXPECT_EQ(Probability::from_ratio(1, 3).threshold(), 0x5555555555555555u);
  EXPECT_EQ(Probability::from_ratio(2, 3).threshold(), 0xaaaaaaaaaaaaaaaau);
  EXPECT_EQ(Probability::from_ratio(0, 7), Probability::never());
  EXPECT_EQ(Probability::from_ratio(7, 7), Probability::always());
  EXPECT_EQ(Probability::from_ratio(kU64Max - 1, kU64Max).threshold(), kU64Max - 1);
  EXPECT_EQ(Probability::from_ratio(1, kU64Max).threshold(), 1u);
  EXPECT_EQ(Probability{}, Probability::never());
  EXPECT_EQ(Probability::from_threshold(123).threshold(), 123u);
  EXPECT_FALSE(Probability::from_threshold(kU64Max).is_always());
}

TEST(RandomProbability, BadValuesThrow) {
  expect_invalid([] { (void)Probability::from_double(-0.1); }, {"-0.1", "[0, 1]"});
  expect_invalid([] { (void)Probability::from_double(1.5); }, {"1.5"});
  expect_invalid([] { (void)Probability::from_double(std::nextafter(1.0, 2.0)); },
                 {"1.0000000000000002"});
  expect_invalid([] { (void)Probability::from_double(std::nan("")); }, {"nan"});
  expect_invalid([] { (void)Probability::from_double(std::numeric_limits<double>::infinity()); },
                 {"inf"});
  expect_invalid([] { (void)Probability::from_ratio(3, 2); }, {"3 / 2"});
  expect_invalid([] { (void)Probability::from_ratio(0, 0); }, {"0 / 0"});
}

TEST(RandomBernoulli, AlwaysAndNeverAreCertain) {
  RandomStream s(kSeed, kName);
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_TRUE(s.bernoulli(Probability::always()));
    ASSERT_FALSE(s.bernoulli(Probability::never()));
  }
}

TEST(RandomBernoulli, ConsumesExactlyOneDrawWhateverP) {
  for (Probability p :
       {Probability::never(), Probability::from_ratio(1, 3), Probability::always()}) {
    RandomStream s(kSeed, kName);
    RandomStream raw(kSeed, kName);
    for (int i = 0; i < 10; ++i) {
      const std::uint64_t x = raw.next_u64();
      EXPECT_EQ(s.bernoulli(p), p.is_always() || x < p.threshold());
    }
    EXPECT_EQ(s.next_u64(), raw.next_u64());
  }
}

TEST(RandomBernoulli, QuarterFrequencyWithinFiveSigma) {
  constexpr int kDraws = 100'000;
  RandomStream s(11, "stats/bernoulli");
  const Probability p = Probability::from_double(0.25);
  int hits = 0;
  for (int i = 0; i < kDraws; ++i)
    hits += s.bernoulli(p) ? 1 : 0;
  EXPECT_NEAR(hits, kDraws * 0.25, 5 * std::sqrt(kDraws * 0.25 * 0.75));
}

// --- heavy_tail ---

// The exact mean of heavy_tail(min, max, q) from docs/determinism.md, in floating point
// (test only). K is the last octave whose lower bound min*2^K is <= max.
double heavy_tail_mean(std::int64_t min, std::int64_t max, double q) {
  int top = 0;
  while ((min << (top + 1)) <= max)
    ++top;
  double mean = 0;
  for (int k = 0; k < top; ++k) {
    const double octave = static_cast<double>(min << k);
    mean += (1 - q) * std::pow(q, k) * (octave + (octave - 1) / 2);
  }
  const std::int64_t octave = min << top;
  const std::int64_t c = max - octave;
  double top_mean = 0;
  if (c >= octave - 1) {
    top_mean = static_cast<double>(octave) + static_cast<double>(octave - 1) / 2;
  } else {
    const double l = static_cast<double>(octave);
    const double cd = static_cast<double>(c);
    top_mean = l + (cd * (cd + 1) / 2 + (l - 1 - cd) * cd) / l;
  }
  return mean + std::pow(q, top) * top_mean;
}

// Sample mean within 5 standard errors (estimated from the sample) of the exact mean.
void expect_heavy_tail_mean(std::uint64_t seed, Tock min, Tock max, Probability tail) {
  constexpr int kDraws = 100'000;
  RandomStream s(seed, "stats/heavy_tail");
  double sum = 0;
  double sum_sq = 0;
  for (int i = 0; i < kDraws; ++i) {
    const Tock v = s.heavy_tail(min, max, tail);
    ASSERT_GE(v, min);
    ASSERT_LE(v, max);
    const auto x = static_cast<double>(v.count());
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / kDraws;
  const double variance = sum_sq / kDraws - mean * mean;
  const double q = static_cast<double>(tail.threshold()) * 0x1p-64;
  const double expected = heavy_tail_mean(min.count(), max.count(), q);
  EXPECT_NEAR(mean, expected, 5 * std::sqrt(variance / kDraws))
      << "min " << min.count() << " max " << max.count() << " q " << q;
}

TEST(RandomHeavyTail, DocumentedUnboundedMeanFormula) {
  // With max far away the cap is almost invisible and the mean is close to
  // (3*min*(1-q)/(1-2q) - 1)/2: the cap takes q^K * (a conditional mean of order max) off it,
  // here 0.2^19 * ~3e8 ~ 2e-5 ns.
  const double q = static_cast<double>(Probability::from_ratio(1, 5).threshold()) * 0x1p-64;
  EXPECT_NEAR(heavy_tail_mean(1000, 1'000'000'000, q), (3 * 1000 * (1 - q) / (1 - 2 * q) - 1) / 2,
              1e-3);
  EXPECT_NEAR(heavy_tail_mean(1000, 1'000'000'000, q), 1999.5, 1e-3);
  expect_heavy_tail_mean(3, Tock{1000}, Tock{1'000'000'000}, Probability::from_ratio(1, 5));
}

TEST(RandomHeavyTail, CappedMeanMatchesExactFormula) {
  // q = 1/2 has no finite unbounded mean; the cap at 10 ms (top octave 8 ms, clamped) does.
  expect_heavy_tail_mean(5, Tock{1'000'000}, Tock{10'000'000}, Probability::from_ratio(1, 2));
  expect_heavy_tail_mean(6, Tock{1'000'000}, Tock{1'500'000}, Probability::from_double(0.3));
}

TEST(RandomHeavyTail, OctavesAndClamp) {
  RandomStream s(kSeed, kName);
  for (int i = 0; i < 1000; ++i) {
    // Never a tail: the first octave [min, 2 min).
    const Tock first = s.heavy_tail(Tock{100}, Tock{1'000'000}, Probability::never());
    ASSERT_GE(first, Tock{100});
    ASSERT_LT(first, Tock{200});
    // Always a tail: the top octave [800, 1600) clamped to 1000.
    const Tock top = s.heavy_tail(Tock{100}, Tock{1000}, Probability::always());
    ASSERT_GE(top, Tock{800});
    ASSERT_LE(top, Tock{1000});
    // min == max: the only value.
    ASSERT_EQ(s.heavy_tail(Tock{5}, Tock{5}, Probability::always()), Tock{5});
  }
}

TEST(RandomHeavyTail, ExtremeBoundsDoNotOverflow) {
  RandomStream s(kSeed, kName);
  const Tock max{kI64Max};
  for (int i = 0; i < 1000; ++i) {
    const Tock v = s.heavy_tail(Tock{1}, max, Probability::always());
    ASSERT_GE(v, Tock{std::int64_t{1} << 62});
    ASSERT_LE(v, max);
    const Tock w = s.heavy_tail(Tock{kI64Max - 1}, max, Probability::from_double(0.5));
    ASSERT_GE(w, Tock{kI64Max - 1});
  }
}

// --- argument errors ---

TEST(RandomErrors, DrawArgumentsAreChecked) {
  RandomStream s(kSeed, kName);
  expect_invalid([&] { (void)s.uniform(5, 3); }, {"lo = 5", "hi = 3", "link/a->b/loss"});
  expect_invalid([&] { (void)s.uniform_duration(Tock{-1}, Tock{5}); }, {"lo = -1 ns", "negative"});
  expect_invalid([&] { (void)s.uniform_duration(Tock{9}, Tock{2}); }, {"lo = 9 ns", "hi = 2 ns"});
  expect_invalid([&] { (void)s.heavy_tail(Tock{0}, Tock{5}, Probability::never()); },
                 {"min = 0 ns", "positive"});
  expect_invalid([&] { (void)s.heavy_tail(Tock{-3}, Tock{5}, Probability::never()); },
                 {"min = -3 ns"});
  expect_invalid([&] { (void)s.heavy_tail(Tock{10}, Tock{5}, Probability::never()); },
                 {"min = 10 ns", "max = 5 ns", "min > max"});
}

TEST(RandomErrors, ARefusedCallConsumesNoDraws) {
  RandomStream s(kSeed, kName);
  RandomStream untouched(kSeed, kName);
  EXPECT_THROW((void)s.uniform(1, 0), std::invalid_argument);
  EXPECT_THROW((void)s.heavy_tail(Tock{2}, Tock{1}, Probability::always()), std::invalid_argument);
  EXPECT_EQ(s.next_u64(), untouched.next_u64());
}

}  // namespace random_test
}  // namespace
}  // namespace hio

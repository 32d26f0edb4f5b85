// SHA-256 against the NIST test vectors (FIPS 180-4 examples, CAVP short messages).
#include "results/sha256.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace fnesim {
namespace {

TEST(Sha256, MatchesTheNistExamples) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(
      sha256_hex(
          "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
          "mnopqrstnopqrstu"),
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, MillionAs) {
  EXPECT_EQ(sha256_hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PaddingBoundariesAndIncrementalUpdates) {
  // 55, 56 and 64 bytes straddle the one-or-two-block padding cases; feeding
  // the text in pieces must not change the digest.
  for (std::size_t length : {55u, 56u, 63u, 64u, 65u, 119u, 120u}) {
    const std::string text(length, 'x');
    Sha256 pieces;
    for (std::size_t i = 0; i < length; i += 7) pieces.update(std::string_view(text).substr(i, 7));
    const auto digest = pieces.finish();
    std::string hex;
    for (auto byte : digest) {
      char two[3];
      std::snprintf(two, sizeof two, "%02x", byte);
      hex += two;
    }
    EXPECT_EQ(hex, sha256_hex(text)) << length;
  }
  // Python: hashlib.sha256(b"x" * 56).hexdigest()
  EXPECT_EQ(sha256_hex(std::string(56, 'x')),
            "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
}

}  // namespace
}  // namespace fnesim

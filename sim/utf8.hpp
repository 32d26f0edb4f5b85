#pragma once
// Well-formed UTF-8 (RFC 3629, the Unicode Standard's table 3-7): no overlong
// form, no surrogate, nothing above U+10FFFF. Text from outside — a file, a
// file name, a request — may be anything; what fnesim writes as text (JSON)
// and what it reads as UTF-8 (actuals) ask here.
#include <cstddef>
#include <string>
#include <string_view>

namespace fnesim {

// The length of the well-formed sequence that starts at text[i], 0 when it
// is ill-formed (or cut short by the end of the text).
inline std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = static_cast<unsigned char>(text[i]);
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the second byte's range
  if (byte < 0x80) return 1;
  if (byte >= 0xC2 && byte <= 0xDF)
    length = 2;
  else if (byte == 0xE0)
    length = 3, low = 0xA0;
  else if ((byte >= 0xE1 && byte <= 0xEC) || byte == 0xEE || byte == 0xEF)
    length = 3;
  else if (byte == 0xED)
    length = 3, high = 0x9F;
  else if (byte == 0xF0)
    length = 4, low = 0x90;
  else if (byte >= 0xF1 && byte <= 0xF3)
    length = 4;
  else if (byte == 0xF4)
    length = 4, high = 0x8F;
  else
    return 0;
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF)) return 0;
  }
  return length;
}

// The offset of the first byte that does not belong to a well-formed
// sequence, or npos.
inline std::size_t first_invalid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

// The text as well-formed UTF-8: each byte of no well-formed sequence (a
// file name in another encoding) becomes U+FFFD, the rest is kept.
inline std::string well_formed_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t length = utf8_sequence_length(text, i); length > 0) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

}  // namespace fnesim

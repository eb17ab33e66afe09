// Word splitting of instruction arguments and flags, before any variable
// expansion: quotes and escapes stay in the words (ParseWords) or are
// removed (ExtractBuilderFlags), exactly as BuildKit's parser does it.
#include "base/utf8.h"
#include "dockerfile/line_parsers.h"
#include "dockerfile/text.h"

namespace zlayer::dockerfile {
namespace {

class RuneCursor {
 public:
  explicit RuneCursor(std::string_view s) : s_(s) {}
  bool AtEnd() const { return pos_ >= s_.size(); }
  // The rune at the cursor; only valid when !AtEnd().
  base::Rune Peek() const { return base::DecodeRune(s_.substr(pos_)); }
  void Advance(size_t width) { pos_ += width; }
  bool IsLast(size_t width) const { return pos_ + width == s_.size(); }
  std::string_view Rest() const { return s_.substr(pos_); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<std::string> ParseWords(std::string_view rest, char32_t escape) {
  std::vector<std::string> words;
  std::string word;
  bool in_quote = false;
  bool blank_ok = false;  // a quoted empty string still counts as a word
  bool in_word = false;
  char32_t quote = 0;
  RuneCursor cur(rest);
  auto flush = [&] {
    if (blank_ok || !word.empty()) words.push_back(word);
    word.clear();
    blank_ok = false;
  };
  while (!cur.AtEnd()) {
    base::Rune d = cur.Peek();
    if (!in_word) {
      if (base::IsSpaceRune(d.value)) {
        cur.Advance(d.length);
        continue;
      }
      in_word = true;
    }
    if (!in_quote) {
      if (base::IsSpaceRune(d.value)) {
        in_word = false;
        flush();
        cur.Advance(d.length);
        continue;
      }
      if (d.value == '\'' || d.value == '"') {
        quote = d.value, blank_ok = true, in_quote = true;
      }
      if (d.value == escape) {
        if (cur.IsLast(d.length)) break;  // a trailing escape is dropped
        // An escape keeps itself and the next rune, even a quote.
        base::AppendRune(word, d.value);
        cur.Advance(d.length);
        d = cur.Peek();
      }
      base::AppendRune(word, d.value);
      cur.Advance(d.length);
      continue;
    }
    if (d.value == quote) in_quote = false;
    // Nothing can be escaped inside single quotes.
    if (d.value == escape && quote != '\'') {
      if (cur.IsLast(d.length)) {
        in_quote = false;
        break;
      }
      base::AppendRune(word, d.value);
      cur.Advance(d.length);
      d = cur.Peek();
    }
    base::AppendRune(word, d.value);
    cur.Advance(d.length);
  }
  if (in_word) flush();
  return words;
}

SplitFlags ExtractBuilderFlags(std::string_view line, char32_t escape) {
  // BuildKit walks bytes here and so turns non-ASCII flag values into
  // mojibake; we walk runes, which is the same for every ASCII input.
  SplitFlags out;
  std::string word;
  bool in_word = false;
  bool in_quote = false;
  bool blank_ok = false;
  char32_t quote = 0;
  RuneCursor cur(line);
  while (!cur.AtEnd()) {
    base::Rune d = cur.Peek();
    if (!in_word) {
      if (base::IsSpaceRune(d.value)) {
        cur.Advance(d.length);
        continue;
      }
      if (!cur.Rest().starts_with("--")) {
        out.rest = std::string(cur.Rest());
        return out;
      }
      in_word = true;
    }
    if (!in_quote) {
      if (base::IsSpaceRune(d.value)) {
        if (word == "--") {
          out.rest = std::string(cur.Rest());
          return out;
        }
        if (blank_ok || !word.empty()) out.flags.push_back(word);
        word.clear();
        in_word = false, blank_ok = false;
        cur.Advance(d.length);
        continue;
      }
      if (d.value == '\'' || d.value == '"') {
        quote = d.value, blank_ok = true, in_quote = true;
        cur.Advance(d.length);
        continue;
      }
    } else if (d.value == quote) {
      in_quote = false;
      cur.Advance(d.length);
      continue;
    }
    if (d.value == escape) {
      if (cur.IsLast(d.length)) {
        in_quote = false;
        cur.Advance(d.length);
        continue;
      }
      cur.Advance(d.length);
      d = cur.Peek();
    }
    base::AppendRune(word, d.value);
    cur.Advance(d.length);
  }
  if (in_word && word != "--" && (blank_ok || !word.empty())) {
    out.flags.push_back(word);
  }
  return out;
}

}  // namespace zlayer::dockerfile

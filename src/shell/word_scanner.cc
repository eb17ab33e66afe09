#include "shell/word_scanner.h"

#include <utility>

#include "shell/utf8.h"

namespace zlayer::shell::internal {

void WordBuilder::AppendSplitting(std::string_view text) {
  text_.append(text);
  if (!split_words_) return;
  for (std::size_t pos = 0; pos < text.size();) {
    const Rune rune = DecodeRune(text, pos);
    if (!IsSpaceRune(rune.value)) {
      word_.append(text.substr(pos, rune.length));
    } else if (!word_.empty()) {
      words_.push_back(std::move(word_));
      word_.clear();
    }
    pos += rune.length;
  }
}

void WordBuilder::AppendVerbatim(std::string_view text) {
  text_.append(text);
  if (split_words_) word_.append(text);
}

std::vector<std::string> WordBuilder::TakeWords() {
  // Like the blanks between words, quotes that enclose nothing ('' or "")
  // leave no word behind.
  if (!word_.empty()) words_.push_back(std::move(word_));
  word_.clear();
  return std::move(words_);
}

Status WordScanner::ScanAll(WordBuilder& out) {
  return ScanUntil(std::nullopt, options_.raw_escapes, out);
}

Status WordScanner::ScanUntil(std::optional<char> stop, bool raw_escapes,
                              WordBuilder& out) {
  const bool quotes = !options_.skip_process_quotes;
  while (!AtEnd()) {
    const char c = input_[pos_];
    if (stop && c == *stop) {
      ++pos_;
      return Ok();
    }
    if (c == '$') {
      ZL_ASSIGN_OR_RETURN(const std::string value, ScanDollar());
      out.AppendSplitting(value);
    } else if (c == '<') {
      out.AppendVerbatim(ScanAngleBrackets());
    } else if (quotes && (c == '\'' || c == '"')) {
      ZL_ASSIGN_OR_RETURN(
          const std::string quoted,
          c == '\'' ? ScanSingleQuoted() : ScanDoubleQuoted(raw_escapes));
      out.AppendVerbatim(quoted);
    } else if (c == options_.escape) {
      ScanEscape(raw_escapes, out);
    } else {
      const std::string_view rune = CurrentRune();
      out.AppendSplitting(rune);
      pos_ += rune.size();
    }
  }
  if (stop) {
    return Fail(std::string("unexpected end of statement while looking for ") +
                    "matching " + *stop,
                ErrorKind::kInvalid);
  }
  return Ok();
}

Result<std::string> WordScanner::ScanOperand(char stop, bool raw_escapes,
                                             std::string_view missing) {
  WordBuilder operand(/*split_words=*/false);
  if (Status scanned = ScanUntil(stop, raw_escapes, operand); !scanned) {
    // Whatever failed inside, if the input ran out the real problem is the
    // unclosed ${...}: `${a:-'x}` lacks a '}', not a quote.
    if (AtEnd()) return Fail(std::string(missing), ErrorKind::kInvalid);
    return std::unexpected(std::move(scanned).error());
  }
  return operand.TakeText();
}

void WordScanner::ScanEscape(bool raw_escapes, WordBuilder& out) {
  const std::string_view token = input_.substr(pos_++, 1);
  if (raw_escapes) out.AppendVerbatim(token);
  // A trailing escape token escapes nothing and is dropped.
  if (AtEnd()) return;
  const std::string_view escaped = CurrentRune();
  out.AppendVerbatim(escaped);
  pos_ += escaped.size();
}

Result<std::string> WordScanner::ScanSingleQuoted() {
  const std::size_t open = pos_;
  const std::size_t close = input_.find('\'', open + 1);
  if (close == std::string_view::npos) {
    pos_ = input_.size();
    return Fail(
        "unexpected end of statement while looking for matching single-quote",
        ErrorKind::kInvalid);
  }
  pos_ = close + 1;
  if (options_.raw_quotes) return std::string(input_.substr(open, pos_ - open));
  return std::string(input_.substr(open + 1, close - open - 1));
}

Result<std::string> WordScanner::ScanDoubleQuoted(bool raw_escapes) {
  std::string text;
  if (options_.raw_quotes) text += '"';
  ++pos_;
  while (!AtEnd()) {
    const char c = input_[pos_];
    if (c == '"') {
      ++pos_;
      if (options_.raw_quotes) text += '"';
      return text;
    }
    if (c == '$') {
      ZL_ASSIGN_OR_RETURN(const std::string value, ScanDollar());
      text += value;
      continue;
    }
    ++pos_;
    // Inside double quotes the escape token only escapes `"`, `$` and
    // itself; before anything else it is an ordinary character.
    const bool escapes_next =
        c == options_.escape && (Peek('"') || Peek('$') || Peek(c));
    if (!escapes_next) {
      text += c;
      continue;
    }
    if (raw_escapes) text += c;
    text += input_[pos_++];
  }
  return Fail(
      "unexpected end of statement while looking for matching double-quote",
      ErrorKind::kInvalid);
}

std::string WordScanner::ScanAngleBrackets() {
  // BuildKit keeps the blanks after `<<` in the current word, so that the
  // parser sees `<< EOF` as one heredoc operator.
  const std::size_t start = pos_++;
  if (Peek('<')) {
    ++pos_;
    while (Peek(' ') || Peek('\t') || Peek('\r')) ++pos_;
  }
  return std::string(input_.substr(start, pos_ - start));
}

std::string_view WordScanner::CurrentRune() const {
  return input_.substr(pos_, DecodeRune(input_, pos_).length);
}

}  // namespace zlayer::shell::internal

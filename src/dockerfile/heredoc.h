// Finding the heredocs an instruction line opens (`RUN <<EOF`, `COPY <<-"A"
// <<B /dst/`), with BuildKit's rules for the delimiter word.
#ifndef ZLAYER_DOCKERFILE_HEREDOC_H_
#define ZLAYER_DOCKERFILE_HEREDOC_H_

#include <optional>
#include <string_view>
#include <vector>

#include "dockerfile/node.h"
#include "zlayer/result.h"

namespace zlayer::dockerfile {

// The heredoc a single word opens (`<<EOF`, `<<-'EOF'`, `3<<EOF`), or
// nothing when the word is not a heredoc. Contents are left empty.
Result<std::optional<Heredoc>> ParseHeredoc(std::string_view word);

// Every heredoc a whole instruction line opens, in order.
Result<std::vector<Heredoc>> HeredocsFromLine(std::string_view line);

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_HEREDOC_H_

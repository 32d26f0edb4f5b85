# Writes the git revision the build is made from into OUTPUT (a header), at
# every build rather than at configure time: a tree rebuilt after a commit,
# or with changes not committed, would otherwise stamp its run files with a
# revision they do not come from. The header is rewritten only when the
# revision changes, so an unchanged tree recompiles nothing.
# Run as: cmake -DSOURCE_DIR=... -DOUTPUT=... -P git_revision.cmake
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
if(failed OR NOT revision)
  set(revision "unknown")
else()
  # Tracked files changed since that commit: the binary is not that commit's.
  # (status, not diff-index: it refreshes the index first, so a file merely
  # touched is not counted as changed.)
  execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE changed OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(changed)
    string(APPEND revision "-modified")
  endif()
endif()
set(text "#pragma once\n// Generated at build time by cmake/git_revision.cmake: do not edit.\nnamespace fnesim {\ninline constexpr const char* git_revision = \"${revision}\";\n}  // namespace fnesim\n")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} previous)
endif()
if(NOT previous STREQUAL text)
  file(WRITE ${OUTPUT} "${text}")
endif()

# Writes the git revision the build is made from into OUTPUT (a header), at
# every build rather than at configure time: a tree rebuilt after a commit,
# or with changes not committed, would otherwise stamp its run files with a
# revision they do not come from. The header is rewritten only when the
# revision changes, so an unchanged tree recompiles nothing.
# Run as: cmake -DSOURCE_DIR=... -DOUTPUT=... -P git_revision.cmake

# Only the sources' own checkout counts: sources exported (git archive) into
# another repository's tree would otherwise be stamped with its revision.
execute_process(COMMAND git rev-parse --show-toplevel WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE toplevel OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
if(NOT failed)
  file(REAL_PATH "${toplevel}" toplevel)
  file(REAL_PATH "${SOURCE_DIR}" source)
  if(NOT toplevel STREQUAL source)
    set(failed TRUE)
  endif()
endif()
if(NOT failed)
  execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
endif()
if(failed OR NOT revision)
  set(revision "unknown")
else()
  # Tracked files changed since that commit: the binary is not that commit's.
  # (status, not diff-index, so that a file merely touched is not counted as
  # changed; without optional locks, so that a build never writes the index
  # and never races the planner's own git commands for its lock.)
  execute_process(COMMAND git --no-optional-locks status --porcelain --untracked-files=no
                  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE changed OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  # Files the build reads that git does not track yet change the binary too:
  # the CMake globs compile a new source, or embed a new scenario, that the
  # commit does not have. Other untracked files (a run file written in the
  # checkout) do not count.
  execute_process(COMMAND git ls-files --others --exclude-standard -- CMakeLists.txt CMakePresets.json cmake models
                          sim results cli ":(glob)scenarios/*.toml"
                  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE untracked OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(changed OR untracked)
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

# The documentation's example suite (docs/architecture.md, between <!-- example-suite:begin --> and
# <!-- example-suite:end -->) compiled against the project's headers with warnings as errors: the how-to cannot drift
# from the suite API.
# -DROOT=<source dir> -DCC=<C compiler> -DOUT=<scratch dir> -DINCLUDES=<;-list of include dirs>
file(READ "${ROOT}/docs/architecture.md" page)
string(FIND "${page}" "<!-- example-suite:begin -->" begin)
string(FIND "${page}" "<!-- example-suite:end -->" end)
if(begin LESS 0 OR end LESS begin)
    message(FATAL_ERROR "docs/architecture.md has no example-suite block")
endif()
math(EXPR length "${end} - ${begin}")
string(SUBSTRING "${page}" ${begin} ${length} block)
string(REGEX REPLACE "^[^\n]*\n```c\n" "" block "${block}")
string(REGEX REPLACE "```[ \n]*$" "" block "${block}")
file(WRITE "${OUT}/example_suite.c" "${block}")
set(flags -std=c11 -Wall -Wextra -Werror -fsyntax-only -DCL_TARGET_OPENCL_VERSION=120 -D_POSIX_C_SOURCE=200809L)
foreach(dir ${INCLUDES})
    list(APPEND flags -I${dir})
endforeach()
execute_process(COMMAND ${CC} ${flags} "${OUT}/example_suite.c" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the example suite of docs/architecture.md does not compile:\n${out}")
endif()
message(STATUS "docs/architecture.md example suite compiles (${OUT}/example_suite.c)")

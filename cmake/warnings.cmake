# Project-wide warning flags; OPENSET_WERROR makes them errors.
add_library(openset_warnings INTERFACE)
target_compile_options(openset_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(OPENSET_WERROR)
  target_compile_options(openset_warnings INTERFACE -Werror)
endif()

# openset_library(NAME SOURCES... DEPS ...): one layer of the stack.
function(openset_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(openset_${name} STATIC ${ARG_SOURCES})
  add_library(openset::${name} ALIAS openset_${name})
  target_include_directories(openset_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(openset_${name} PUBLIC ${ARG_DEPS} PRIVATE openset_warnings)
endfunction()

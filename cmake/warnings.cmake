# Project-wide warning flags; OPENSET_WERROR makes them errors.
add_library(openset_warnings INTERFACE)
target_compile_options(openset_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
# GCC 12 with optimisation reports false positives inside libstdc++ (std::string operator+,
# vector insert, std::variant moves): -Wrestrict (GCC bugs 105329, 105651), -Wstringop-*,
# -Warray-bounds, -Wmaybe-uninitialized and (at -O3) -Wfree-nonheap-object. They are reliable
# again from GCC 13.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(openset_warnings INTERFACE -Wno-restrict -Wno-stringop-overread
                         -Wno-stringop-overflow -Wno-array-bounds -Wno-maybe-uninitialized
                         -Wno-free-nonheap-object)
endif()
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

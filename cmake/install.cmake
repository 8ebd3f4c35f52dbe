# `cmake --install build [--prefix DIR]`: the gatehouse binary, the library
# (static: libgatehouse_core.a and Boost's compiled parts in
# libgatehouse_boost.a), the public headers, a CMake package
# (find_package(gatehouse) -> gatehouse::gatehouse) and a pkg-config file
# (pkg-config --cflags --libs gatehouse). examples/library builds against it.
include(CMakePackageConfigHelpers)

set(GATEHOUSE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/gatehouse)

set_target_properties(gatehouse_core PROPERTIES EXPORT_NAME gatehouse)
set_target_properties(gatehouse_boost PROPERTIES EXPORT_NAME boost_parts)
install(TARGETS gatehouse_core gatehouse_boost EXPORT gatehouseTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS gatehouse RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/gatehouse DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT gatehouseTargets NAMESPACE gatehouse:: DESTINATION ${GATEHOUSE_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/gatehouseConfig.cmake.in
  ${PROJECT_BINARY_DIR}/gatehouseConfig.cmake INSTALL_DESTINATION ${GATEHOUSE_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/gatehouseConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/gatehouseConfig.cmake ${PROJECT_BINARY_DIR}/gatehouseConfigVersion.cmake
  DESTINATION ${GATEHOUSE_CMAKE_DIR})

list(TRANSFORM GATEHOUSE_BOOST_DEFINITIONS PREPEND "-D" OUTPUT_VARIABLE GATEHOUSE_PC_DEFINITIONS)
list(JOIN GATEHOUSE_PC_DEFINITIONS " " GATEHOUSE_PC_DEFINITIONS)
# From <prefix>/<libdir>/pkgconfig back to <prefix> ("lib" is two levels
# below, Debian's "lib/x86_64-linux-gnu" three).
string(REPLACE "/" ";" GATEHOUSE_LIBDIR_PARTS "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
set(GATEHOUSE_PC_UP "")
foreach(part IN LISTS GATEHOUSE_LIBDIR_PARTS)
  string(APPEND GATEHOUSE_PC_UP "../")
endforeach()
string(REGEX REPLACE "/$" "" GATEHOUSE_PC_UP "${GATEHOUSE_PC_UP}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/gatehouse.pc.in ${PROJECT_BINARY_DIR}/gatehouse.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/gatehouse.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

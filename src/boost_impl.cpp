// The one translation unit that compiles Boost.Asio, Beast, JSON and URL.
// Every other file includes only their headers (BOOST_*_SEPARATE_COMPILATION),
// which keeps incremental builds fast on small machines.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>

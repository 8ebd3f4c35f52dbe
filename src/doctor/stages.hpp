#pragma once
// The doctor's stages, in the order doctor.cpp runs them. Each records its
// checks' results in the examination's findings and leaves what later
// stages need.
#include "doctor/examination.hpp"

#include <boost/asio/awaitable.hpp>

namespace gatehouse::doctor {

// deploy.https, deploy.port, deploy.address (no request to the server).
boost::asio::awaitable<void> check_address(Examination& exam);
// The first request (an unauthenticated initialize): deploy.certificate,
// deploy.redirect, deploy.user_agent.
boost::asio::awaitable<void> check_first_answer(Examination& exam);
// auth.* and the auth type Claude would get.
boost::asio::awaitable<void> check_discovery(Examination& exam);
// dcr.register, dcr.claude_com.
boost::asio::awaitable<void> check_registration(Examination& exam);
// authorize.*.
boost::asio::awaitable<void> check_authorize(Examination& exam);
// token.*, revoke.unknown.
boost::asio::awaitable<void> check_token_endpoint(Examination& exam);
// flow.* (--interactive); leaves exam.access_token.
boost::asio::awaitable<void> run_interactive_flow(Examination& exam);
// flow.refresh and flow.revoke, after the transport checks used the token.
boost::asio::awaitable<void> check_refresh_and_revoke(Examination& exam);
// transport.* (with exam.access_token when the server needs one).
boost::asio::awaitable<void> check_transport(Examination& exam);
// dcr.delete: removes the probe's registrations.
boost::asio::awaitable<void> delete_registrations(Examination& exam);
// deploy.latency, from every exchange made.
void check_latency(Examination& exam);

}  // namespace gatehouse::doctor

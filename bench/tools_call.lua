-- wrk script: POST one MCP tools/call (the demo `echo` tool) per request.
--   MCP_SESSION_ID set: a 2025-11-25 request in that session (legacy era).
--   MCP_STATELESS=1:    a stateless 2026-07-28 request (_meta and headers).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
local session = os.getenv("MCP_SESSION_ID")
if os.getenv("MCP_STATELESS") == "1" then
  wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
  wrk.headers["Mcp-Method"] = "tools/call"
  wrk.headers["Mcp-Name"] = "echo"
  wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"},' ..
    '"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
else
  if session and session ~= "" then
    wrk.headers["Mcp-Session-Id"] = session
    wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
  end
  wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}'
end

-- Non-200 answers are counted so a broken run cannot pass for a fast one.
function done(summary, latency, requests)
  io.write(string.format("non-200: %d\n", summary.errors.status))
end

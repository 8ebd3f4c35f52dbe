-- wrk script: POST one MCP tools/call (the demo `echo` tool) per request.
--   MCP_SESSION_ID set: a 2025-11-25 request in that session (legacy era).
--   MCP_STATELESS=1:    a stateless 2026-07-28 request (_meta and headers).
--   MCP_BEARER set:     adds `Authorization: Bearer <MCP_BEARER>`.
--   MCP_TOOL, MCP_ARGUMENTS: another tool and its arguments as a JSON object
--                       (default `echo` with {"text":"hello"}).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
local session = os.getenv("MCP_SESSION_ID")
local bearer = os.getenv("MCP_BEARER")
if bearer and bearer ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. bearer
end
local tool = os.getenv("MCP_TOOL")
if not tool or tool == "" then tool = "echo" end
local arguments = os.getenv("MCP_ARGUMENTS")
if not arguments or arguments == "" then arguments = '{"text":"hello"}' end
if os.getenv("MCP_STATELESS") == "1" then
  wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
  wrk.headers["Mcp-Method"] = "tools/call"
  wrk.headers["Mcp-Name"] = tool
  wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"' .. tool .. '","arguments":' .. arguments .. ',' ..
    '"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
else
  if session and session ~= "" then
    wrk.headers["Mcp-Session-Id"] = session
    wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
  end
  wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"' .. tool .. '","arguments":' .. arguments .. '}}'
end

-- Non-200 answers are counted so a broken run cannot pass for a fast one.
function done(summary, latency, requests)
  io.write(string.format("non-200: %d\n", summary.errors.status))
end

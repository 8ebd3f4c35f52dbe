-- wrk script: POST one MCP tools/call (the demo `echo` tool) per request.
-- MCP_SESSION_ID, when set, is sent as Mcp-Session-Id (a legacy session).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
local session = os.getenv("MCP_SESSION_ID")
if session and session ~= "" then
  wrk.headers["Mcp-Session-Id"] = session
  wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
end
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}'

-- Count non-200 answers so a broken run cannot pass for a fast one.
local bad = 0
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
  io.write(string.format("non-200: %d\n", summary.errors.status))
end

-- wrk script: POST /api/v1/analyze with a distinct prompt per request (no durable write, so
-- the request path's own costs dominate), authenticated with BP_KEY.
local counter = 0
local key = os.getenv("BP_KEY") or ""

request = function()
  counter = counter + 1
  local body = string.format('{"text":"Why does variant %d of this query run slowly on PostgreSQL?"}', counter)
  return wrk.format("POST", "/api/v1/analyze",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }, body)
end

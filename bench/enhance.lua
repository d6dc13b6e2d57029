-- wrk script for B1: POST /api/v1/enhance with a distinct prompt per request (cache misses),
-- authenticated with the key in the BP_KEY environment variable.
local counter = 0
local key = os.getenv("BP_KEY") or ""
local subjects = { "a Rust web service", "our quarterly sales", "a birthday poem", "the French revolution",
  "a flaky CI pipeline", "a trip to Kyoto", "photosynthesis", "a marketing email" }

request = function()
  counter = counter + 1
  local subject = subjects[(counter % #subjects) + 1]
  local body = string.format('{"text":"Help me with %s, variant %d: explain the key points step by step."}', subject, counter)
  return wrk.format("POST", "/api/v1/enhance",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }, body)
end

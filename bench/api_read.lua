-- wrk script: authenticated reads of one enterprise, spread over the demo park's 30 enterprises.
-- The token comes from PB_TOKEN (bench/run.sh signs in first).
local token = os.getenv("PB_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
local path = os.getenv("PB_PATH")
local n = 0
request = function()
  n = n + 1
  if path and path ~= "" then
    return wrk.format("GET", path)
  end
  return wrk.format("GET", "/api/v1/enterprises/" .. ((n % 30) + 1))
end

-- wrk driver for scripts/benchmark.py: one script, three scenarios chosen by the first argument.
--
--   wrk ... -s driver.lua URL -- get PATH
--       GET PATH with no cookie (the hello world, /ping, the sign-in page).
--   wrk ... -s driver.lua URL -- module COOKIES PATH
--       GET PATH with each line of COOKIES (a Cookie header value) in turn.
--   wrk ... -s driver.lua URL -- heartbeat LINES
--       POST a watch report for each line of LINES in turn: cookie, CSRF token (URL-encoded),
--       item id and recording duration in seconds, separated by tabs. Each report covers a
--       random stretch of the recording (sometimes two), so that merges have work to do.
--
-- Every scenario builds its requests in Lua and counts response statuses, so the client does
-- the same work whatever it measures. done() prints one line, "BENCHMARK-RESULT {json}".

local USER_AGENT = "learning-benchmark"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

local function arguments(args)
  -- wrk passes the URL first; a "--" may or may not survive option parsing.
  local result = {}
  for i = 1, #args do
    if args[i] ~= "--" then table.insert(result, args[i]) end
  end
  return result
end

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then table.insert(lines, line) end
  end
  if #lines == 0 then error(path .. " is empty") end
  return lines
end

local function fields(line)
  local result = {}
  for field in string.gmatch(line, "[^\t]+") do table.insert(result, field) end
  return result
end

local mode, prepared, reports, index

function init(args)
  args = arguments(args)
  mode = args[1]
  statuses = {}
  index = thread_number
  math.randomseed(7919 * thread_number)
  if mode == "get" then
    prepared = { wrk.format("GET", args[2], { ["User-Agent"] = USER_AGENT }) }
  elseif mode == "module" then
    prepared = {}
    for _, cookie in ipairs(read_lines(args[2])) do
      table.insert(prepared, wrk.format("GET", args[3],
        { ["Cookie"] = cookie, ["User-Agent"] = USER_AGENT }))
    end
  elseif mode == "heartbeat" then
    reports = {}
    for _, line in ipairs(read_lines(args[2])) do
      local f = fields(line)
      table.insert(reports, {
        headers = { ["Cookie"] = f[1], ["User-Agent"] = USER_AGENT,
                    ["Content-Type"] = "application/x-www-form-urlencoded" },
        token = f[2],
        path = "/progress/items/" .. f[3] .. "/watch",
        duration = tonumber(f[4]),
      })
    end
  else
    error("unknown scenario: " .. tostring(mode))
  end
end

local function stretch(duration)
  local start = math.random(0, duration - 1) + math.random(0, 9) / 10
  local finish = math.min(duration, start + math.random(2, 15))
  return start, finish
end

local function watch_report(report)
  local a, b = stretch(report.duration)
  local intervals = string.format("[[%.1f,%.1f]]", a, b)
  if math.random() < 0.3 then
    local c, d = stretch(report.duration)
    intervals = string.format("[[%.1f,%.1f],[%.1f,%.1f]]", a, b, c, d)
  end
  local body = "intervals=" .. intervals:gsub("[%[%],]", function(c)
    return string.format("%%%02X", string.byte(c))
  end) .. string.format("&position=%.1f&csrf_token=%s", b, report.token)
  return wrk.format("POST", report.path, report.headers, body)
end

function request()
  if mode == "heartbeat" then
    index = index % #reports + 1
    return watch_report(reports[index])
  end
  index = index % #prepared + 1
  return prepared[index]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(counts) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCHMARK-RESULT {"requests": %d, "duration_us": %d, "p50_us": %.0f, "p99_us": %.0f, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}, '
      .. '"statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.timeout, errors.status,
    table.concat(parts, ", ")))
end

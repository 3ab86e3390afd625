-- wrk script of bench/load.py: each thread is one client (one connection) that GETs the paths given after
-- "--" in turn, keeps the session cookie it is given, as a browser does, and counts every answer that is not 200.
-- done() prints the phase's figures as one JSON line.

local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = args
  position = offset % #paths
  not_ok = 0
  cookie = nil
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position], cookie and { Cookie = cookie } or {})
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
  local given = headers["Set-Cookie"]
  if given then
    cookie = given:match("^[^;]+")
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "not_200": %d, "socket_errors": %d, "timeouts": %d, '
      .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, bad, errors.connect + errors.read + errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)
  ))
end

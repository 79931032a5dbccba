-- wrk script for the benchmark: one connection per thread (wrk -t N -c N), settings from the
-- environment (set by bench/loadgen.py).
--
-- BENCH_MODE=plain    GET BENCH_PATH again and again (the bare Flask ceiling).
-- BENCH_MODE=checkin  complete check-ins, one visitor after another: open /v/<venue token> with
--                     the visitor's device cookie, submit the page's check-in form (CSRF token,
--                     nonce) with the cookies it set, follow the redirect to the confirmation.
--
-- Latencies are taken with CLOCK_MONOTONIC through LuaJIT's FFI around each request: wrk calls
-- request() just before writing and response() when the response is complete. After
-- BENCH_SECONDS a thread finishes the check-in it is in and stops, so no check-in is cut off
-- half-way and the database can be compared with the count of successful ones. Each client writes
-- its own results (BENCH_OUT.<n>) when it stops; when every client has, bench/loadgen.py
-- interrupts wrk, whose done() adds only its socket-error counts. (Copying every thread's
-- latencies into done() with thread:get, as wrk allows, sometimes crashed wrk 4.1 at exit.)
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end

local mode = os.getenv("BENCH_MODE") or "plain"
local seconds = tonumber(os.getenv("BENCH_SECONDS") or "10")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local out_path = os.getenv("BENCH_OUT")
local stop_file = os.getenv("BENCH_STOP_FILE")
local stopped_file = os.getenv("BENCH_STOPPED_FILE")

-- main state: give each thread its number, collect results at the end --------------------------
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

-- thread state ----------------------------------------------------------------------------------
local venues, devices = {}, {}
local jar = {}
local step, vi, di = 0, 0, 0
local t_start, deadline, t_req, t_flow, next_start
local post_path, post_body, confirm_path
lat_page, lat_post, lat_confirm, lat_flow, at_post = {}, {}, {}, {}, {}
counts = { posts_ok = 0, posts_window = 0, flows_ok = 0, errors = 0, requests = 0, window_requests = 0 }
errors_seen = {}
local interval = 0
local finished = false -- this client has done its last check-in

local function load_slice(path, into)
  if not path then return end
  local n = 0
  for line in io.lines(path) do
    if n % nthreads == id and line ~= "" then table.insert(into, line) end
    n = n + 1
  end
end

function init(args)
  load_slice(os.getenv("BENCH_VENUES"), venues)
  load_slice(os.getenv("BENCH_DEVICES"), devices)
  if rate > 0 then interval = nthreads / rate * 1000000 end
  -- each run starts at another place in the venue list
  math.randomseed(math.floor(now_us()) + id * 7919)
  vi = math.random(0, math.max(#venues - 1, 0))
  local cookie = os.getenv("BENCH_DEVICE_COOKIE")
  if cookie then jar[cookie] = "" end
end

local function error_seen(kind, detail)
  counts.errors = counts.errors + 1
  errors_seen[kind] = (errors_seen[kind] or 0) + 1
  if detail and not errors_seen["example"] then errors_seen["example"] = kind .. ": " .. detail end
end

local function cookie_header()
  local parts = {}
  for name, value in pairs(jar) do
    if value ~= "" then table.insert(parts, name .. "=" .. value) end
  end
  return table.concat(parts, "; ")
end

local function take_cookies(headers)
  -- wrk keeps one value per header name; Flask writes its session cookie last.
  local set = headers["Set-Cookie"] or headers["set-cookie"]
  if not set then return end
  local name, value = set:match("^%s*([^=;]+)=([^;]*)")
  if not name then return end
  if set:lower():find("max%-age=0") or set:lower():find("expires=thu, 01 jan 1970") then
    value = ""
  end
  jar[name] = value
end

local function unescape(s)
  s = s:gsub("&#34;", '"'):gsub("&#39;", "'"):gsub("&quot;", '"'):gsub("&lt;", "<"):gsub("&gt;", ">")
  return (s:gsub("&amp;", "&"))
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function attr(tag, name)
  local v = tag:match("%s" .. name .. '%s*=%s*"([^"]*)"') or tag:match("%s" .. name .. "%s*=%s*'([^']*)'")
  return v and unescape(v)
end

-- The check-in form: the POST form holding a nonce, else the first POST form.
local function parse_form(body, page_path)
  local chosen
  for attrs, inner in body:gmatch("<form(.-)>(.-)</form>") do
    if (attr(" " .. attrs, "method") or ""):lower() == "post" then
      if inner:find('name="nonce"', 1, true) then chosen = { attrs, inner } break end
      chosen = chosen or { attrs, inner }
    end
  end
  if not chosen then return nil end
  local action = attr(" " .. chosen[1], "action")
  if not action or action == "" then action = page_path end
  action = action:gsub("^https?://[^/]+", "")
  local fields, submitted = {}, false
  for tag in chosen[2]:gmatch("<input(.-)>") do
    tag = " " .. tag
    local kind = (attr(tag, "type") or "text"):lower()
    local name = attr(tag, "name")
    if name and kind == "hidden" then
      table.insert(fields, urlencode(name) .. "=" .. urlencode(attr(tag, "value") or ""))
    elseif name and kind == "submit" and not submitted then
      table.insert(fields, urlencode(name) .. "=" .. urlencode(attr(tag, "value") or ""))
      submitted = true
    end
  end
  if not submitted then
    for tag in chosen[2]:gmatch("<button(.-)>") do
      tag = " " .. tag
      local kind = (attr(tag, "type") or "submit"):lower()
      local name = attr(tag, "name")
      if kind == "submit" then
        if name then table.insert(fields, urlencode(name) .. "=" .. urlencode(attr(tag, "value") or "")) end
        break
      end
    end
  end
  return action, table.concat(fields, "&")
end

-- Paced runs start each check-in on a schedule (BENCH_RATE check-ins per second in all); a
-- client that has finished asks for its cheap page only every 50 ms.
function delay()
  if finished then return 50 end
  if rate <= 0 or step ~= 0 then return 0 end
  local now = now_us()
  next_start = next_start or now
  local wait = next_start - now
  next_start = next_start + interval
  if wait <= 0 then return 0 end
  return math.floor(wait / 1000)
end

function request()
  local now = now_us()
  if not t_start then
    t_start = now
    deadline = now + seconds * 1000000
  end
  t_req = now
  if finished then
    return wrk.format("GET", os.getenv("BENCH_IDLE_PATH") or "/healthz")
  end
  if mode == "plain" then
    return wrk.format("GET", os.getenv("BENCH_PATH") or "/")
  end
  if step == 0 then
    di = di + 1
    vi = vi + 1
    local cookie = os.getenv("BENCH_DEVICE_COOKIE")
    jar = {}
    if cookie and #devices > 0 then jar[cookie] = devices[(di - 1) % #devices + 1] end
    t_flow = now
    return wrk.format("GET", "/v/" .. venues[(vi - 1) % #venues + 1], { Cookie = cookie_header() })
  elseif step == 1 then
    return wrk.format("POST", post_path, {
      Cookie = cookie_header(),
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, post_body)
  end
  return wrk.format("GET", confirm_path, { Cookie = cookie_header() })
end

local function stop_requested()
  if not stop_file then return false end
  local handle = io.open(stop_file)
  if handle then handle:close() return true end
  return false
end

-- After its last check-in a client reports (a line in BENCH_STOPPED_FILE) and only asks for a
-- cheap page, unmeasured, until bench/loadgen.py interrupts wrk once every client has reported.
-- (Stopping the thread instead would leave wrk's reconnected socket idle, and an idle socket
-- holds a gunicorn sync worker until its timeout.)
local function write_results()
  local out = assert(io.open(out_path .. "." .. id, "w"))
  for name, value in pairs(counts) do out:write("count ", name, " ", value, "\n") end
  for name, value in pairs(errors_seen) do
    out:write("error ", (tostring(value):gsub("\n", " ")), "\t", name, "\n")
  end
  local lists = { page = lat_page, post = lat_post, confirm = lat_confirm, flow = lat_flow, post_at = at_post }
  for _, kind in ipairs({ "page", "post", "confirm", "flow", "post_at" }) do
    local values, parts = lists[kind], {}
    for i = 1, #values do parts[i] = string.format("%.0f", values[i]) end
    out:write("lat ", kind, " ", table.concat(parts, ","), "\n")
  end
  out:close()
end

local function stop_here()
  if finished then return end
  finished = true
  write_results()
  if stopped_file then
    local handle = io.open(stopped_file, "a")
    handle:write(id, "\n")
    handle:close()
  end
end

local function finish(now)
  step = 0
  if now > deadline or stop_requested() then stop_here() end
end

function response(status, headers, body)
  local now = now_us()
  local took = now - t_req
  if finished then return end
  counts.requests = counts.requests + 1
  if now <= deadline then counts.window_requests = counts.window_requests + 1 end
  if mode == "plain" then
    table.insert(lat_page, took)
    if status ~= 200 then error_seen("status " .. status) end
    if now > deadline or stop_requested() then stop_here() end
    return
  end
  if step == 0 then
    table.insert(lat_page, took)
    if status ~= 200 then return error_seen("page " .. status, body:sub(1, 200)), finish(now) end
    take_cookies(headers)
    local path = "/v/" .. venues[(vi - 1) % #venues + 1]
    post_path, post_body = parse_form(body, path)
    if not post_path then return error_seen("no form", body:sub(1, 200)), finish(now) end
    step = 1
  elseif step == 1 then
    table.insert(lat_post, took)
    table.insert(at_post, now)
    local location = headers["Location"] or headers["location"]
    if (status ~= 302 and status ~= 303) or not location then
      return error_seen("post " .. status, body:sub(1, 300)), finish(now)
    end
    take_cookies(headers)
    counts.posts_ok = counts.posts_ok + 1
    if now <= deadline then counts.posts_window = counts.posts_window + 1 end
    confirm_path = location:gsub("^https?://[^/]+", "")
    step = 2
  else
    table.insert(lat_confirm, took)
    if status ~= 200 then
      error_seen("confirmation " .. status, body:sub(1, 200))
    else
      counts.flows_ok = counts.flows_ok + 1
      table.insert(lat_flow, now - t_flow)
    end
    finish(now)
  end
end

-- main state again: wrk's own socket-error counts (each client wrote its results itself) --------
function done(summary, latency, requests)
  local out = assert(io.open(out_path, "w"))
  out:write("socket_errors ", summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, "\n")
  out:write("status_errors ", summary.errors.status, "\n")
  out:close()
end

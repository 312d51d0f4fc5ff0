-- wrk script for tools/compare-load-generators.sh: POST the file named by BODY_FILE as text/plain
-- (what TorchServe's REST raw scenario sends for a text payload).
wrk.method = "POST"
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "text/plain"

// test_sdk.mjs - drives `rwb mcp` with the official TypeScript SDK client
// (Client + StdioClientTransport, pinned in tests/package.json): the tool
// list (size budget, every inputSchema compiled by Ajv, all closed), the
// brief's memory_store call read back by key from the CLI, an unknown
// argument refused, a lone surrogate (what JSON.stringify writes) stored,
// schema validation, the `rwb` tool running /git-status, and a cargo build
// run as a job: progress notifications, ping and a query answered while it
// runs, and a cancel that ends its process group.
// Usage: node test_sdk.mjs /path/to/rwb /path/to/source
// Exits 77 (skipped) when tests/node_modules is absent (tests/install-node-deps.sh).
import { existsSync, mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, copyFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "..", "node_modules");
if (!existsSync(join(modules, "@modelcontextprotocol", "sdk"))) {
	console.log("SKIP: tests/node_modules is absent; run tests/install-node-deps.sh to test with the MCP SDK");
	process.exit(77);
}
const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
const { StdioClientTransport } = await import("@modelcontextprotocol/sdk/client/stdio.js");
const Ajv = (await import("ajv")).default;

const [rwb, src] = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), "rwb-sdk-"));
const db = join(tmp, "store.db");
const repo = join(tmp, "crate");
let pass = 0, fail = 0;
function check(name, ok, detail) {
	if (ok) pass++;
	else { fail++; console.log(`FAIL: ${name}${detail !== undefined ? ": " + JSON.stringify(detail).slice(0, 600) : ""}`); }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// a crate whose build script waits: a long job to watch, ping past and cancel
mkdirSync(join(repo, "src"), { recursive: true });
mkdirSync(join(repo, ".cargo"));
copyFileSync(join(src, "tests/fixtures/cargo/offline-config.toml"), join(repo, ".cargo/config.toml"));
writeFileSync(join(repo, "Cargo.toml"), '[package]\nname = "slow"\nversion = "0.1.0"\nedition = "2021"\n');
writeFileSync(join(repo, "src/main.rs"), "fn main() {}\n");
writeFileSync(join(repo, "build.rs"),
	'fn main() {\n    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();\n' +
	'    std::fs::write(format!("{}/build.pid", dir), std::process::id().to_string()).unwrap();\n' +
	'    std::thread::sleep(std::time::Duration::from_secs(120));\n}\n');
execFileSync("git", ["init", "-q", repo]);

const env = { ...process.env };
delete env.RWB_AGENT;
const transport = new StdioClientTransport({ command: rwb, args: ["--db", db, "--repo", repo, "mcp"], env, stderr: "pipe" });
const client = new Client({ name: "sdk-test", version: "1.0.0" });
try {
	await client.connect(transport);
	check("server info", client.getServerVersion()?.name === "rwb");

	// tools/list: the budget, Ajv, closed schemas
	const list = await client.listTools();
	const size = JSON.stringify(list).length;
	check("tools/list under 4000 tokens", size / 4 < 4000, size / 4);
	const ajv = new Ajv({ strict: false });
	for (const t of list.tools) {
		let ok = true;
		try { ajv.compile(t.inputSchema); } catch (e) { ok = false; }
		check(`Ajv compiles ${t.name}'s schema`, ok);
		check(`${t.name}'s schema is closed`, t.inputSchema.additionalProperties === false);
	}
	for (const n of ["memory_store", "vector_search", "analyze_file", "start_tracking", "analyze_changes", "rwb", "rwb_help"])
		check(`tool ${n} listed`, list.tools.some((t) => t.name === n));

	// the brief's exact call, then the CLI reads it back by key
	const stored = await client.callTool({ name: "memory_store", arguments: {
		text: "Zero-copy async I/O pattern with io_uring: Achieved 2M req/s with 100 concurrent workers",
		metadata: {
			key: "rust-systems-developer/high-perf-io/zero-copy-pattern",
			namespace: "rust-patterns", layer: "long_term", category: "performance-pattern",
			project: "async-io-optimization", agent: "rust-systems-developer", intent: "documentation",
		},
	} });
	check("memory_store: success", !stored.isError, stored);
	const cli = JSON.parse(execFileSync(rwb, ["--db", db, "--json", "/memory-retrieve", "--key",
		"rust-systems-developer/high-perf-io/zero-copy-pattern"], { stdio: ["ignore", "pipe", "ignore"] }).toString());
	const e = cli.entries[0] || {};
	check("CLI: stored under metadata.key, every field kept",
		e.layer === "long_term" && e.namespace === "rust-patterns" && e.category === "performance-pattern" &&
		e.project === "async-io-optimization" && e.agent === "rust-systems-developer" && e.intent === "documentation", e);
	const found = await client.callTool({ name: "vector_search", arguments: { query: "zero-copy io_uring pattern", limit: 5 } });
	check("vector_search finds it", found.structuredContent?.results?.[0]?.key === "rust-systems-developer/high-perf-io/zero-copy-pattern", found);

	// refusals and validation
	const unknown = await client.callTool({ name: "memory_store", arguments: { text: "x", colour: "red" } });
	check("unknown argument refused, accepted ones named", unknown.isError && /colour.*accepted:/.test(unknown.content[0].text), unknown);
	const frac = await client.callTool({ name: "vector_search", arguments: { query: "x", limit: 2.5 } });
	check("limit 2.5 refused", frac.isError === true, frac);
	const layer = await client.callTool({ name: "vector_search", arguments: { query: "x", layer: "forever" } });
	check("layer forever refused", layer.isError === true, layer);
	const outside = await client.callTool({ name: "analyze_file", arguments: { file: "/etc/passwd" } });
	check("a path outside the repository refused", outside.isError && /outside/.test(outside.content[0].text), outside);

	// a lone surrogate, as JSON.stringify writes it: answered, not timed out
	const sur = await client.callTool({ name: "memory_store", arguments: { key: "sdk/text/surrogate", text: "a\ud800b" } }, undefined, { timeout: 5000 });
	check("lone surrogate stored", !sur.isError, sur);

	// the rwb tool
	const st = await client.callTool({ name: "rwb", arguments: { command: "/git-status" } });
	check("rwb /git-status", !st.isError && "branch" in (st.structuredContent || {}), st);
	const help = await client.callTool({ name: "rwb_help", arguments: { command: "cargo-build" } });
	check("rwb_help cargo-build", !help.isError && help.structuredContent?.runs_a_program === true, help);

	// a job: progress, concurrency, cancel
	const ctl = new AbortController();
	let progress = 0;
	const build = client.callTool({ name: "rwb", arguments: { command: "/cargo-build" } }, undefined,
		{ signal: ctl.signal, onprogress: () => { progress++; }, timeout: 300000 }).then(
		(r) => ({ r }), (err) => ({ err }));
	const pidFile = join(repo, "build.pid");
	for (let i = 0; i < 600 && !existsSync(pidFile); i++) await sleep(100);
	check("the build script runs", existsSync(pidFile));
	const t0 = Date.now();
	await client.ping();
	const q = await client.callTool({ name: "vector_search", arguments: { query: "io_uring" } });
	check("ping and a query answered while the build runs", Date.now() - t0 < 3000 && !q.isError, Date.now() - t0);
	check("progress notifications while it runs", progress > 0, progress);
	const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : 0;
	ctl.abort("test cancels");
	const done = await build;
	check("the cancelled call ends on the client", done.err !== undefined, done);
	let gone = false;
	for (let i = 0; i < 100 && !gone; i++) {
		try { process.kill(pid, 0); await sleep(100); } catch { gone = true; }
	}
	check("cancel ended the build's process group", pid > 0 && gone, pid);
	await client.ping();
	check("the server still answers after a cancel", true);
} catch (err) {
	check("no exception", false, String(err && err.stack || err));
} finally {
	await client.close().catch(() => {});
	rmSync(tmp, { recursive: true, force: true });
}
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);

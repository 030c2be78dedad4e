// test_workflow1.mjs - the brief's Workflow 1 through MCP tools alone, with
// the official SDK client (Client + StdioClientTransport, pinned in
// tests/package.json), on a fresh crate made by the first step: project
// init, async runtime, file write, benchmark, optimize, profiling, tests,
// memory store, delegation. Each step is a tool call whose answer is
// checked; the SDK itself checks every structuredContent against the tool's
// outputSchema (it caches them at tools/list). The lines are the brief's
// (../shared/spec/seed-lines.md) with shorter times: the benchmark warms up
// for 1 s and measures for 1 s, profiling records for 3 s. Every cargo step
// shares the crate's one target folder. Cargo runs offline from Debian's
// crate sources: tests/fixtures/cargo/offline-config.toml sits in the
// folder above the crate, where cargo finds it.
// Usage: node test_workflow1.mjs /path/to/rwb /path/to/source   (label cargo)
// Exits 77 (skipped) when tests/node_modules is absent (tests/install-node-deps.sh).
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, copyFileSync } from "node:fs";
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

const [rwb, src] = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), "rwb-workflow1-"));
const crate = join(tmp, "my-app");
let pass = 0, fail = 0;
function check(name, ok, detail) {
	if (ok) pass++;
	else { fail++; console.log(`FAIL: ${name}${detail !== undefined ? ": " + JSON.stringify(detail).slice(0, 1500) : ""}`); }
}
const LONG = { timeout: 1500000, resetTimeoutOnProgress: true, onprogress: () => {} };

mkdirSync(join(tmp, ".cargo"), { recursive: true });
copyFileSync(join(src, "tests/fixtures/cargo/offline-config.toml"), join(tmp, ".cargo/config.toml"));
mkdirSync(crate);

const env = { ...process.env, RWB_MEMORY_STARTER: "/dev/null" };
delete env.RWB_AGENT;
const transport = new StdioClientTransport({
	command: rwb, args: ["--db", join(tmp, "store.db"), "--repo", crate, "mcp"], env, stderr: "pipe",
});
const client = new Client({ name: "rust-systems-developer", version: "1.0.0" });

// a word quoted for rwb's command line (POSIX shell rules)
const shq = (s) => "'" + s.replace(/'/g, "'\\''") + "'";

// one slash line through the `rwb` tool; the answer's document
async function rwbTool(step, command, opts = {}) {
	const t0 = Date.now();
	const r = await client.callTool({ name: "rwb", arguments: { command, ...(opts.yes ? { yes: true } : {}) } },
		undefined, LONG);
	const doc = r.structuredContent || {};
	console.log(`${step}: ${command.split("\n")[0]}${command.includes("\n") ? " ..." : ""} -> exit ${doc.exit_status} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	return { r, doc };
}

try {
	await client.connect(transport);
	const list = await client.listTools();
	check("every tool lists an outputSchema", list.tools.every((t) => t.outputSchema), list.tools.map((t) => t.name));

	// 1. project init (the brief's line, in the empty folder the server works in)
	let { r, doc } = await rwbTool("1 project init", "/rust-project-init --name my-app --type binary --edition 2021 --path .",
		{ yes: true });
	check("project init", !r.isError && doc.exit_status === 0 && doc.written === true, doc);
	check("project init made a crate", existsSync(join(crate, "Cargo.toml")) && existsSync(join(crate, "src/main.rs")));

	// 2. async runtime
	({ r, doc } = await rwbTool("2 async runtime", '/rust-async --runtime tokio --features "net,io-util,time" --workers 4',
		{ yes: true }));
	check("rust-async", !r.isError && doc.exit_status === 0 && doc.written === true, doc);
	check("tokio main with 4 workers", /worker_threads = 4/.test(readFileSync(join(crate, "src/main.rs"), "utf8")));
	check("tokio in Cargo.toml", /tokio/.test(readFileSync(join(crate, "Cargo.toml"), "utf8")));

	// 3. file write: the library the benchmark measures, its criterion bench, and the manifest naming it
	const lib = "pub fn parse_json(s: &str) -> usize {\n    s.bytes().filter(|b| *b == b':').count()\n}\n";
	({ r, doc } = await rwbTool("3 file write", `/file-write src/lib.rs --content ${shq(lib)}`, { yes: true }));
	check("file-write src/lib.rs", !r.isError && doc.exit_status === 0, doc);
	check("src/lib.rs written as given", readFileSync(join(crate, "src/lib.rs"), "utf8") === lib);
	const bench = "use criterion::{black_box, criterion_group, criterion_main, Criterion};\n\n" +
		"fn parse_json(c: &mut Criterion) {\n" +
		"    c.bench_function(\"parse_json\", |b| b.iter(|| my_app::parse_json(black_box(\"{\\\"a\\\": 1, \\\"b\\\": 2}\"))));\n" +
		"}\n\ncriterion_group!(benches, parse_json);\ncriterion_main!(benches);\n";
	({ r, doc } = await rwbTool("3 file write", `/file-write benches/brief.rs --content ${shq(bench)}`, { yes: true }));
	check("file-write benches/brief.rs", !r.isError && doc.exit_status === 0, doc);
	check("the bench is written as given", readFileSync(join(crate, "benches/brief.rs"), "utf8") === bench);
	const manifest = readFileSync(join(crate, "Cargo.toml"), "utf8") +
		'\n[dev-dependencies]\ncriterion = "0.3"\n\n[[bench]]\nname = "brief"\nharness = false\n';
	({ r, doc } = await rwbTool("3 file write", `/file-write Cargo.toml --content ${shq(manifest)}`, { yes: true }));
	check("file-write Cargo.toml", !r.isError && doc.exit_status === 0, doc);

	// 4. benchmark
	({ r, doc } = await rwbTool("4 benchmark", "/rust-benchmark --function parse_json --warmup 1s --measurement 1s"));
	const b = (doc.benchmarks || []).find((x) => x.id === "parse_json");
	check("rust-benchmark", !r.isError && doc.exit_status === 0 && doc.success === true, doc);
	check("parse_json measured", b && b.mean_ns > 0 && b.median_ns > 0 && b.std_dev_ns >= 0, doc.benchmarks);

	// 5. optimize
	({ r, doc } = await rwbTool("5 optimize", "/rust-optimize --profile release --lto thin --codegen-units 1", { yes: true }));
	check("rust-optimize", !r.isError && doc.exit_status === 0 && doc.written === true, doc);
	const toml = readFileSync(join(crate, "Cargo.toml"), "utf8");
	check("release profile: thin LTO, one codegen unit", /\[profile\.release\]/.test(toml) && /lto = "thin"/.test(toml) &&
		/codegen-units = 1/.test(toml), toml);
	check("the manifest kept the bench", /\[\[bench\]\]/.test(toml));

	// 6. profiling: perf may be refused by the kernel (exit 3 with the sysctl to set); never bad usage
	({ r, doc } = await rwbTool("6 profiling", "/rust-profiling --tool flamegraph --binary target/release/my-app --duration 3s"));
	if (doc.exit_status === 0) {
		check("profiling samples", doc.samples > 0 && Array.isArray(doc.top), doc);
		check("a flame graph SVG", typeof doc.svg === "string" && existsSync(doc.svg.startsWith("/") ? doc.svg : join(crate, doc.svg)), doc.svg);
	} else {
		check("profiling: exit 3 says what is missing", doc.exit_status === 3 && doc.error?.message, doc);
		console.log(`profiling skipped by the environment: ${doc.error?.message}`);
	}
	check("the release binary was built", existsSync(join(crate, "target/release/my-app")));

	// 7. tests
	({ r, doc } = await rwbTool("7 tests", "/rust-test --lib --bins"));
	check("rust-test", !r.isError && doc.exit_status === 0 && doc.success === true && doc.failed === 0, doc);

	// 8. memory store: the brief's call, then found again
	r = await client.callTool({ name: "memory_store", arguments: {
		text: `my-app: tokio with 4 workers; parse_json ${b ? b.mean_ns.toFixed(1) : "?"} ns; release with thin LTO and one codegen unit`,
		metadata: {
			key: "rust-systems-developer/my-app/async-patterns", namespace: "rust-patterns", layer: "long_term",
			category: "performance-pattern", project: "my-app", agent: "rust-systems-developer", intent: "documentation",
		},
	} });
	check("memory_store", !r.isError && r.structuredContent?.key === "rust-systems-developer/my-app/async-patterns" &&
		r.structuredContent?.layer === "long_term", r);
	r = await client.callTool({ name: "vector_search", arguments: { query: "tokio workers thin LTO", limit: 5 } });
	check("vector_search finds it", r.structuredContent?.results?.[0]?.key === "rust-systems-developer/my-app/async-patterns", r);

	// 9. delegation: the brief's delegate, then the other agent receives it
	r = await client.callTool({ name: "delegate", arguments: { agent: "performance-testing-agent",
		task: "Benchmark async runtime performance" } });
	check("delegate", !r.isError && r.structuredContent?.status === "open" && r.structuredContent?.agent === "performance-testing-agent", r);
	r = await client.callTool({ name: "receive", arguments: { agent: "performance-testing-agent" } });
	check("the delegated task is received", r.structuredContent?.task === "Benchmark async runtime performance" &&
		r.structuredContent?.status === "doing", r);
} catch (err) {
	check("no exception", false, String(err && err.stack || err));
} finally {
	await client.close().catch(() => {});
	rmSync(tmp, { recursive: true, force: true });
}
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);

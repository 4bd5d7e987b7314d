// Only the service-accounts bench (scripts/bench-oauth.ts), for iterating on it:
//   node --import tsx --conditions=react-server scripts/bench-oauth-only.ts [--oauth-seconds=8]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuild } from "./build-state.mjs";
import { benchOAuth } from "./bench-oauth";

const a = process.argv.find((x) => x.startsWith("--oauth-seconds="));
const durationS = a ? Number(a.split("=")[1]) : 8;
async function main() {
const build = await ensureBuild({ log: (m: string) => console.log(`bench: ${m}`) });
if (!build.ok) throw new Error(build.reason);
const work = mkdtempSync(join(tmpdir(), "gatehouse-bench-oauth-"));
try {
  const r = await benchOAuth({ dataDir: join(work, "data"), logFile: join(work, "server.log"), durationS, log: (m) => console.log(`bench: ${m}`) });
  console.log(JSON.stringify({ ...r, token: r.token, tokenFixedRate: r.tokenFixedRate, tokenBaselineFixedRate: r.tokenBaselineFixedRate }, null, 1));
  process.exitCode = r.pass ? 0 : 1;
} finally {
  if (process.argv.includes("--keep")) console.log(`bench: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
}
void main();

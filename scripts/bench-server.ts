// Starts and stops a Gatehouse server for the bench, and measures how long it takes to answer.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { ROOT, serverCommand } from "./build-state.mjs";

export type StartKind = "server" | "npm start";

export type Server = {
  url: string;
  /** From spawn to the first HTTP response of any status, and to the first 200 from /api/health. */
  firstResponseMs: number;
  healthyMs: number;
  /** The spawned process (for "server", the Node process that serves). */
  pid: number | undefined;
  stop(): Promise<void>;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function kill(child: ChildProcess, sig: NodeJS.Signals) {
  try {
    // Its own process group: npm → sh → node scripts/start.mjs → node scripts/server.mjs go together.
    if (child.pid) process.kill(-child.pid, sig);
  } catch {
    /* gone */
  }
}

/**
 * Spawns the server against `dataDir` and polls until it answers. `logFile` receives its output.
 * Throws (after stopping it) when it does not become healthy within `timeoutMs`.
 */
export async function startServer(kind: StartKind, dataDir: string, logFile: string, timeoutMs = 60_000): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = serverCommand({ port, host: "127.0.0.1", env: { ...process.env, GATEHOUSE_DATA_DIR: dataDir } });
  const env = server.env;
  // The bench's own react-server condition (see bench.ts) must not reach the server.
  const nodeOptions = env.NODE_OPTIONS?.replace(/--conditions[= ]react-server/g, "").trim();
  if (nodeOptions) env.NODE_OPTIONS = nodeOptions;
  else delete env.NODE_OPTIONS;
  const [cmd, args] =
    kind === "server" ? [server.cmd, server.args] : [process.platform === "win32" ? "npm.cmd" : "npm", ["start", "--silent"]];
  const out = createWriteStream(logFile, { flags: "a" });
  out.write(`\n--- ${kind} on port ${port} ---\n`);
  const t0 = performance.now();
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32" });
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  let exited: string | null = null;
  child.once("exit", (code, signal) => (exited = `exited early (code ${code}, signal ${signal})`));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once("exit", () => r()));
    kill(child, "SIGTERM");
    const timer = setTimeout(() => kill(child, "SIGKILL"), 5000);
    await gone;
    clearTimeout(timer);
  };

  let firstResponseMs = -1;
  const deadline = t0 + timeoutMs;
  while (performance.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (firstResponseMs < 0) firstResponseMs = performance.now() - t0;
      if (res.status === 200) return { url, firstResponseMs, healthyMs: performance.now() - t0, pid: child.pid, stop };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await stop();
  const tail = readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n");
  throw new Error(`${kind} did not become healthy (${exited ?? `no 200 from /api/health within ${timeoutMs} ms`}). Last log lines:\n${tail}`);
}

/**
 * The machine floor (scripts/floor-server.mjs) in a process of its own, so neither the bench's heap
 * nor Gatehouse's shares its event loop. Resolves once it prints its port.
 */
export async function startFloorServer(timeoutMs = 10_000): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, "scripts", "floor-server.mjs")], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NODE_OPTIONS: "" } });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    await gone;
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`the floor server printed no port within ${timeoutMs} ms`)), timeoutMs);
      child.once("exit", (code) => reject(new Error(`the floor server exited (code ${code}) before listening`)));
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString("utf8");
        const m = /listening (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

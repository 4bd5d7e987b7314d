import { resolve } from "node:path";
import { GatehouseError } from "./errors";

// Every setting Gatehouse reads, with its default. README.md and .env.example list the same set.
export type Config = {
  dataDir: string;
  publicUrl: string | null;
  trustProxy: boolean;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  loginMaxFailures: number;
  loginIpMaxFailures: number;
  loginLockMinutes: number;
  logLevel: "debug" | "info" | "warn" | "error";
  /** How often an enabled connector's health check re-runs. */
  connectorCheckSeconds: number;
  /** How long one connectivity check may take before it reports a timeout. */
  connectorTimeoutSeconds: number;
  /** Access tokens one client may mint per minute from one IP (Atlas: 10). */
  oauthTokensPerMinute: number;
  /** Hosts an embedding provider's JWK/JWKS URL may be fetched from although private or plain http. */
  embeddingFetchAllow: string[];
};

function int(env: Record<string, string | undefined>, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new GatehouseError("VALIDATION", `${name} must be a whole number from ${min} to ${max} (got "${raw}").`);
  }
  return n;
}

function hostList(env: Record<string, string | undefined>, name: string): string[] {
  const hosts = (env[name] ?? "").split(",").map((h) => h.trim().toLowerCase().replace(/^\[|\]$/g, "")).filter(Boolean);
  const bad = hosts.find((h) => !/^[a-z0-9.:-]+$/.test(h));
  if (bad) throw new GatehouseError("VALIDATION", `${name} is a comma-separated list of host names or IP addresses (got "${bad}").`);
  return hosts;
}

export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const publicUrl = env.GATEHOUSE_PUBLIC_URL?.trim() || null;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new GatehouseError("VALIDATION", `GATEHOUSE_PUBLIC_URL must start with http:// or https:// (got "${publicUrl}").`);
  }
  const level = (env.GATEHOUSE_LOG_LEVEL ?? "info").toLowerCase();
  return {
    // The data dir is chosen at run time; keep the bundler from tracing the whole project for it.
    dataDir: resolve(/*turbopackIgnore: true*/ env.GATEHOUSE_DATA_DIR?.trim() || "./data"),
    publicUrl,
    trustProxy: /^(1|true|yes)$/i.test(env.GATEHOUSE_TRUST_PROXY ?? ""),
    sessionIdleMinutes: int(env, "GATEHOUSE_SESSION_IDLE_MINUTES", 60, 5, 24 * 60),
    sessionMaxHours: int(env, "GATEHOUSE_SESSION_MAX_HOURS", 12, 1, 24 * 30),
    loginMaxFailures: int(env, "GATEHOUSE_LOGIN_MAX_FAILURES", 5, 1, 1000),
    loginIpMaxFailures: int(env, "GATEHOUSE_LOGIN_IP_MAX_FAILURES", 20, 1, 100000),
    loginLockMinutes: int(env, "GATEHOUSE_LOGIN_LOCK_MINUTES", 15, 1, 24 * 60),
    connectorCheckSeconds: int(env, "GATEHOUSE_CONNECTOR_CHECK_SECONDS", 300, 5, 24 * 3600),
    connectorTimeoutSeconds: int(env, "GATEHOUSE_CONNECTOR_TIMEOUT_SECONDS", 10, 1, 120),
    oauthTokensPerMinute: int(env, "GATEHOUSE_OAUTH_TOKENS_PER_MINUTE", 10, 1, 1_000_000),
    embeddingFetchAllow: hostList(env, "GATEHOUSE_EMBEDDING_FETCH_ALLOW"),
    logLevel: (["debug", "info", "warn", "error"].includes(level) ? level : "info") as Config["logLevel"],
  };
}

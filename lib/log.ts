// Structured one-line JSON logs on stdout/stderr. Callers pass ids and codes, never secrets:
// no passwords, keys, tokens, setup codes (except the one deliberate first-start line) or cookies.
type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold: Level = (process.env.GATEHOUSE_LOG_LEVEL as Level) in ORDER ? (process.env.GATEHOUSE_LOG_LEVEL as Level) : "info";

export function setLogLevel(l: Level) {
  threshold = l;
}

function emit(level: Level, msg: string, fields: Record<string, unknown> = {}) {
  if (ORDER[level] < ORDER[threshold]) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => emit("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => emit("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => emit("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => emit("error", m, f),
};

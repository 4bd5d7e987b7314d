// Types for scripts/build-state.mjs, so TypeScript callers (scripts/bench.ts) are checked too.
export const ROOT: string;
export function sourceFiles(root?: string): string[];
export function sourceHash(root?: string): string;
export function buildStatus(root?: string): { current: boolean; reason: string; hash: string };
export function binPath(pkg: string, name?: string): string;
export function serverCommand(opts: { port: number | string; host?: string; env?: NodeJS.ProcessEnv }): {
  cmd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
};
export function run(
  cmd: string,
  args: string[],
  opts?: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; stdio?: "inherit" | "ignore" | "pipe" },
): Promise<{ code: number; signal: string | null; timedOut: boolean }>;
export function ensureBuild(opts?: {
  force?: boolean;
  log?: (message: string) => void;
  timeoutMs?: number;
}): Promise<{ ok: boolean; built: boolean; reason: string; code: number }>;

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "./fixtures";

/**
 * A temporary directory for one spec's files (exports, CSRs, openssl output), made on first use
 * and removed after the spec's tests. Made lazily because Playwright also loads every spec file
 * in the process that only lists the tests: a directory made at load time there is never removed.
 */
export function scratchDir(prefix: string): () => string {
  let dir: string | undefined;
  test.afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => (dir ??= mkdtempSync(join(tmpdir(), prefix)));
}

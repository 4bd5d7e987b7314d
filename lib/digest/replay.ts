import { createHash } from "node:crypto";

// Stateless nonces let a captured request be sent again, unchanged, while its nonce is fresh.
// This remembers each accepted response for as long as its nonce could still be fresh and
// refuses the same one twice. Honest clients never repeat one — curl and Go's digest client
// count nc per nonce, urllib counts it per process, and each request has its own cnonce — and
// the response hashes nonce, nc, cnonce, method and URI together, so (nonce, response) names a
// request exactly. Per process and in memory: one Gatehouse instance serves a data dir.

export type ReplayCacheOptions = {
  /** How long an entry is kept: at least the nonce lifetime plus the clock skew a nonce may carry. */
  ttlMs: number;
  /** Memory bound: beyond it the oldest entries go first (~200 B each; 200,000 ≈ 667 accepted requests/s for 5 minutes). */
  maxEntries?: number;
};

export class DigestReplayCache {
  private readonly seen = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(opts: ReplayCacheOptions) {
    if (!(opts.ttlMs > 0)) throw new RangeError("ttlMs must be positive");
    this.ttlMs = opts.ttlMs;
    this.maxEntries = opts.maxEntries ?? 200_000;
  }

  get size(): number {
    return this.seen.size;
  }

  /** true the first time (and records it); false for a replay still within its window. */
  firstUse(nonce: string, response: string, nowMs: number): boolean {
    // Entries expire in insertion order (same TTL from insertion): drop the stale head.
    for (const [k, expires] of this.seen) {
      if (expires > nowMs) break;
      this.seen.delete(k);
    }
    const key = createHash("sha256").update(nonce).update("\0").update(response.toLowerCase()).digest("base64url");
    const expires = this.seen.get(key);
    if (expires !== undefined && expires > nowMs) return false;
    this.seen.set(key, nowMs + this.ttlMs);
    while (this.seen.size > this.maxEntries) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
}

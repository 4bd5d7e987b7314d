// A fixed-window counter per key, in memory: one Gatehouse process answers the token endpoint
// (a scale-out store would move this next to the data). Atlas allows 10 tokens per minute per
// client IP + client ID; GATEHOUSE_OAUTH_TOKENS_PER_MINUTE sets ours.

export type RateDecision = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

export class FixedWindowLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  private lastSweep = 0;
  constructor(
    readonly limit: number,
    readonly windowMs = 60_000,
  ) {}

  /** Keys whose window is still open (what the limiter holds in memory). */
  get size() {
    return this.windows.size;
  }

  take(key: string, nowMs: number): RateDecision {
    // Ended windows go at least once a window, however few keys there are: every caller brings
    // keys of its own, so memory must not depend on how many arrived since the last big sweep.
    if (nowMs - this.lastSweep >= this.windowMs || this.windows.size > 50_000) {
      this.sweep(nowMs);
      this.lastSweep = nowMs;
    }
    let w = this.windows.get(key);
    if (!w || nowMs - w.start >= this.windowMs) this.windows.set(key, (w = { start: nowMs, count: 0 }));
    if (w.count >= this.limit) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + this.windowMs - nowMs) / 1000)) };
    w.count++;
    return { ok: true, remaining: this.limit - w.count };
  }

  private sweep(nowMs: number) {
    for (const [k, w] of this.windows) if (nowMs - w.start >= this.windowMs) this.windows.delete(k);
  }
}

// A fixed-window counter per key, in memory: one Gatehouse process answers the token endpoint
// (a scale-out store would move this next to the data). Atlas allows 10 tokens per minute per
// client IP + client ID; GATEHOUSE_OAUTH_TOKENS_PER_MINUTE sets ours.

export type RateDecision = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

export class FixedWindowLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  constructor(
    readonly limit: number,
    readonly windowMs = 60_000,
  ) {}

  take(key: string, nowMs: number): RateDecision {
    if (this.windows.size > 50_000) this.sweep(nowMs);
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

import { afterEach, describe, expect, it } from "vitest";
import * as token from "@/app/api/bench-baseline/token/route";

// The bench's bare routes exist only for the bench: off unless GATEHOUSE_BENCH_BASELINE=1, and
// even then only for a caller on this machine.

const post = (ip: string) => token.POST(new Request("http://gatehouse.test/api/bench-baseline/token", { method: "POST", headers: { "x-forwarded-for": ip, authorization: `Basic ${Buffer.from("a:b").toString("base64")}` }, body: "grant_type=client_credentials" }));

afterEach(() => {
  delete process.env.GATEHOUSE_BENCH_BASELINE;
});

describe("bench-only routes", () => {
  it("answer 404 unless the bench turned them on, and then only to loopback", async () => {
    expect((await post("127.0.0.1")).status).toBe(404);
    process.env.GATEHOUSE_BENCH_BASELINE = "1";
    expect((await post("203.0.113.7")).status).toBe(404);
  });
});

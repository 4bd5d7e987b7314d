import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import * as tokenApp from "@/app/api/bench-baseline/token-app/route";
import tokenPages from "@/pages/api/bench-baseline/token";

// The bench's bare routes exist only for the bench: off unless GATEHOUSE_BENCH_BASELINE=1, and
// even then only for a caller on this machine.

const headers = (ip: string) => ({ "x-forwarded-for": ip, authorization: `Basic ${Buffer.from("a:b").toString("base64")}` });
const postApp = (ip: string) => tokenApp.POST(new Request("http://gatehouse.test/api/bench-baseline/token-app", { method: "POST", headers: headers(ip), body: "grant_type=client_credentials" }));

async function postPages(ip: string) {
  const srv = createServer((req, res) => void tokenPages(req, res));
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  try {
    return await fetch(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/api/bench-baseline/token`, { method: "POST", headers: headers(ip), body: "grant_type=client_credentials" });
  } finally {
    srv.close();
  }
}

afterEach(() => {
  delete process.env.GATEHOUSE_BENCH_BASELINE;
});

describe("bench-only routes", () => {
  it("answer 404 unless the bench turned them on, and then only to loopback", async () => {
    for (const post of [postApp, postPages]) {
      delete process.env.GATEHOUSE_BENCH_BASELINE;
      expect((await post("127.0.0.1")).status).toBe(404);
      process.env.GATEHOUSE_BENCH_BASELINE = "1";
      expect((await post("203.0.113.7")).status).toBe(404);
    }
  });
});

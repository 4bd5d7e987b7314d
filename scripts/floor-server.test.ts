import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startFloorServer } from "./bench-server";
import { createFloorServer, FLOOR_BODY } from "./floor-server.mjs";

const post = (url: string) => fetch(url + "/api/oauth/token", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials" });

describe("the bench's machine floor", () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it("reads the body and answers with a token-sized JSON body", async () => {
    const server = createFloorServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    stop = () => new Promise<void>((r) => server.close(() => r()));
    const res = await post(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(FLOOR_BODY)));
    const body = (await res.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe("Bearer");
    // As long as an ES256 access token, so both routes move the same bytes.
    expect(body.access_token.length).toBeGreaterThan(300);
  });

  it("runs in a process of its own and is gone after stop()", async () => {
    const floor = await startFloorServer();
    stop = floor.stop;
    expect(floor.pid).toBeDefined();
    expect(floor.pid).not.toBe(process.pid);
    expect((await post(floor.url)).status).toBe(200);
    await floor.stop();
    expect(() => process.kill(floor.pid!, 0)).toThrow();
    await expect(post(floor.url)).rejects.toThrow();
  });
});

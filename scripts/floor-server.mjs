// The bench's machine floor: a plain node:http server, no Next.js, no Gatehouse, that reads the
// body and answers with a JSON body the size of a token response. Run in its own process at the
// same fixed rate as the token endpoint, its p99 is what this VM and the load generator give a
// route that costs nothing, so a round's figure can be read against it (scripts/bench-oauth.ts).
//   node scripts/floor-server.mjs   → prints "listening <port>" on stdout, serves until killed
import { createServer } from "node:http";

// The shape and length of the token endpoint's answer (an ES256 access token is ~330 characters).
export const FLOOR_BODY = JSON.stringify({ access_token: "x".repeat(330), token_type: "Bearer", expires_in: 3600 });

export function createFloorServer() {
  return createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(FLOOR_BODY), "cache-control": "no-store" });
      res.end(FLOOR_BODY);
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = createFloorServer();
  server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${server.address().port}\n`));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

import * as pkijs from "pkijs";

// pkijs signs and verifies through WebCrypto. Node 20 has it as globalThis.crypto; registering it
// explicitly makes pkijs work the same under Next, Vitest and scripts (no polyfill).
let ready = false;

export function ensurePkiEngine(): void {
  if (ready) return;
  pkijs.setEngine("node-webcrypto", new pkijs.CryptoEngine({ name: "node-webcrypto", crypto: globalThis.crypto }));
  ready = true;
}

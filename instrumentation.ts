// Runs once when the server starts: opens the store (migrations), loads or creates the master
// key, and on an empty instance prints the one-time setup code.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getRuntime } = await import("./lib/server/runtime");
  const { announceSetupCode } = await import("./lib/server/setup-code");
  const { log } = await import("./lib/log");
  const rt = getRuntime();
  log.info("Gatehouse started", { store: rt.store.kind, dataDir: rt.config.dataDir, masterKey: rt.masterKey.source, masterKeyId: rt.masterKey.id });
  const base = rt.config.publicUrl ?? `http://localhost:${process.env.PORT ?? 3000}`;
  await announceSetupCode(rt, base);
}

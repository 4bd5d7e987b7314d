// Runs once when the server starts: reads the configuration, opens the store (migrations), loads
// or creates the master key, and on an empty instance prints the one-time setup code. A bad
// setting stops the server here, with the reason, instead of answering 500 to every request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { log } = await import("./lib/log");
  try {
    const { getRuntime } = await import("./lib/server/runtime");
    const { announceSetupCode } = await import("./lib/server/setup-code");
    const rt = getRuntime();
    log.info("Gatehouse started", { store: rt.store.kind, dataDir: rt.config.dataDir, masterKey: rt.masterKey.source, masterKeyId: rt.masterKey.id });
    const base = rt.config.publicUrl ?? `http://localhost:${process.env.PORT ?? 3000}`;
    await announceSetupCode(rt, base);
  } catch (err) {
    log.error(`Gatehouse cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

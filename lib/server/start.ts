import "server-only";
import { log } from "../log";
import { getRuntime } from "./runtime";
import { announceSetupCode } from "./setup-code";

/**
 * Server start: read the configuration, open the store (migrations), load or create the master
 * key and, on an empty instance, print the one-time setup code. A bad setting stops the process
 * here with the reason, instead of answering 500 to every request.
 */
export async function startGatehouse(): Promise<void> {
  try {
    const rt = getRuntime();
    log.info("Gatehouse started", { store: rt.store.kind, dataDir: rt.config.dataDir, masterKey: rt.masterKey.source, masterKeyId: rt.masterKey.id });
    const base = rt.config.publicUrl ?? `http://localhost:${process.env.PORT ?? 3000}`;
    await announceSetupCode(rt, base);
    // Temporary database users are removed when their time is up, whether or not anyone looks.
    const { purgeExpiredDatabaseUsers } = await import("./database-access/users");
    const { auditExpiringSecrets } = await import("./service-accounts/manage");
    let purging = false;
    setInterval(() => {
      // One round at a time: a round waits on each deployment that manages users.
      if (!purging) {
        purging = true;
        purgeExpiredDatabaseUsers(rt)
          .catch((err) => log.error("purging expired database users failed", { error: (err as Error).message }))
          .finally(() => (purging = false));
      }
      // Service account secrets about to expire: audited once each, before clients get locked out.
      auditExpiringSecrets(rt).catch((err) => log.error("checking expiring secrets failed", { error: (err as Error).message }));
    }, 60_000).unref();
    // Enabled connectors re-check their deployment every GATEHOUSE_CONNECTOR_CHECK_SECONDS; the
    // loop wakes often enough to honour short intervals and never runs two rounds at once.
    const { runDueHealthChecks } = await import("./connectors/check");
    let running = false;
    setInterval(() => {
      if (running) return;
      running = true;
      runDueHealthChecks(rt)
        .catch((err) => log.error("connector health checks failed", { error: (err as Error).message }))
        .finally(() => (running = false));
    }, Math.min(30_000, rt.config.connectorCheckSeconds * 1000)).unref();
  } catch (err) {
    log.error(`Gatehouse cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

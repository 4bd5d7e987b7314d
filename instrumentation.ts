// Runs once when the server starts (Node runtime only; see lib/server/start.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startGatehouse } = await import("./lib/server/start");
  await startGatehouse();
}

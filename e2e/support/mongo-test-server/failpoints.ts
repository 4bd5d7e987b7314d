import type { Document } from "bson";
import type { Ctx } from "./context";
import { CommandError, errorReply } from "./errors";

// mongod's failCommand fail point (src/mongo/db/commands/fail_point_cmd.cpp, used by the drivers'
// own tests via configureFailPoint), set from the test instead of by a command: the next matching
// commands fail with an error, have their connection closed, or are delayed first.

/** { commands: ["ping"], times: 1, errorCode: 91 } ≈ { configureFailPoint: "failCommand", mode: { times: 1 }, data: { failCommands: ["ping"], errorCode: 91 } }. */
export type FailCommandOptions = { commands: string[]; times?: number; errorCode?: number; errmsg?: string; closeConnection?: boolean; blockTimeMS?: number; appName?: string };

/** Resolves true after `ms`, false at once when `signal` aborts (connection closed, server stopped). */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => resolve(true), ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve(false)), { once: true });
  });
}

export class FailPoints {
  private active: (FailCommandOptions & { remaining: number })[] = [];

  add(fp: FailCommandOptions) {
    this.active.push({ ...fp, remaining: fp.times ?? Infinity });
  }

  clear() {
    this.active = [];
  }

  /** The reply a fail point imposes on this command ("close" to cut the connection), or undefined to run it. */
  async apply(ctx: Ctx, signal: AbortSignal): Promise<Document | "close" | undefined> {
    const fp = this.active.find(
      (f) => f.remaining > 0 && f.commands.includes(ctx.inv.name) && (f.appName === undefined || ctx.conn.clientMetadata?.application?.name === f.appName),
    );
    if (!fp) return undefined;
    fp.remaining--;
    ctx.core.log(`failCommand: ${ctx.inv.name} on connection ${ctx.conn.id}`);
    if (fp.blockTimeMS && !(await sleep(fp.blockTimeMS, signal))) return "close";
    if (fp.closeConnection) return "close";
    if (fp.errorCode !== undefined) return errorReply(new CommandError(fp.errorCode, fp.errmsg ?? "Failing command via 'failCommand' failpoint"));
    return undefined;
  }
}

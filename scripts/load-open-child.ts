// Child-process entry of the open-loop load generator: options as JSON on stdin, result as JSON on stdout.
import { openLoop, type OpenLoopOptions } from "./load-open";

let input = "";
process.stdin.on("data", (d: Buffer) => (input += d.toString("utf8")));
process.stdin.on("end", () => {
  openLoop(JSON.parse(input) as OpenLoopOptions).then(
    (r) => process.stdout.write(JSON.stringify(r)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
});

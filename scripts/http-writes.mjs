// Next.js sends a response's headers in a socket write of their own: just before it writes the
// first body chunk it calls res.flushHeaders() (server/pipe-readable.js), which writes the header
// block at once. Node would otherwise send a pending header block in the same write as the first
// body bytes. So every short response, a route handler's JSON for one, costs two writes to the
// socket, each a system call and a TCP segment that the client is woken for.
//
// sendHeadersWithBody(res) makes flushHeaders wait until the end of the current tick: when body
// bytes are written in that tick, as Next does right after the call, the headers leave with them
// in one write; when none are, the headers are sent then, as flushHeaders would have done, so a
// stream whose first chunk comes later still gets its headers at once.

/** @param {import("node:http").ServerResponse} res */
export function sendHeadersWithBody(res) {
  const flushHeaders = res.flushHeaders;
  res.flushHeaders = function () {
    process.nextTick(() => {
      if (!res.headersSent && !res.destroyed) flushHeaders.call(res);
    });
  };
}

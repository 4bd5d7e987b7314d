// Body size limit for scripts/server.mjs, applied before Next.js sees the request.
//
// A request that announces a larger body (Content-Length) is refused at once, without reading it.
// A body of unknown length (Transfer-Encoding: chunked) is counted as it arrives and refused the
// moment it passes the limit: Next.js puts no limit on route handlers, which read a whole body
// into memory (`req.text()`, `req.json()`), so one endless chunked upload could otherwise exhaust
// the process. The count sits on the request's own `push`, where Node's HTTP parser hands each
// chunk over, because adding a 'data' listener here would consume the body before Next reads it.

const REFUSED = Symbol("gatehouse.bodyRefused");

/** How long a refused upload may go on being received (and thrown away) after the 413. */
export const LINGER_MS = 1000;

function refuse(req, res, maxBody) {
  req[REFUSED] = true;
  // What still arrives of the body is thrown away, its end too: a handler already reading it
  // (chunked: Next.js has the request) must never see a shortened body end as if it were whole.
  req.push = () => true;
  const socket = req.socket;
  // Closing a socket that still has unread data sends a TCP reset, and a client that is still
  // uploading can lose the 413 with it (it sees "connection reset" instead). So the answer goes
  // out with a FIN, the rest of the upload is read and dropped until the client stops or for at
  // most LINGER_MS, and only then is the request destroyed, which closes the connection (nginx's
  // "lingering close"). A handler still waiting for the body then fails to read it.
  socket.destroySoon = function () {
    if (this.writable) this.end();
    const done = () => {
      clearTimeout(timer);
      req.destroy();
      this.destroy();
    };
    const timer = setTimeout(done, LINGER_MS);
    timer.unref?.();
    this.once("end", done);
    // Closed by the client (a reset) or by the timer: the handler must hear of it either way.
    this.once("close", done);
  };
  if (!res.headersSent) {
    res.writeHead(413, { "content-type": "application/json", connection: "close" });
    res.end(JSON.stringify({ detail: `The request body is larger than ${maxBody} bytes.`, error: 413, errorCode: "PAYLOAD_TOO_LARGE", parameters: [], reason: "Payload Too Large" }));
  } else socket.destroySoon();
}

/**
 * Returns false when the request was refused (and answered) already; otherwise watches a body of
 * unknown length and refuses it once it passes `maxBody`.
 */
export function limitBody(req, res, maxBody) {
  const announced = req.headers["content-length"];
  if (announced !== undefined) {
    if (Number(announced) > maxBody) {
      refuse(req, res, maxBody);
      return false;
    }
    return true; // Node's parser reads exactly the announced length, no more.
  }
  if (req.headers["transfer-encoding"] === undefined) return true; // no body
  let seen = 0;
  const push = req.push;
  req.push = function (chunk, encoding) {
    if (chunk !== null && chunk !== undefined) {
      seen += chunk.length;
      if (seen > maxBody) {
        refuse(req, res, maxBody);
        // true: "keep reading". false would pause the socket, and the lingering close could then
        // neither read what the client still sends nor see it stop.
        return true;
      }
    }
    return push.call(this, chunk, encoding);
  };
  return true;
}

/** True when limitBody refused this request: its handler's failure to read the body is expected. */
export const bodyRefused = (req) => req[REFUSED] === true;

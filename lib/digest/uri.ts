// RFC 7616 §3.4.6: the `uri` parameter must name the resource of the request line. Clients send
// origin-form (path + query); some send the absolute URI. Both are compared by path + query, as
// bytes: decoding or normalising either side would let two different targets compare equal.
const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

function pathAndQuery(target: string): string {
  const m = ABSOLUTE.exec(target);
  if (!m) return target;
  const rest = target.slice(m[0].length);
  return rest === "" || rest.startsWith("?") ? `/${rest}` : rest;
}

/**
 * Does the `uri` parameter name the request target? Without this check a response captured for
 * one URL (a harmless GET) could be replayed against another within the nonce's lifetime.
 */
export function digestUriMatches(uriParam: string, requestTarget: string): boolean {
  return pathAndQuery(uriParam) === pathAndQuery(requestTarget);
}

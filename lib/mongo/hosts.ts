import { isIP } from "node:net";
import { domainToASCII } from "node:url";

// Host checks the driver leaves to DNS: it accepts `mongodb://ho st/` or `mongodb://a..b/` and
// only fails when the lookup does, seconds later and with a less helpful message.

export type HostProblem = { code: "BAD_HOST" | "BAD_PORT" | "SRV_BAD_HOST"; message: string };

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

function isDnsName(name: string): boolean {
  const ascii = domainToASCII(name.endsWith(".") ? name.slice(0, -1) : name);
  return ascii !== "" && ascii.length <= 253 && ascii.split(".").every((l) => LABEL.test(l));
}

function checkPort(host: string, port: string): HostProblem | undefined {
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return { code: "BAD_PORT", message: `The port in "${host}" must be a number from 1 to 65535${port === "" ? " (it is empty)" : ""}.` };
  }
  return undefined;
}

/** A seed-list host as the driver's HostAddress reads it: `name[:port]`, `[v6][:port]` or a `.sock` path. */
export function checkSeedHost(host: string): HostProblem | undefined {
  if (host === "") return { code: "BAD_HOST", message: "The host list has an empty entry (two commas in a row, or a comma at the end)." };
  if (/\.sock$/i.test(host)) return undefined;
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(host);
  if (v6) {
    if (isIP(v6[1]!) !== 6) return { code: "BAD_HOST", message: `"${v6[1]}" in "${host}" is not an IPv6 address.` };
    return v6[2] === undefined ? undefined : checkPort(host, v6[2]);
  }
  const colon = host.lastIndexOf(":");
  const name = colon < 0 ? host : host.slice(0, colon);
  if (colon >= 0) {
    if (name.includes(":")) return { code: "BAD_HOST", message: `"${host}" looks like an IPv6 address: write it in brackets, e.g. [${host.replace(/:\d+$/, "")}]:27017.` };
    const bad = checkPort(host, host.slice(colon + 1));
    if (bad) return bad;
  }
  if (isIP(name) === 4) return undefined;
  if (!isDnsName(name)) {
    const odd = /[^A-Za-z0-9._-]/.exec(name)?.[0];
    return {
      code: "BAD_HOST",
      message: odd ? `"${name}" is not a valid host name: it contains "${odd === " " ? "a space" : odd}".` : `"${name}" is not a valid host name (empty label, or a label that starts or ends with "-").`,
    };
  }
  return undefined;
}

/** The one name of a `mongodb+srv://` string: a DNS name the driver looks up as `_mongodb._tcp.<name>`. */
export function checkSrvHost(host: string): HostProblem | undefined {
  if (isIP(host.replace(/^\[|\]$/g, ""))) {
    return { code: "SRV_BAD_HOST", message: `mongodb+srv:// needs a DNS name with SRV records, not the IP address ${host}. Use mongodb://${host}:27017/ instead.` };
  }
  if (!isDnsName(host)) return { code: "SRV_BAD_HOST", message: `"${host}" is not a valid DNS name.` };
  return undefined;
}

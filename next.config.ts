import type { NextConfig } from "next";

// Sent with every response. scripts/server.mjs sends the same list with the routes it serves
// without Next's router (scripts/direct-routes.mjs), so the list lives in a file both read.
import securityHeaders from "./lib/next/security-headers.json";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The OAuth endpoints are Pages Router API routes (lib/next/oauth-route.ts says why). Bundled, as
  // the App Router's server code is, their dependencies resolve `server-only` to Next's empty
  // module; left external, Node would load that package's entry, which throws.
  bundlePagesRouterDependencies: true,
  // Native addon and the MongoDB driver stay outside the server bundle: bundled, the driver's
  // lazy optional-dependency requires break ("c is not a constructor" when a MongoClient is made).
  serverExternalPackages: ["better-sqlite3", "mongodb", "bson", "mongodb-connection-string-url"],
  experimental: {
    // Bodies of server actions above this are refused before our code runs.
    serverActions: { bodySizeLimit: "1mb" },
    // forbidden() renders app/forbidden.tsx (403) for a signed-in user who sees a scope but lacks the role.
    authInterrupts: true,
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;

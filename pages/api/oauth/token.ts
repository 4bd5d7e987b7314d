import { oauthRoute } from "@/lib/next/oauth-route";
import { tokenEndpoint } from "@/lib/server/service-accounts/oauth";

// Why a Pages Router API route: lib/next/oauth-route.ts.
export const config = { api: { bodyParser: false } };

/** RFC 6749 §4.4: client credentials. Service accounts get one-hour ES256 access tokens. */
export default oauthRoute(tokenEndpoint);

import { oauthRoute } from "@/lib/next/oauth-route";
import { revokeEndpoint } from "@/lib/server/service-accounts/oauth";

// Why a Pages Router API route: lib/next/oauth-route.ts.
export const config = { api: { bodyParser: false } };

/** RFC 7009: revoke an access token; 200 with an empty body. */
export default oauthRoute(revokeEndpoint);

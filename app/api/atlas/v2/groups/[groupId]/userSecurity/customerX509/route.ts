import { withApiAuth } from "@/lib/next/api";
import { atlasDisableCustomerX509 } from "@/lib/server/admin-api/database-users";

export const dynamic = "force-dynamic";

/** Turns self-managed X.509 off: Certificate users stop authenticating. */
export const DELETE = withApiAuth<{ groupId: string }>({ versions: ["2023-01-01"], action: "user_security.customer_x509.delete" }, async ({ ctx, params }) => ({ status: 202, body: await atlasDisableCustomerX509(ctx, params.groupId) }));

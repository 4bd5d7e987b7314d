import { describe, expect, it } from "vitest";
import { AuthorizationError, authorize, can, decide, type Principal, type Scope } from "./authorize";
import { ORG_PERMISSIONS, PROJECT_PERMISSIONS, type Permission } from "./permissions";
import { ORG_ROLES, PROJECT_ROLES, ROLE_NAMES, roleName, type Role } from "./roles";

// The expected matrix, written out by hand: it is the specification the table in
// permissions.ts must keep meeting. Each column is a principal that holds only that one role —
// an ORG_* role in organization A, or a GROUP_* role in project P1 of organization A.
//   Y = allowed   - = denied, the scope is visible (missing-role)   h = denied, hidden (404)
const ROLES = ["ORG_OWNER", "ORG_MEMBER", "ORG_READ_ONLY", "GROUP_OWNER", "GROUP_READ_ONLY", "GROUP_DATABASE_ACCESS_ADMIN"] as const;

// Scope: organization A (their own).
const OWN_ORG = `
                         ORG_OWNER  ORG_MEMBER  ORG_READ_ONLY  GROUP_OWNER  GROUP_READ_ONLY  GROUP_DATABASE_ACCESS_ADMIN
  org.read                   Y          Y            Y              h             h                   h
  org.rename                 Y          -            -              h             h                   h
  org.delete                 Y          -            -              h             h                   h
  org.members.read           Y          Y            Y              h             h                   h
  org.members.write          Y          -            -              h             h                   h
  org.projects.create        Y          -            -              h             h                   h
  org.audit.read             Y          -            Y              h             h                   h
  org.service_accounts.read  Y          Y            Y              h             h                   h
  org.service_accounts.write Y          -            -              h             h                   h
`;

// Scope: project P1 of organization A (the one GROUP_* roles are held in).
const OWN_PROJECT = `
                         ORG_OWNER  ORG_MEMBER  ORG_READ_ONLY  GROUP_OWNER  GROUP_READ_ONLY  GROUP_DATABASE_ACCESS_ADMIN
  project.read               Y          h            Y              Y             Y                   Y
  project.rename             Y          h            -              Y             -                   -
  project.delete             Y          h            -              Y             -                   -
  project.members.read       Y          h            Y              Y             Y                   Y
  project.members.write      Y          h            -              Y             -                   -
  project.audit.read         Y          h            Y              Y             Y                   -
  project.keystore.read      Y          h            Y              Y             Y                   Y
  project.keystore.write     Y          h            -              Y             -                   -
  project.keystore.export_key Y         h            -              Y             -                   -
  project.signer.sign        Y          h            -              Y             -                   -
  project.security.read      Y          h            Y              Y             Y                   Y
  project.security.write     Y          h            -              Y             -                   -
  project.dbusers.read       Y          h            Y              Y             Y                   Y
  project.dbusers.write      Y          h            -              Y             -                   Y
  project.connectors.read    Y          h            Y              Y             Y                   Y
  project.connectors.write   Y          h            -              Y             -                   -
  project.service_accounts.read Y       h            Y              Y             Y                   Y
  project.service_accounts.write Y      h            -              Y             -                   -
  project.embedding.read     Y          h            Y              Y             Y                   Y
  project.embedding.manage   Y          h            -              Y             -                   -
`;

// Scope: project P3, another project of the same organization A. Organization-wide roles reach
// it; a project role in P1 does not.
const SIBLING_PROJECT = `
                         ORG_OWNER  ORG_MEMBER  ORG_READ_ONLY  GROUP_OWNER  GROUP_READ_ONLY  GROUP_DATABASE_ACCESS_ADMIN
  project.read               Y          h            Y              h             h                   h
  project.rename             Y          h            -              h             h                   h
  project.delete             Y          h            -              h             h                   h
  project.members.read       Y          h            Y              h             h                   h
  project.members.write      Y          h            -              h             h                   h
  project.audit.read         Y          h            Y              h             h                   h
  project.keystore.read      Y          h            Y              h             h                   h
  project.keystore.write     Y          h            -              h             h                   h
  project.keystore.export_key Y         h            -              h             h                   h
  project.signer.sign        Y          h            -              h             h                   h
  project.security.read      Y          h            Y              h             h                   h
  project.security.write     Y          h            -              h             h                   h
  project.dbusers.read       Y          h            Y              h             h                   h
  project.dbusers.write      Y          h            -              h             h                   h
  project.connectors.read    Y          h            Y              h             h                   h
  project.connectors.write   Y          h            -              h             h                   h
  project.service_accounts.read Y       h            Y              h             h                   h
  project.service_accounts.write Y      h            -              h             h                   h
  project.embedding.read     Y          h            Y              h             h                   h
  project.embedding.manage   Y          h            -              h             h                   h
`;

type Cell = "Y" | "-" | "h";
function parseMatrix(text: string): Map<string, Record<(typeof ROLES)[number], Cell>> {
  const [header, ...rows] = text.trim().split("\n").map((l) => l.trim().split(/\s+/));
  expect(header).toEqual([...ROLES]);
  return new Map(
    rows.map(([permission, ...cells]) => {
      expect(cells).toHaveLength(ROLES.length);
      return [permission!, Object.fromEntries(ROLES.map((r, i) => [r, cells[i] as Cell])) as Record<(typeof ROLES)[number], Cell>];
    }),
  );
}

const ORG_A = "a".repeat(24);
const ORG_B = "b".repeat(24);
const P1 = "1".repeat(24); // in A
const P3 = "3".repeat(24); // in A
const P2 = "2".repeat(24); // in B

function holding(role: Role): Principal {
  const isOrg = (ORG_ROLES as readonly string[]).includes(role);
  return {
    kind: "user",
    id: "u".repeat(24),
    label: "someone@example.com",
    orgRoles: isOrg ? { [ORG_A]: [role as (typeof ORG_ROLES)[number]] } : {},
    projectRoles: isOrg ? {} : { [P1]: [role as (typeof PROJECT_ROLES)[number]] },
  };
}

function expectDecision(role: Role, permission: string, scope: Scope, cell: Cell) {
  const d = decide(holding(role), permission as Permission, scope);
  const where = `${role} → ${permission} @ ${JSON.stringify(scope)}`;
  if (cell === "Y") expect(d, where).toEqual({ allowed: true });
  else expect(d, where).toEqual({ allowed: false, reason: cell === "h" ? "hidden" : "missing-role" });
  expect(can(holding(role), permission as Permission, scope), where).toBe(cell === "Y");
}

describe("the permission table, walked whole", () => {
  const ownOrg = parseMatrix(OWN_ORG);
  const ownProject = parseMatrix(OWN_PROJECT);
  const sibling = parseMatrix(SIBLING_PROJECT);

  it("covers every permission and every role the code defines (a new one needs a row here)", () => {
    expect([...ownOrg.keys()].sort()).toEqual(Object.keys(ORG_PERMISSIONS).sort());
    expect([...ownProject.keys()].sort()).toEqual(Object.keys(PROJECT_PERMISSIONS).sort());
    expect([...sibling.keys()].sort()).toEqual(Object.keys(PROJECT_PERMISSIONS).sort());
    expect([...ROLES].sort()).toEqual([...ORG_ROLES, ...PROJECT_ROLES].sort());
  });

  for (const role of ROLES) {
    it(`${role}: organization permissions in its own organization, and nothing in another`, () => {
      for (const [permission, cells] of ownOrg) {
        expectDecision(role, permission, { orgId: ORG_A }, cells[role]);
        expectDecision(role, permission, { orgId: ORG_B }, "h");
      }
    });

    it(`${role}: project permissions in its own project, a sibling project, and another organization's`, () => {
      for (const [permission, cells] of ownProject) {
        expectDecision(role, permission, { orgId: ORG_A, projectId: P1 }, cells[role]);
        expectDecision(role, permission, { orgId: ORG_A, projectId: P3 }, sibling.get(permission)![role]);
        expectDecision(role, permission, { orgId: ORG_B, projectId: P2 }, "h");
      }
    });
  }
});

describe("fail-closed edges", () => {
  const owner = holding("ORG_OWNER");

  it.each(["org.nuke", "project.read ", "PROJECT.READ", "", "toString", "__proto__", "constructor", "hasOwnProperty"])(
    "denies the unknown permission %j even to an owner",
    (permission) => {
      expect(decide(owner, permission as Permission, { orgId: ORG_A })).toEqual({ allowed: false, reason: "unknown-permission" });
      expect(can(owner, permission as Permission, { orgId: ORG_A, projectId: P1 })).toBe(false);
    },
  );

  it("denies a permission asked in the wrong kind of scope", () => {
    expect(can(owner, "org.rename", { orgId: ORG_A, projectId: P1 })).toBe(false);
    expect(can(owner, "project.read" as Permission, { orgId: ORG_A })).toBe(false);
  });

  it.each(["ORG_ADMIN", "org_owner", "ORG_OWNER ", "GROUP_OWNER", "Organization Owner", ""])(
    "ignores the unknown or misplaced organization role %j",
    (role) => {
      const p: Principal = { kind: "user", id: "x", label: "x", orgRoles: { [ORG_A]: [role as never] }, projectRoles: {} };
      for (const permission of Object.keys(ORG_PERMISSIONS)) expect(can(p, permission as Permission, { orgId: ORG_A })).toBe(false);
      for (const permission of Object.keys(PROJECT_PERMISSIONS)) {
        expect(decide(p, permission as Permission, { orgId: ORG_A, projectId: P1 })).toEqual({ allowed: false, reason: "hidden" });
      }
    },
  );

  it("ignores unknown or misplaced project roles", () => {
    const p: Principal = { kind: "user", id: "x", label: "x", orgRoles: {}, projectRoles: { [P1]: ["ORG_OWNER", "PROJECT_OWNER", "group_owner"] as never } };
    for (const permission of Object.keys(PROJECT_PERMISSIONS)) {
      expect(decide(p, permission as Permission, { orgId: ORG_A, projectId: P1 })).toEqual({ allowed: false, reason: "hidden" });
    }
  });

  it("hides every project from an Organization Member without a project role", () => {
    const p = holding("ORG_MEMBER");
    for (const permission of Object.keys(PROJECT_PERMISSIONS)) {
      expect(decide(p, permission as Permission, { orgId: ORG_A, projectId: P1 })).toEqual({ allowed: false, reason: "hidden" });
    }
  });

  it("a project role in project A gives nothing in project B, even for the same user and organization", () => {
    const p: Principal = { kind: "user", id: "x", label: "x", orgRoles: { [ORG_A]: ["ORG_MEMBER"] }, projectRoles: { [P1]: ["GROUP_OWNER"] } };
    expect(can(p, "project.delete", { orgId: ORG_A, projectId: P1 })).toBe(true);
    for (const permission of Object.keys(PROJECT_PERMISSIONS)) {
      expect(decide(p, permission as Permission, { orgId: ORG_A, projectId: P3 })).toEqual({ allowed: false, reason: "hidden" });
    }
    // Membership adds up: the Organization Member role still reads the organization.
    expect(can(p, "org.read", { orgId: ORG_A })).toBe(true);
    expect(can(p, "org.projects.create", { orgId: ORG_A })).toBe(false);
  });

  it("organization roles do not reach into another organization's projects", () => {
    const p: Principal = { kind: "user", id: "x", label: "x", orgRoles: { [ORG_A]: ["ORG_OWNER"] }, projectRoles: {} };
    expect(can(p, "project.read", { orgId: ORG_B, projectId: P2 })).toBe(false);
  });
});

describe("authorize()", () => {
  it("returns quietly when the table allows", () => {
    expect(() => authorize(holding("GROUP_OWNER"), "project.rename", { orgId: ORG_A, projectId: P1 })).not.toThrow();
  });

  it("throws AuthorizationError with code NOT_FOUND for a missing role and for a hidden scope alike", () => {
    const errors = [
      () => authorize(holding("GROUP_READ_ONLY"), "project.rename", { orgId: ORG_A, projectId: P1 }),
      () => authorize(holding("GROUP_READ_ONLY"), "project.read", { orgId: ORG_B, projectId: P2 }),
    ].map((fn) => {
      try {
        fn();
      } catch (err) {
        return err;
      }
      throw new Error("authorize() did not throw");
    });
    for (const err of errors) {
      expect(err).toBeInstanceOf(AuthorizationError);
      expect(err).toMatchObject({ code: "NOT_FOUND", status: 404 });
    }
    expect(errors.map((e) => (e as AuthorizationError).decision.reason)).toEqual(["missing-role", "hidden"]);
    expect((errors[0] as AuthorizationError).permission).toBe("project.rename");
  });
});

describe("role names", () => {
  it("stores Atlas identifiers and shows the human names", () => {
    expect(ROLE_NAMES).toEqual({
      ORG_OWNER: "Organization Owner",
      ORG_MEMBER: "Organization Member",
      ORG_READ_ONLY: "Organization Read Only",
      GROUP_OWNER: "Project Owner",
      GROUP_READ_ONLY: "Project Read Only",
      GROUP_DATABASE_ACCESS_ADMIN: "Project Database Access Admin",
    });
    expect(roleName("GROUP_READ_ONLY")).toBe("Project Read Only");
    expect(roleName("SOMETHING_ELSE")).toBe("SOMETHING_ELSE");
    expect(roleName("toString")).toBe("toString");
  });
});

import { AccessListForm, InlineAction, ProjectAccessForm } from "../service-accounts/forms";
import type { SafeAction } from "../forms/action-form";
import { Table, td, th } from "../ui/table";

// The parts a service account's page and an API key's page share: project roles and the API
// Access List. `owner` is the hidden id field the actions take ({clientId} or {apiKeyId}).

type Option = { value: string; label: string };

export function ProjectAccessSection(props: {
  projects: { projectId: string; projectName: string; roleNames: string[] }[];
  choices: Option[];
  roles: Option[];
  owner: Record<string, string>;
  canEdit: boolean;
  setAction: SafeAction;
  removeAction: SafeAction;
}) {
  const { projects, choices, roles, owner, canEdit } = props;
  return (
    <section aria-labelledby="projects" className="mb-6 max-w-3xl">
      <h2 id="projects" className="mb-2 font-semibold">Project access</h2>
      {projects.length ? (
        <Table caption="Project access" head={<tr><th className={th}>Project</th><th className={th}>Project roles</th>{canEdit ? <th className={th}><span className="sr-only">Actions</span></th> : null}</tr>}>
          {projects.map((p) => (
            <tr key={p.projectId}>
              <td className={td}>{p.projectName}</td>
              <td className={td}>{p.roleNames.join(", ")}</td>
              {canEdit ? (
                <td className={td}>
                  <InlineAction action={props.removeAction} label={`Remove from ${p.projectName}`} hidden={{ projectId: p.projectId, ...owner }} success="Removed from the project." />
                </td>
              ) : null}
            </tr>
          ))}
        </Table>
      ) : (
        <p className="text-sm">No project roles: the organization roles apply.</p>
      )}
      {canEdit && choices.length ? (
        <div className="mt-3">
          <ProjectAccessForm action={props.setAction} hidden={owner} projects={choices} roles={roles} />
        </div>
      ) : null}
    </section>
  );
}

export function AccessListSection(props: {
  entries: { entry: string; comment: string | null }[];
  owner: Record<string, string>;
  canEdit: boolean;
  addAction: SafeAction;
  removeAction: SafeAction;
  explanation: string;
}) {
  const { entries, owner, canEdit } = props;
  return (
    <section aria-labelledby="access-list" className="max-w-3xl">
      <h2 id="access-list" className="mb-2 font-semibold">API Access List</h2>
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-300">{props.explanation}</p>
      {entries.length ? (
        <Table caption="API Access List" head={<tr><th className={th}>IP address or CIDR block</th><th className={th}>Comment</th>{canEdit ? <th className={th}><span className="sr-only">Actions</span></th> : null}</tr>}>
          {entries.map((e) => (
            <tr key={e.entry}>
              <td className={`${td} font-mono text-xs`}>{e.entry}</td>
              <td className={td}>{e.comment ?? ""}</td>
              {canEdit ? (
                <td className={td}>
                  <InlineAction action={props.removeAction} label={`Remove ${e.entry}`} hidden={{ ...owner, entry: e.entry }} success="Removed from the access list." />
                </td>
              ) : null}
            </tr>
          ))}
        </Table>
      ) : (
        <p className="text-sm">Empty: any address may use these credentials.</p>
      )}
      {canEdit ? (
        <div className="mt-3">
          <AccessListForm action={props.addAction} hidden={owner} />
        </div>
      ) : null}
    </section>
  );
}

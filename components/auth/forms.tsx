"use client";

import { ActionForm, type SafeAction } from "../forms/action-form";
import { Field } from "../forms/form-errors";


export function SetupForm({ action }: { action: SafeAction }) {
  return (
    <ActionForm action={action} submitLabel="Create owner, organization and project" ariaLabel="Set up Gatehouse">
      <Field label="Setup code" name="setupCode" autoComplete="off" required hint="Printed in the server log at first start; also in the file setup-code in the data directory." />
      <Field label="Your name" name="name" autoComplete="name" required />
      <Field label="Email" name="email" type="email" autoComplete="email" required />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required hint="At least 12 characters." />
      <Field label="Confirm password" name="confirmPassword" type="password" autoComplete="new-password" required />
      <Field label="Organization name" name="orgName" required />
      <Field label="First project name" name="projectName" required />
    </ActionForm>
  );
}

export function LoginForm({ action }: { action: SafeAction }) {
  return (
    <ActionForm action={action} submitLabel="Sign in" ariaLabel="Sign in">
      <Field label="Email" name="email" type="email" autoComplete="username" required />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
    </ActionForm>
  );
}

export function ChangePasswordForm({ action }: { action: SafeAction }) {
  return (
    <ActionForm action={action} submitLabel="Change password" ariaLabel="Change password">
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required />
      <Field label="New password" name="newPassword" type="password" autoComplete="new-password" required hint="At least 12 characters." />
      <Field label="Confirm new password" name="confirmPassword" type="password" autoComplete="new-password" required />
    </ActionForm>
  );
}

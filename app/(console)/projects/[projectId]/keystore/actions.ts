"use server";

import { z } from "zod";
import {
  ZChangeEntryPasswordInput,
  ZCreateEntryInput,
  ZDeleteEntryInput,
  ZEntryPasswordInput,
  ZExportCertificateInput,
  ZExportKeyInput,
  ZId,
  ZImportInput,
  ZRenameEntryInput,
  ZSignCsrInput,
  ZUpload,
} from "@/lib/schemas";
import { authedAction } from "@/lib/next/safe-action";
import { createEntry } from "@/lib/server/keystore/create";
import { previewCsr, requestCsr, signCsr } from "@/lib/server/keystore/csr";
import { exportCertificate, exportWithPrivateKey } from "@/lib/server/keystore/export";
import { importIntoKeystore } from "@/lib/server/keystore/import";
import { changeEntryPassword, deleteEntry, renameEntry } from "@/lib/server/keystore/manage";

export const createEntryAction = authedAction.inputSchema(ZCreateEntryInput).action(async ({ clientInput, ctx }) => createEntry(ctx, clientInput));
export const importEntryAction = authedAction.inputSchema(ZImportInput).action(async ({ clientInput, ctx }) => importIntoKeystore(ctx, clientInput));
export const exportCertificateAction = authedAction.inputSchema(ZExportCertificateInput).action(async ({ clientInput, ctx }) => exportCertificate(ctx, clientInput));
export const exportWithKeyAction = authedAction.inputSchema(ZExportKeyInput).action(async ({ clientInput, ctx }) => exportWithPrivateKey(ctx, clientInput));
export const requestCsrAction = authedAction.inputSchema(ZEntryPasswordInput).action(async ({ clientInput, ctx }) => requestCsr(ctx, clientInput));
export const previewCsrAction = authedAction.inputSchema(z.object({ projectId: ZId, csr: ZUpload })).action(async ({ clientInput, ctx }) => previewCsr(ctx, clientInput));
export const signCsrAction = authedAction.inputSchema(ZSignCsrInput).action(async ({ clientInput, ctx }) => signCsr(ctx, clientInput));
export const changeEntryPasswordAction = authedAction.inputSchema(ZChangeEntryPasswordInput).action(async ({ clientInput, ctx }) => changeEntryPassword(ctx, clientInput));
export const renameEntryAction = authedAction.inputSchema(ZRenameEntryInput).action(async ({ clientInput, ctx }) => renameEntry(ctx, clientInput));
export const deleteEntryAction = authedAction.inputSchema(ZDeleteEntryInput).action(async ({ clientInput, ctx }) => deleteEntry(ctx, clientInput));

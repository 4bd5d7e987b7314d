"use server";

import { ZConnectorRefInput, ZCreateConnectorInput, ZDeleteConnectorInput, ZSetConnectorEnabledInput, ZUpdateConnectorInput } from "@/lib/schemas";
import { authedAction } from "@/lib/next/safe-action";
import { checkConnectorNow, createConnector, deleteConnector, setConnectorEnabled, updateConnector } from "@/lib/server/connectors/manage";

export const createConnectorAction = authedAction.inputSchema(ZCreateConnectorInput).action(async ({ clientInput, ctx }) => createConnector(ctx, clientInput));
export const updateConnectorAction = authedAction.inputSchema(ZUpdateConnectorInput).action(async ({ clientInput, ctx }) => updateConnector(ctx, clientInput));
export const deleteConnectorAction = authedAction.inputSchema(ZDeleteConnectorInput).action(async ({ clientInput, ctx }) => deleteConnector(ctx, clientInput));
export const setConnectorEnabledAction = authedAction.inputSchema(ZSetConnectorEnabledInput).action(async ({ clientInput, ctx }) => setConnectorEnabled(ctx, clientInput));
export const checkConnectorNowAction = authedAction.inputSchema(ZConnectorRefInput).action(async ({ clientInput, ctx }) => checkConnectorNow(ctx, clientInput));

import { z } from 'zod';
import { parseData } from '../../engine/msg.js';
import { defineNode, FAILURE, SUCCESS, type NodeContext } from '../node.types.js';

const statusOf = (e: unknown): number | undefined => (e as { status?: number })?.status;

/** `${name}` placeholders filled from the converter's result metadata; a missing one is an error that names it. */
export function fillTopic(pattern: string, metadata: Record<string, string>): string {
  return pattern.replace(/\$\{([^}]+)\}/g, (_, key: string) => {
    const v = metadata[key];
    if (v == null || v === '')
      throw new Error(
        `downlinkTopicPattern '${pattern}' needs '${key}', which the downlink converter's result metadata does not have`,
      );
    return v;
  });
}

/** Encodes the message with the integration's downlink converter and publishes it through the integration. */
async function send(
  ctx: NodeContext,
  integrationId: string,
  msg: Parameters<NodeContext['tellSuccess']>[0],
): Promise<void> {
  const fail = (status: number, error: string, integrationName?: string) => {
    ctx.reportDelivery({ integrationId, integrationName, ok: false, status, error });
    ctx.tellFailure(msg, new Error(error));
  };
  let integration;
  try {
    integration = await ctx.downlink.getIntegration(ctx.tenantId, integrationId);
  } catch (e) {
    return fail(
      statusOf(e) ?? 500,
      `Integration ${integrationId} of node '${ctx.self.name}' cannot be used: ${(e as Error).message}`,
    );
  }
  const integrationName = integration.name;
  const converterId = integration.downlinkConverterId?.id;
  if (!converterId)
    return fail(
      409,
      `Integration '${integrationName}' has no downlink converter; choose one in the integration`,
      integrationName,
    );
  const integrationMetadata = integration.configuration.metadata ?? {};
  const out = await ctx.downlink.runDownlink(ctx.tenantId, converterId, {
    msg: parseData(msg),
    metadata: msg.metadata,
    msgType: msg.type,
    integrationMetadata,
    traceId: msg.traceId,
  });
  if (!out.ok)
    return fail(
      422,
      `Downlink converter of integration '${integrationName}' failed: ${out.error}`,
      integrationName,
    );
  let topic: string;
  try {
    topic = fillTopic(
      integration.configuration.downlinkTopicPattern || '${topic}',
      out.result.metadata ?? {},
    );
  } catch (e) {
    return fail(422, (e as Error).message, integrationName);
  }
  const payload = Buffer.from(out.result.data, out.result.contentType === 'BINARY' ? 'base64' : 'utf8');
  try {
    await ctx.downlink.publish(ctx.tenantId, integrationId, topic, payload, { traceId: msg.traceId });
  } catch (e) {
    const status = statusOf(e) ?? 500;
    const error = `Integration '${integration.name}' could not publish to ${topic}: ${(e as Error).message}`;
    // A persistent RPC waits for the integration: the encoded payload is kept and published once it connects.
    const queued =
      status === 409 && msg.metadata.persistent === 'true'
        ? { topic, payload: payload.toString('base64'), encoding: 'base64' as const }
        : undefined;
    ctx.reportDelivery({
      integrationId,
      integrationName,
      ok: false,
      status,
      error,
      ...(queued ? { queued } : {}),
    });
    ctx.tellFailure(msg, new Error(error));
    return;
  }
  ctx.reportDelivery({ integrationId, integrationName, ok: true });
  ctx.tellSuccess(msg);
}

export const definition = defineNode({
  type: 'org.thingsboard.rule.engine.integration.TbIntegrationDownlinkNode',
  name: 'integration downlink',
  category: 'ACTION',
  description:
    "Encodes the message with the integration's downlink converter and publishes the result through the integration.",
  version: 0,
  relationTypes: [SUCCESS, FAILURE],
  configSchema: z.object({
    integrationId: z.string().uuid('integrationId must be the id of an integration'),
  }),
  defaultConfiguration: { integrationId: '' },
  create: (config) => ({
    onMsg: (ctx, msg) => send(ctx, config.integrationId, msg),
  }),
});

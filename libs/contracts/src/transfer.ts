import { z } from 'zod';

/**
 * Import and export: converters, integrations, rule chains (with their nodes) and dashboards as one
 * JSON document. Ids in a document are the exporting tenant's; an import creates new entities and
 * rewrites every reference that points inside the document (integration → converters, Integration
 * Downlink node → integration, rule chain node → rule chain). Dashboard aliases name their device
 * (`filter.entityName`) and are bound to the device of that name in the importing tenant.
 * Secrets (passwords, private keys) are never part of a document.
 */
export const EXPORT_FORMAT = 'bridgeboard-export';

/** A dashboard alias whose device does not exist (yet) points here and carries `filter.entityName`. */
export const UNRESOLVED_ENTITY_ID = '00000000-0000-0000-0000-000000000000';

const idOf = <T extends string>(entityType: T) =>
  z.object({ entityType: z.literal(entityType), id: z.string().uuid() });

/** Each entry is what the entity's own save endpoint takes, plus its exported `id`. */
const entry = <T extends string>(entityType: T) => z.object({ id: idOf(entityType) }).passthrough();

export const exportedRuleChainSchema = z.object({
  ruleChain: entry('RULE_CHAIN').extend({ name: z.string(), root: z.boolean().default(false) }),
  metadata: z
    .object({
      firstNodeIndex: z.number().int().min(-1).nullish(),
      nodes: z.array(z.object({ type: z.string(), name: z.string() }).passthrough()).max(500),
      connections: z
        .array(z.object({ fromIndex: z.number().int(), toIndex: z.number().int(), type: z.string() }))
        .max(5000)
        .nullish(),
    })
    .passthrough(),
});
export type ExportedRuleChain = z.infer<typeof exportedRuleChainSchema>;

export const exportDocumentSchema = z.object({
  format: z.literal(EXPORT_FORMAT, {
    message: `format must be '${EXPORT_FORMAT}' (a document exported by Bridgeboard)`,
  }),
  version: z.literal(1, { message: 'version must be 1' }),
  exportedAt: z.number().optional(),
  description: z.string().max(4096).optional(),
  converters: z.array(entry('CONVERTER')).max(1000).default([]),
  integrations: z.array(entry('INTEGRATION')).max(1000).default([]),
  ruleChains: z.array(exportedRuleChainSchema).max(1000).default([]),
  dashboards: z.array(entry('DASHBOARD')).max(1000).default([]),
});
export type ExportDocument = z.infer<typeof exportDocumentSchema>;

/** POST /api/import takes one document or a bundle (an array) of several. */
export const importBundleSchema = z
  .array(exportDocumentSchema)
  .min(1, 'a bundle needs at least one document')
  .max(100);

export interface ImportedEntity {
  entityType: 'CONVERTER' | 'INTEGRATION' | 'RULE_CHAIN' | 'DASHBOARD';
  /** the id in the document */
  sourceId: string;
  /** the id of the entity created in the caller's tenant */
  id: string;
  name: string;
}

export interface ImportResult {
  created: ImportedEntity[];
  /** sentences about what the user still has to do (a password to enter, a device that does not exist yet) */
  warnings: string[];
}

/** Overrides for POST /api/import/example/{name}: where the example's integration connects. */
export const exampleOverridesSchema = z.object({
  host: z.string().trim().min(1).max(255).optional(),
  port: z.coerce
    .number()
    .int()
    .min(1, 'port must be between 1 and 65535')
    .max(65535, 'port must be between 1 and 65535')
    .optional(),
  /** load even when an integration already subscribes to the example's broker and topics (409 otherwise) */
  duplicate: z
    .enum(['true', 'false'], { message: 'duplicate must be true or false' })
    .optional()
    .transform((v) => v === 'true'),
});

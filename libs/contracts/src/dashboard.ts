import { z } from 'zod';
import { entityTypes, versionSchema, type EntityId } from './common.js';

/**
 * A dashboard is one JSON document, as in ThingsBoard: entity aliases (where data comes from),
 * widgets (what shows it, with their settings and data sources) and the grid layout.
 * Unknown keys are kept (passthrough) so a newer web app can add settings without a server change.
 */

/** "Single entity" alias: one named entity, e.g. the guide's `Sensor` → device `SN-001`. */
export const entityAliasSchema = z
  .object({
    id: z.string().min(1).max(64),
    alias: z.string().trim().min(1, 'alias name is required').max(255),
    filter: z
      .object({
        type: z.literal('singleEntity'),
        singleEntity: z.object({ entityType: z.enum(entityTypes), id: z.string().uuid() }),
        resolveMultiple: z.boolean().optional(),
      })
      .passthrough(),
  })
  .passthrough();
export type EntityAlias = z.infer<typeof entityAliasSchema>;

export const dataKeySchema = z
  .object({
    name: z.string().min(1).max(255),
    type: z.enum(['timeseries', 'attribute']),
    label: z.string().max(255).optional(),
  })
  .passthrough();
export type DataKey = z.infer<typeof dataKeySchema>;

export const datasourceSchema = z
  .object({
    type: z.literal('entity'),
    entityAliasId: z.string().min(1).max(64),
    dataKeys: z.array(dataKeySchema).max(50).default([]),
  })
  .passthrough();
export type Datasource = z.infer<typeof datasourceSchema>;

export const widgetConfigSchema = z
  .object({
    id: z.string().min(1).max(64),
    /** registry name of the widget in the web app, e.g. `knob-control` */
    type: z.string().min(1).max(64),
    title: z.string().max(255).default(''),
    datasources: z.array(datasourceSchema).max(10).default([]),
    settings: z.record(z.string(), z.unknown()).default({}),
  })
  .passthrough();
export type WidgetConfig = z.infer<typeof widgetConfigSchema>;

/** Position on the dashboard grid, in cells (col/row 0-based). */
export const widgetLayoutSchema = z.object({
  col: z.number().int().min(0).max(1000),
  row: z.number().int().min(0).max(10000),
  sizeX: z.number().int().min(1).max(1000),
  sizeY: z.number().int().min(1).max(1000),
});
export type WidgetLayout = z.infer<typeof widgetLayoutSchema>;

export const dashboardConfigurationSchema = z
  .object({
    description: z.string().max(4096).optional(),
    entityAliases: z.record(z.string(), entityAliasSchema).default({}),
    widgets: z.record(z.string(), widgetConfigSchema).default({}),
    layout: z
      .object({
        columns: z.number().int().min(1).max(96).default(24),
        widgets: z.record(z.string(), widgetLayoutSchema).default({}),
      })
      .passthrough()
      .default({ columns: 24, widgets: {} }),
    settings: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough()
  .superRefine((c, ctx) => {
    for (const [key, w] of Object.entries(c.widgets)) {
      if (w.id !== key)
        ctx.addIssue({
          code: 'custom',
          path: ['widgets', key, 'id'],
          message: `widget id '${w.id}' must equal its key '${key}'`,
        });
      w.datasources.forEach((d, i) => {
        if (!c.entityAliases[d.entityAliasId])
          ctx.addIssue({
            code: 'custom',
            path: ['widgets', key, 'datasources', i, 'entityAliasId'],
            message: `widget '${w.title || key}' uses an entity alias that does not exist (${d.entityAliasId})`,
          });
      });
    }
    for (const [key, a] of Object.entries(c.entityAliases))
      if (a.id !== key)
        ctx.addIssue({
          code: 'custom',
          path: ['entityAliases', key, 'id'],
          message: `alias id '${a.id}' must equal its key '${key}'`,
        });
  });
export type DashboardConfiguration = z.infer<typeof dashboardConfigurationSchema>;

export const saveDashboardSchema = z.object({
  id: z.object({ entityType: z.literal('DASHBOARD'), id: z.string().uuid() }).optional(),
  title: z.string().trim().min(1, 'title is required').max(255),
  configuration: dashboardConfigurationSchema.default({
    entityAliases: {},
    widgets: {},
    layout: { columns: 24, widgets: {} },
  }),
  version: versionSchema,
});
export type SaveDashboardRequest = z.input<typeof saveDashboardSchema>;

/** What lists return (ThingsBoard's DashboardInfo): no configuration. */
export interface DashboardInfo {
  id: EntityId<'DASHBOARD'>;
  createdTime: number;
  tenantId: EntityId<'TENANT'>;
  title: string;
  name: string;
  /** raised by every save; a save naming an older version answers 409 */
  version: number;
}

export interface Dashboard extends DashboardInfo {
  configuration: DashboardConfiguration;
}

import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ComponentDescriptor } from '@bridgeboard/contracts';
import type { RuleNodeDefinition } from './nodes/node.types.js';

/** A stable id per node class (ThingsBoard keeps descriptors in a table; ours are made from the registry). */
function idOf(clazz: string): string {
  const h = createHash('sha1').update(`component:${clazz}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** A node type in ThingsBoard's ComponentDescriptor shape; the editor's JSON schema rides in nodeDefinition. */
export function toComponentDescriptor(d: RuleNodeDefinition): ComponentDescriptor {
  return {
    id: { id: idOf(d.type) },
    createdTime: 0,
    type: d.category,
    scope: 'TENANT',
    clusteringMode: 'ENABLED',
    name: d.name,
    clazz: d.type,
    configurationVersion: d.version,
    actions: null,
    hasQueueName: false,
    configurationDescriptor: {
      nodeDefinition: {
        description: d.description,
        details: d.description,
        relationTypes: d.relationTypes,
        customRelations: false,
        inEnabled: true,
        outEnabled: d.relationTypes.length > 0,
        defaultConfiguration: d.defaultConfiguration as Record<string, unknown>,
        configurationSchema: z.toJSONSchema(d.configSchema, {
          io: 'input',
          unrepresentable: 'any',
        }) as Record<string, unknown>,
      },
    },
  };
}

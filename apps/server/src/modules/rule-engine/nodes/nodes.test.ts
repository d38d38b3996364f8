import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { nodeDefinitions } from './index.js';
import type { RuleNodeDefinition } from './node.types.js';

const here = import.meta.dirname;
const folders = readdirSync(here).filter((f) => statSync(path.join(here, f)).isDirectory());

describe('rule node registry', () => {
  it.each(folders)('registers the node in folder %s in nodes/index.ts', async (folder) => {
    const mod = (await import(path.join(here, folder, 'index.ts'))) as { definition: RuleNodeDefinition };
    expect(nodeDefinitions).toContain(mod.definition);
  });

  it('has unique types, a Failure relation and a JSON schema for every node', () => {
    expect(new Set(nodeDefinitions.map((d) => d.type)).size).toBe(nodeDefinitions.length);
    for (const d of nodeDefinitions) {
      expect(d.relationTypes).toContain('Failure');
      expect(z.toJSONSchema(d.configSchema, { io: 'input' })).toMatchObject({ type: 'object' });
    }
  });
});

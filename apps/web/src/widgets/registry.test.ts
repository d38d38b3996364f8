import { describe, expect, it } from 'vitest';
import { widgetRegistry } from './registry';
import type { WidgetDefinition } from './types';

// Every folder with an index is a widget; each must be in the registry exactly once.
const folders = import.meta.glob<{ [k: string]: WidgetDefinition }>('./*/index.{ts,tsx}', { eager: true });

describe('widget registry', () => {
  it('lists every widget folder', () => {
    const registered = new Set(widgetRegistry);
    const missing = Object.entries(folders)
      .filter(([, mod]) => !Object.values(mod).some((v) => registered.has(v)))
      .map(([path]) => path.split('/')[1]);
    expect(missing).toEqual([]);
    expect(Object.keys(folders).length).toBe(widgetRegistry.length);
  });

  it('has unique types, and default settings for every settings field', () => {
    const types = widgetRegistry.map((w) => w.type);
    expect(new Set(types).size).toBe(types.length);
    for (const w of widgetRegistry)
      for (const f of w.settingsFields)
        expect({ widget: w.type, key: f.key, has: f.key in w.defaultSettings }).toEqual({
          widget: w.type,
          key: f.key,
          has: true,
        });
  });
});

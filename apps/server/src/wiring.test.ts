import 'reflect-metadata';
import { GLOBAL_MODULE_METADATA, MODULE_METADATA } from '@nestjs/common/constants.js';
import { NestFactory } from '@nestjs/core';
import { TopologyTree } from '@nestjs/core/injector/topology-tree/topology-tree.js';
import { AppModule } from './app.js';
import { loadConfig } from './config/config.js';
import { CoreModule } from './core.module.js';
import { featureModules } from './modules/index.js';
import { SecurityModule } from './security/security.module.js';
import {
  CONVERTER_PORT,
  INTEGRATION_ELSEWHERE,
  LIVE_ROOM_CHECKERS,
  PLATFORM_EVENTS,
  RPC_RESPONSE_HANDLER,
  UPLINK_SINK,
} from './common/ports.js';

type ModuleClass = abstract new (...args: never[]) => unknown;
type Import = ModuleClass | { forwardRef: () => ModuleClass } | { module: ModuleClass; imports?: Import[]; providers?: unknown[] };

const moduleOf = (i: Import): ModuleClass => ('forwardRef' in i ? i.forwardRef() : 'module' in i ? i.module : i);
const importsOf = (m: ModuleClass): Import[] => (Reflect.getMetadata(MODULE_METADATA.IMPORTS, m) as Import[] | undefined) ?? [];

/** What AppModule imports (app.ts). */
function rootImports(): Import[] {
  const fakeDb = {} as Parameters<typeof CoreModule.forRoot>[1];
  const config = {} as Parameters<typeof CoreModule.forRoot>[0];
  const info = { embeddedDatabase: false, embeddedBrokerPort: null, version: 'test' };
  return [CoreModule.forRoot(config, fakeDb, info, 'key'), SecurityModule, ...featureModules] as Import[];
}

/** Every module the app is made of, with its providers (static metadata and, for CoreModule, its forRoot). */
function appModules(): Map<ModuleClass, unknown[]> {
  const found = new Map<ModuleClass, unknown[]>();
  const visit = (i: Import): void => {
    const dynamic = 'module' in i ? i : null;
    const m = moduleOf(i);
    const providers = [
      ...((Reflect.getMetadata(MODULE_METADATA.PROVIDERS, m) as unknown[] | undefined) ?? []),
      ...(dynamic?.providers ?? []),
    ];
    if (found.has(m)) {
      found.get(m)!.push(...(dynamic?.providers ?? []));
      return;
    }
    found.set(m, providers);
    [...importsOf(m), ...(dynamic?.imports ?? [])].forEach(visit);
  };
  rootImports().forEach(visit);
  return found;
}

/** The depth Nest gives each module (its start-up hooks run deepest first, its shutdown hooks the other way). */
function depths(): Map<string, number> {
  interface Node { name: string; imports: Set<Node> }
  const nodes = new Map<ModuleClass, Node>();
  const node = (m: ModuleClass): Node => {
    let n = nodes.get(m);
    if (n) return n;
    nodes.set(m, (n = { name: m.name, imports: new Set() }));
    for (const i of importsOf(m)) n.imports.add(node(moduleOf(i)));
    return n;
  };
  const root: Node = { name: 'AppModule', imports: new Set(rootImports().map((i) => node(moduleOf(i)))) };
  const out = new Map<string, number>();
  new TopologyTree(root as never).walk((m: Node, depth: number) => out.set(m.name, depth));
  return out;
}

describe('the app module graph', () => {
  it('compiles: every provider finds what it injects among its module\'s imports (Nest preview: nothing is created)', async () => {
    const module = AppModule.forRoot(loadConfig({}), {} as Parameters<typeof AppModule.forRoot>[1], { embeddedDatabase: false, embeddedBrokerPort: null, version: 'test' }, 'key');
    const app = await NestFactory.createApplicationContext(module, { preview: true, logger: false, abortOnError: false });
    await app.close();
  });

  it('has no @Global module but CoreModule (configuration and the database)', () => {
    const global = [...appModules().keys()].filter((m) => Reflect.getMetadata(GLOBAL_MODULE_METADATA, m) === true).map((m) => m.name);
    expect(global).toEqual(['CoreModule']);
  });

  it.each([
    ['UPLINK_SINK', UPLINK_SINK, 'RuleEngineModule'],
    ['RPC_RESPONSE_HANDLER', RPC_RESPONSE_HANDLER, 'RpcModule'],
    ['LIVE_ROOM_CHECKERS', LIVE_ROOM_CHECKERS, 'LiveModule'],
    ['PLATFORM_EVENTS', PLATFORM_EVENTS, 'ClusterModule'],
    ['CONVERTER_PORT', CONVERTER_PORT, 'IntegrationModule'],
    ['INTEGRATION_ELSEWHERE', INTEGRATION_ELSEWHERE, 'IntegrationModule'],
  ])('binds port %s in exactly one module, its owner', (_name, token, owner) => {
    const owners: string[] = [];
    for (const [m, providers] of appModules())
      for (const p of providers) if (typeof p === 'object' && p !== null && (p as { provide?: unknown }).provide === token) owners.push(m.name);
    expect(owners).toEqual([owner]);
  });

  it('starts the integrations before the rule engine and both before RPC (which re-sends open calls through them), and stops them the other way', () => {
    const d = depths();
    expect(d.get('IntegrationModule')).toBeGreaterThan(d.get('RuleEngineModule')!);
    expect(d.get('RuleEngineModule')).toBeGreaterThan(d.get('RpcModule')!);
    // the debug events of everything that stops are still written; the sandbox outlives the integrations
    expect(d.get('DebugEventModule')).toBeGreaterThan(d.get('IntegrationModule')!);
    expect(d.get('ConverterModule')).toBeGreaterThan(d.get('IntegrationModule')!);
  });

  it('lists every feature module once', () => {
    expect(new Set(featureModules).size).toBe(featureModules.length);
  });
});

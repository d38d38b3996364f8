/**
 * Tenant isolation matrix (issue 10, point 12): for every route of the app, what tenant B's
 * admin sends with tenant A's ids, and what must come back. A route that is in the app but
 * not here fails the test — add its case when you add the route.
 */

/** Tenant A's entities, created through the API before the attacks. */
export interface Fixture {
  tenantA: string;
  userA: string;
  deviceA: string;
  /** the device profile A's device type names */
  deviceProfileA: string;
  dashboardA: string;
  converterA: string;
  downlinkConverterA: string;
  integrationA: string;
  ruleChainA: string;
  ruleNodeA: string;
  /** a persistent RPC call to A's device */
  rpcA: string;
  /** B's own root rule chain, to try A's ids inside B's metadata */
  ruleChainB: string;
  converterB: string;
  /** a finished replay job of A's converter (issue 19) */
  replayJobA: string;
}

/** Marker in every name, key and value of tenant A: no answer to tenant B may contain it. */
export const MARK = 'A-SECRET';

export interface Attack {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  url: string;
  body?: unknown;
  /** answers that count as refused; default [404] */
  refused?: number[];
  /** a 2xx answer is accepted only when this says it holds nothing of A (e.g. an empty page) */
  emptyOk?: (body: unknown) => boolean;
  /** A's own call with the same request succeeds (proves the URL reaches A's data); default: GET routes that are not sysadmin-only */
  control?: boolean;
  /** for a 2xx control: A's answer really holds A's data (e.g. a non-empty page) */
  controlHas?: (body: unknown) => boolean;
  /** what the check means, for the report */
  note?: string;
}

type Case = (f: Fixture) => Attack[];

const page = (b: unknown) =>
  (b as { totalElements?: number; data?: unknown[] })?.totalElements === 0 &&
  (b as { data: unknown[] }).data.length === 0;
const found = (b: unknown) => ((b as { totalElements?: number })?.totalElements ?? 0) > 0;
const emptyList = (b: unknown) => Array.isArray(b) && b.length === 0;
const emptyObject = (b: unknown) => !!b && typeof b === 'object' && Object.keys(b).length === 0;
const dev = (id: string) => `/api/plugins/telemetry/DEVICE/${id}`;
const ref = <T extends string>(entityType: T, id: string) => ({ entityType, id });

export const integrationBody = (
  f: Pick<Fixture, 'converterA'>,
  name: string,
  extra: Record<string, unknown> = {},
) => ({
  name,
  type: 'MQTT',
  enabled: false,
  debugMode: false,
  defaultConverterId: ref('CONVERTER', f.converterA),
  configuration: {
    clientConfiguration: { host: '127.0.0.1', port: 1883, credentials: { type: 'anonymous' } },
    topicFilters: [{ filter: 'isolation/#', qos: 0 }],
    downlinkTopicPattern: '${topic}',
    metadata: {},
  },
  ...extra,
});

/** Routes that carry an id (path parameter) or select tenant data by body or query. */
export const matrix: Record<string, Case> = {
  // devices
  'GET /api/device/:id': (f) => [{ method: 'GET', url: `/api/device/${f.deviceA}` }],
  'DELETE /api/device/:id': (f) => [{ method: 'DELETE', url: `/api/device/${f.deviceA}` }],
  'POST /api/device': (f) => [
    {
      method: 'POST',
      url: '/api/device',
      body: { id: ref('DEVICE', f.deviceA), name: 'B-took-it', type: 'x' },
      note: "update with A's device id",
    },
  ],
  // device profiles (one per device type; A's device type carries the marker)
  'GET /api/deviceProfile/:id': (f) => [{ method: 'GET', url: `/api/deviceProfile/${f.deviceProfileA}` }],
  'GET /api/deviceProfileInfo/:id': (f) => [
    { method: 'GET', url: `/api/deviceProfileInfo/${f.deviceProfileA}` },
  ],
  'POST /api/deviceProfile': (f) => [
    {
      method: 'POST',
      url: '/api/deviceProfile',
      body: { id: ref('DEVICE_PROFILE', f.deviceProfileA), name: 'B-took-it' },
      note: "update with A's profile id",
    },
  ],
  'GET /api/deviceProfiles': () => [
    {
      method: 'GET',
      url: `/api/deviceProfiles?pageSize=100&page=0&textSearch=${MARK}`,
      refused: [],
      emptyOk: page,
      control: true,
      controlHas: found,
      note: '?textSearch=',
    },
  ],
  'GET /api/deviceProfileInfo/default': () => [
    {
      method: 'GET',
      url: '/api/deviceProfileInfo/default',
      refused: [],
      emptyOk: (b) => (b as { name?: string })?.name === 'default',
      note: "B's own default profile",
    },
  ],
  'GET /api/tenant/devices': () => [
    {
      method: 'GET',
      url: `/api/tenant/devices?deviceName=${MARK}-device`,
      note: "?deviceName= of A's device",
    },
    {
      method: 'GET',
      url: `/api/tenant/devices?pageSize=100&page=0&textSearch=${MARK}`,
      refused: [],
      emptyOk: page,
      control: true,
      controlHas: found,
      note: '?textSearch=',
    },
    {
      method: 'GET',
      url: `/api/tenant/devices?pageSize=100&page=0&type=${MARK}-type`,
      refused: [],
      emptyOk: page,
      control: true,
      controlHas: found,
      note: '?type=',
    },
  ],
  // telemetry and attributes
  'GET /api/plugins/telemetry/:entityType/:id/keys/timeseries': (f) => [
    { method: 'GET', url: `${dev(f.deviceA)}/keys/timeseries` },
  ],
  'GET /api/plugins/telemetry/:entityType/:id/values/timeseries': (f) => [
    { method: 'GET', url: `${dev(f.deviceA)}/values/timeseries?keys=${MARK}-key` },
    {
      method: 'GET',
      url: `${dev(f.deviceA)}/values/timeseries?keys=${MARK}-key&startTs=0&endTs=${Date.now() + 60_000}`,
    },
  ],
  'GET /api/plugins/telemetry/:entityType/:id/values/attributes': (f) => [
    { method: 'GET', url: `${dev(f.deviceA)}/values/attributes` },
  ],
  'GET /api/plugins/telemetry/:entityType/:id/values/attributes/:scope': (f) => [
    { method: 'GET', url: `${dev(f.deviceA)}/values/attributes/SERVER_SCOPE` },
  ],
  'POST /api/plugins/telemetry/:entityType/:id/timeseries/:scope': (f) => [
    { method: 'POST', url: `${dev(f.deviceA)}/timeseries/ANY`, body: { injected: 1 } },
  ],
  'POST /api/plugins/telemetry/:entityType/:id/attributes/:scope': (f) => [
    { method: 'POST', url: `${dev(f.deviceA)}/attributes/SERVER_SCOPE`, body: { injected: 1 } },
    { method: 'POST', url: `${dev(f.deviceA)}/attributes/SHARED_SCOPE`, body: { injected: 1 } },
  ],
  // debug events: an empty page for an entity that is not B's is as good as a 404
  'GET /api/events/:entityType/:id/:eventType': (f) => [
    {
      method: 'GET',
      url: `/api/events/CONVERTER/${f.converterA}/DEBUG_CONVERTER?tenantId=${f.tenantA}&pageSize=100&page=0`,
      refused: [404],
      emptyOk: page,
      controlHas: found,
      note: "ThingsBoard's typed path, with A's tenantId in the query",
    },
  ],
  'GET /api/events/:entityType/:id': (f) => [
    {
      method: 'GET',
      url: `/api/events/CONVERTER/${f.converterA}?pageSize=100&page=0`,
      refused: [404],
      emptyOk: page,
      controlHas: found,
    },
    {
      method: 'GET',
      url: `/api/events/INTEGRATION/${f.integrationA}?pageSize=100&page=0`,
      refused: [404],
      emptyOk: page,
    },
    {
      method: 'GET',
      url: `/api/events/DEVICE/${f.deviceA}?pageSize=100&page=0`,
      refused: [404],
      emptyOk: page,
    },
  ],
  // a trace: A's persistent RPC's trace id is its id; B gets an empty journey, A its steps
  'GET /api/events/trace/:traceId': (f) => [
    {
      method: 'GET',
      url: `/api/events/trace/${f.rpcA}`,
      refused: [404],
      emptyOk: (b) => Array.isArray((b as { events?: unknown[] })?.events) && (b as { events: unknown[] }).events.length === 0,
      controlHas: (b) => ((b as { events?: unknown[] })?.events?.length ?? 0) > 0,
      note: "the trace of A's persistent RPC",
    },
  ],
  'DELETE /api/events/:entityType/:id': (f) => [
    {
      method: 'DELETE',
      url: `/api/events/CONVERTER/${f.converterA}`,
      refused: [404, 200],
      note: 'A keeps its events (checked in the database)',
    },
  ],
  // dashboards
  'GET /api/dashboard/:id': (f) => [{ method: 'GET', url: `/api/dashboard/${f.dashboardA}` }],
  'DELETE /api/dashboard/:id': (f) => [{ method: 'DELETE', url: `/api/dashboard/${f.dashboardA}` }],
  'POST /api/dashboard': (f) => [
    {
      method: 'POST',
      url: '/api/dashboard',
      body: { id: ref('DASHBOARD', f.dashboardA), title: 'B-took-it' },
    },
  ],
  'GET /api/tenant/dashboards': () => [
    {
      method: 'GET',
      url: `/api/tenant/dashboards?pageSize=100&page=0&textSearch=${MARK}`,
      refused: [],
      emptyOk: page,
      control: true,
      controlHas: found,
    },
  ],
  // converters
  'GET /api/converter/:id': (f) => [{ method: 'GET', url: `/api/converter/${f.converterA}` }],
  'GET /api/converter/:id/debugIn': (f) => [
    // A's converter has had no input, so A gets a 404 too; the answer to B must not name A's converter
    { method: 'GET', url: `/api/converter/${f.converterA}/debugIn`, control: false },
  ],
  'DELETE /api/converter/:id': (f) => [{ method: 'DELETE', url: `/api/converter/${f.downlinkConverterA}` }],
  'POST /api/converter': (f) => [
    {
      method: 'POST',
      url: '/api/converter',
      body: {
        id: ref('CONVERTER', f.converterA),
        name: 'B-took-it',
        type: 'UPLINK',
        configuration: { scriptLang: 'JS', decoder: 'return null;' },
      },
    },
  ],
  // converter lifecycle (issue 19)
  'GET /api/converter/:id/versions': (f) => [{ method: 'GET', url: `/api/converter/${f.converterA}/versions?pageSize=100&page=0` }],
  'GET /api/converter/:id/versions/:version': (f) => [{ method: 'GET', url: `/api/converter/${f.converterA}/versions/1` }],
  'POST /api/converter/:id/versions/:version/restore': (f) => [
    { method: 'POST', url: `/api/converter/${f.converterA}/versions/1/restore`, note: "restoring a version of A's converter" },
  ],
  'POST /api/converter/:id/replay': (f) => [
    { method: 'POST', url: `/api/converter/${f.converterA}/replay`, body: { startTs: 0, endTs: Date.now() + 60_000, dryRun: true } },
    { method: 'POST', url: `/api/converter/${f.converterA}/replay`, body: { startTs: 0, endTs: Date.now() + 60_000, dryRun: false }, note: "applying a replay of A's converter" },
    {
      method: 'POST',
      url: `/api/converter/${f.converterB}/replay`,
      body: { startTs: 0, endTs: Date.now() + 60_000, integrationId: f.integrationA, dryRun: true },
      note: "B's own converter replaying A's integration's messages",
    },
  ],
  'GET /api/converter/:id/replay/:jobId': (f) => [
    { method: 'GET', url: `/api/converter/${f.converterA}/replay/${f.replayJobA}` },
    { method: 'GET', url: `/api/converter/${f.converterB}/replay/${f.replayJobA}`, control: false, note: "A's job id under B's own converter" },
  ],
  'DELETE /api/converter/:id/replay/:jobId': (f) => [
    { method: 'DELETE', url: `/api/converter/${f.converterA}/replay/${f.replayJobA}` },
    { method: 'DELETE', url: `/api/converter/${f.converterB}/replay/${f.replayJobA}`, note: "A's job id under B's own converter" },
  ],
  'POST /api/converter/:id/testOnArchive': (f) => [
    {
      method: 'POST',
      url: `/api/converter/${f.converterA}/testOnArchive`,
      body: { configuration: { scriptLang: 'JS', decoder: 'return {deviceName: "x", deviceType: "y"};' }, limit: 10 },
    },
  ],
  'POST /api/integration/:id/quarantine/reprocess': (f) => [
    { method: 'POST', url: `/api/integration/${f.integrationA}/quarantine/reprocess`, body: {} },
  ],
  'DELETE /api/integration/:id/quarantine': (f) => [{ method: 'DELETE', url: `/api/integration/${f.integrationA}/quarantine` }],
  'GET /api/converters': () => [
    {
      method: 'GET',
      url: `/api/converters?pageSize=100&page=0&textSearch=${MARK}`,
      refused: [],
      emptyOk: page,
      control: true,
      controlHas: found,
    },
  ],
  // integrations
  'GET /api/integration/:id': (f) => [{ method: 'GET', url: `/api/integration/${f.integrationA}` }],
  'GET /api/integration/routingKey/:routingKey': () => [
    { method: 'GET', url: `/api/integration/routingKey/${MARK}-routing-key` },
  ],
  'GET /api/integration/:id/status': (f) => [
    { method: 'GET', url: `/api/integration/${f.integrationA}/status` },
  ],
  'GET /api/integration/:id/quarantine': (f) => [
    { method: 'GET', url: `/api/integration/${f.integrationA}/quarantine?pageSize=100&page=0` },
  ],
  'DELETE /api/integration/:id': (f) => [{ method: 'DELETE', url: `/api/integration/${f.integrationA}` }],
  'POST /api/integration': (f) => [
    {
      method: 'POST',
      url: '/api/integration',
      body: integrationBody({ converterA: f.converterB }, 'B-took-it', {
        id: ref('INTEGRATION', f.integrationA),
      }),
      note: "update with A's integration id",
    },
    {
      method: 'POST',
      url: '/api/integration',
      body: integrationBody(f, 'B-uses-A-converter'),
      refused: [400, 404],
      note: "new integration of B decoding with A's uplink converter",
    },
    {
      method: 'POST',
      url: '/api/integration',
      body: integrationBody({ converterA: f.converterB }, 'B-uses-A-downlink', {
        downlinkConverterId: ref('CONVERTER', f.downlinkConverterA),
      }),
      refused: [400, 404],
      note: "new integration of B encoding with A's downlink converter",
    },
  ],
  // the device list with activity (ThingsBoard's deviceInfos) and the home page's counts
  'GET /api/tenant/deviceInfos': () => [
    {
      method: 'GET',
      url: `/api/tenant/deviceInfos?pageSize=100&page=0&textSearch=${MARK}`,
      refused: [],
      emptyOk: page,
      control: true,
      controlHas: found,
    },
  ],
  'GET /api/home': (f) => [
    {
      method: 'GET',
      url: '/api/home',
      refused: [],
      emptyOk: (b) => ![f.integrationA, f.converterA, f.deviceA, f.ruleNodeA].some((id) => JSON.stringify(b).includes(id)),
      note: "B's counts and recent errors hold none of A's entities",
    },
  ],
  'GET /api/admin/usage': () => [{ method: 'GET', url: '/api/admin/usage', refused: [403] }],
  'GET /api/integrations': () => [
    {
      method: 'GET',
      url: `/api/integrations?pageSize=100&page=0&textSearch=${MARK}`,
      refused: [],
      emptyOk: page,
      control: true,
      controlHas: found,
    },
  ],
  // rule chains
  'GET /api/ruleChain/:id': (f) => [{ method: 'GET', url: `/api/ruleChain/${f.ruleChainA}` }],
  'GET /api/ruleChain/:id/metadata': (f) => [
    { method: 'GET', url: `/api/ruleChain/${f.ruleChainA}/metadata` },
  ],
  'POST /api/ruleChain/:id/root': (f) => [{ method: 'POST', url: `/api/ruleChain/${f.ruleChainA}/root` }],
  'DELETE /api/ruleChain/:id': (f) => [
    { method: 'DELETE', url: `/api/ruleChain/${f.ruleChainA}`, refused: [404] },
  ],
  'POST /api/ruleChain': (f) => [
    {
      method: 'POST',
      url: '/api/ruleChain',
      body: { id: ref('RULE_CHAIN', f.ruleChainA), name: 'B-took-it' },
    },
  ],
  'POST /api/ruleChain/metadata': (f) => [
    {
      method: 'POST',
      url: '/api/ruleChain/metadata',
      body: {
        ruleChainId: ref('RULE_CHAIN', f.ruleChainA),
        firstNodeIndex: null,
        nodes: [],
        connections: [],
      },
      note: "A's rule chain emptied by B",
    },
    {
      method: 'POST',
      url: '/api/ruleChain/metadata',
      body: {
        ruleChainId: ref('RULE_CHAIN', f.ruleChainB),
        firstNodeIndex: 0,
        nodes: [
          {
            id: ref('RULE_NODE', f.ruleNodeA),
            type: 'org.thingsboard.rule.engine.flow.TbRuleChainInputNode',
            name: 'to A',
            debugMode: false,
            configuration: { ruleChainId: f.ruleChainA },
            additionalInfo: { layoutX: 0, layoutY: 0 },
          },
        ],
        connections: [],
      },
      refused: [400, 404],
      note: "B's chain forwarding to A's rule chain, reusing A's rule node id",
    },
    {
      method: 'POST',
      url: '/api/ruleChain/metadata',
      body: {
        ruleChainId: ref('RULE_CHAIN', f.ruleChainB),
        firstNodeIndex: 0,
        nodes: [
          {
            type: 'org.thingsboard.rule.engine.integration.TbIntegrationDownlinkNode',
            name: 'downlink via A',
            debugMode: false,
            configuration: { integrationId: f.integrationA },
            additionalInfo: { layoutX: 0, layoutY: 0 },
          },
        ],
        connections: [],
      },
      // Accepted today as a bare reference: the node looks the integration up in its own tenant at run
      // time (ctx.downlink.getIntegration(ctx.tenantId, id)), so it can never publish through A's.
      // The database snapshot below proves A's rows are untouched; validating it on save would be better.
      refused: [400, 404, 200],
      note: "B's Integration Downlink node pointing at A's integration (a reference resolved in B's tenant only)",
    },
  ],
  'GET /api/ruleChains': () => [
    {
      method: 'GET',
      url: `/api/ruleChains?pageSize=100&page=0&textSearch=${MARK}`,
      refused: [],
      emptyOk: page,
      control: true,
      controlHas: found,
    },
  ],
  // RPC to A's device
  'POST /api/plugins/rpc/oneway/:deviceId': (f) => [
    { method: 'POST', url: `/api/plugins/rpc/oneway/${f.deviceA}`, body: { method: 'setValue', params: 1 } },
  ],
  'POST /api/plugins/rpc/twoway/:deviceId': (f) => [
    {
      method: 'POST',
      url: `/api/plugins/rpc/twoway/${f.deviceA}`,
      body: { method: 'getValue', params: {}, timeout: 1000 },
    },
  ],
  'POST /api/rpc/oneway/:deviceId': (f) => [
    { method: 'POST', url: `/api/rpc/oneway/${f.deviceA}`, body: { method: 'setValue', params: 1 } },
  ],
  'POST /api/rpc/twoway/:deviceId': (f) => [
    {
      method: 'POST',
      url: `/api/rpc/twoway/${f.deviceA}`,
      body: { method: 'getValue', params: {}, timeout: 1000 },
    },
  ],
  'GET /api/rpc/persistent/:rpcId': (f) => [{ method: 'GET', url: `/api/rpc/persistent/${f.rpcA}` }],
  'GET /api/rpc/persistent/device/:deviceId': (f) => [
    {
      method: 'GET',
      url: `/api/rpc/persistent/device/${f.deviceA}?pageSize=100&page=0`,
      refused: [404],
      emptyOk: page,
      controlHas: found,
    },
  ],
  // rule node types: the same for every tenant; the path names a type, not a tenant's entity
  'GET /api/components/:componentType': () => [
    {
      method: 'GET',
      url: '/api/components/ACTION',
      refused: [],
      emptyOk: (b) => Array.isArray(b) && b.length > 0,
      note: 'node types, no tenant data',
    },
  ],
  'GET /api/component/:clazz': () => [
    {
      method: 'GET',
      url: '/api/component/org.thingsboard.rule.engine.integration.TbIntegrationDownlinkNode',
      refused: [],
      emptyOk: (b) => !!b && typeof b === 'object' && 'clazz' in b,
      note: 'a node type, no tenant data',
    },
  ],
  // import and export (modules/transfer): A's ids neither export nor get referenced by an import
  'GET /api/converter/:id/export': (f) => [{ method: 'GET', url: `/api/converter/${f.converterA}/export` }],
  'GET /api/integration/:id/export': (f) => [
    { method: 'GET', url: `/api/integration/${f.integrationA}/export` },
  ],
  'GET /api/ruleChain/:id/export': (f) => [{ method: 'GET', url: `/api/ruleChain/${f.ruleChainA}/export` }],
  'GET /api/dashboard/:id/export': (f) => [{ method: 'GET', url: `/api/dashboard/${f.dashboardA}/export` }],
  'POST /api/import': (f) => [
    {
      method: 'POST',
      url: '/api/import',
      body: {
        format: 'bridgeboard-export',
        version: 1,
        integrations: [{ id: ref('INTEGRATION', f.downlinkConverterA), ...integrationBody(f, 'B-import') }],
      },
      refused: [400],
      note: "an imported integration naming A's converter",
    },
    {
      method: 'POST',
      url: '/api/import',
      body: {
        format: 'bridgeboard-export',
        version: 1,
        ruleChains: [
          {
            ruleChain: { id: ref('RULE_CHAIN', f.ruleChainA), name: 'B-import' },
            metadata: {
              firstNodeIndex: 0,
              nodes: [
                {
                  type: 'org.thingsboard.rule.engine.integration.TbIntegrationDownlinkNode',
                  name: 'B-node',
                  configuration: { integrationId: f.integrationA },
                },
              ],
              connections: [],
            },
          },
        ],
      },
      refused: [400],
      note: "an imported Integration Downlink node naming A's integration",
    },
  ],
  // the name selects a built-in example, never tenant data; importing one writes only to the caller's tenant
  'GET /api/import/example/:name': () => [
    { method: 'GET', url: `/api/import/example/${MARK}`, control: false, note: 'a name that is no example' },
  ],
  'POST /api/import/example/:name': () => [
    { method: 'POST', url: `/api/import/example/${MARK}`, note: 'a name that is no example' },
  ],
  // system administration: a tenant admin is refused whatever the id
  'GET /api/tenant/:id': (f) => [{ method: 'GET', url: `/api/tenant/${f.tenantA}`, refused: [403] }],
  'DELETE /api/tenant/:id': (f) => [{ method: 'DELETE', url: `/api/tenant/${f.tenantA}`, refused: [403] }],
  'GET /api/tenants': () => [{ method: 'GET', url: '/api/tenants?pageSize=100&page=0', refused: [403] }],
  // the nodes and what each runs (integration names of every tenant): the system administrator's only
  'GET /api/cluster': () => [{ method: 'GET', url: '/api/cluster', refused: [403] }],
  'POST /api/tenant': () => [
    { method: 'POST', url: '/api/tenant', body: { title: 'B-made-tenant' }, refused: [403] },
  ],
  'GET /api/user/:id': (f) => [{ method: 'GET', url: `/api/user/${f.userA}`, refused: [403] }],
  'DELETE /api/user/:id': (f) => [{ method: 'DELETE', url: `/api/user/${f.userA}`, refused: [403] }],
  'GET /api/user/:id/activationLink': (f) => [
    { method: 'GET', url: `/api/user/${f.userA}/activationLink`, refused: [403] },
  ],
  'POST /api/user': (f) => [
    {
      method: 'POST',
      url: '/api/user',
      body: { email: 'b-in-a@example.com', authority: 'TENANT_ADMIN', tenantId: ref('TENANT', f.tenantA) },
      refused: [403],
    },
  ],
};

/** Routes that select no tenant data by id or query; each says why. */
export const unscoped: Record<string, string> = {
  'POST /api/auth/login': 'public; throttled per address (limits.medium.test.ts)',
  'POST /api/auth/token': 'public; the refresh token names its user (jwt.medium.test.ts)',
  'GET /api/auth/user': 'the caller itself',
  'POST /api/noauth/activate': 'public; a one-time activation token, no id',
  'GET /api/health': 'public; no tenant data',
  'GET /api/openapi.json': 'public API description',
  'GET /metrics':
    'public but guarded: loopback connections (no proxy header) or the METRICS_TOKEN bearer only; operator series labelled with ids (metrics-access.test.ts, metrics.medium.test.ts)',
  'GET /api/components': 'rule node types, the same for every tenant',
  'POST /api/converter/testUpLink':
    'runs the script in the body on the payload in the body; reads no stored data',
  'POST /api/converter/testDownLink':
    'runs the script in the body on the message in the body; reads no stored data',
  'POST /api/ruleChain/testScript':
    'runs the node script in the body on the message in the body; reads no stored data',
};

/** Paths outside /api (swagger UI assets, the web app) carry no tenant data; /metrics does (ids), so it is listed. */
export const isApi = (path: string) => (path.startsWith('/api/') && path !== '/api/openapi.json') || path === '/metrics';

export const emptyChecks = { page, emptyList, emptyObject };

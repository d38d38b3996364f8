/** The REST calls the benchmark makes, as a ThingsBoard REST client would (contracts.md). */
export class Api {
  private token = '';
  constructor(readonly base: string) {}

  async login(username: string, password: string): Promise<void> {
    const r = await this.call('POST', '/api/auth/login', { username, password }, false);
    this.token = (r as { token: string }).token;
  }

  async call(method: string, path: string, body?: unknown, auth = true): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth) headers['X-Authorization'] = `Bearer ${this.token}`;
    const r = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path} answered ${r.status}: ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : null;
  }

  get accessToken(): string {
    return this.token;
  }

  async createConverter(name: string, decoder: string, debugMode: boolean): Promise<string> {
    const r = (await this.call('POST', '/api/converter', {
      name,
      type: 'UPLINK',
      debugMode,
      configuration: { scriptLang: 'JS', decoder },
    })) as { id: { id: string } };
    return r.id.id;
  }

  async createIntegration(o: {
    name: string;
    converterId: string;
    mqttUrl: string;
    filter: string;
    qos: 0 | 1;
    clientId: string;
    /** cluster: every node runs it, subscribed as $share/<group>/<filter> */
    shared?: boolean;
  }): Promise<string> {
    const u = new URL(o.mqttUrl);
    const r = (await this.call('POST', '/api/integration', {
      name: o.name,
      type: 'MQTT',
      enabled: true,
      debugMode: false,
      defaultConverterId: { entityType: 'CONVERTER', id: o.converterId },
      configuration: {
        clientConfiguration: {
          host: u.hostname,
          port: Number(u.port || 1883),
          // QoS 1 needs a persistent session so nothing is lost across a reconnect
          cleanSession: o.qos === 0,
          retainedMessage: false,
          ssl: false,
          connectTimeoutSec: 10,
          clientId: o.clientId,
          maxBytesInMessage: 32768,
          credentials: { type: 'anonymous' },
        },
        topicFilters: [{ filter: o.filter, qos: o.qos }],
        downlinkTopicPattern: '${topic}',
        metadata: {},
        ...(o.shared ? { sharedSubscription: true } : {}),
      },
    })) as { id: { id: string } };
    return r.id.id;
  }

  async integrationStatus(id: string): Promise<{ status: string; messagesIn: number; errors: number }> {
    return (await this.call('GET', `/api/integration/${id}/status`)) as {
      status: string;
      messagesIn: number;
      errors: number;
    };
  }

  async waitConnected(id: string, timeoutMs = 60000): Promise<void> {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      last = (await this.integrationStatus(id)).status;
      if (last === 'CONNECTED') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`integration ${id} is ${last}, not CONNECTED, after ${timeoutMs} ms`);
  }

  async deleteIntegration(id: string): Promise<void> {
    await this.call('DELETE', `/api/integration/${id}`);
  }
}

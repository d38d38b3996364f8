/** Stands in for socket.io-client: records subscriptions and lets a test emit server events. */
export const fakeSocket = {
  handlers: new Map<string, ((p: unknown) => void)[]>(),
  emitted: [] as { event: string; payload: unknown }[],
  connected: true,
  on(event: string, h: (p: unknown) => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), h]);
    if (event === 'connect') queueMicrotask(() => h(undefined));
    return this;
  },
  emit(event: string, payload: unknown, ack?: (a: unknown) => void) {
    this.emitted.push({ event, payload });
    ack?.({ ok: true });
    return this;
  },
  /** the server sends `event` */
  serverEmit(event: string, payload: unknown) {
    for (const h of this.handlers.get(event) ?? []) h(payload);
  },
  connect() {
    return this;
  },
  disconnect() {
    return this;
  },
  reset() {
    this.emitted = [];
  },
};

/**
 * Live updates over socket.io (same origin, path /socket.io, access token in the handshake).
 *
 *   const stop = subscribe(`device:${id}`, (event, payload) => { if (event === 'telemetry') ... });
 *   stop(); // leaves the room when the last subscriber of that room stops
 *
 * Rooms: 'device:<id>' | 'integration:<id>' | 'converter:<id>' | 'rulenode:<id>' | 'tenant'.
 * A handler only gets events about its room's entity (by deviceId / integrationId / entityId),
 * except 'tenant' handlers, which get every event. Rooms are joined again after a reconnect.
 *
 * Once the server has confirmed the room (and again after every reconnect) the handler gets the
 * pseudo-event 'subscribed': reload what you showed then, so nothing sent between your first
 * request and the join (or while disconnected) is missed.
 */
import { io, type Socket } from 'socket.io-client';
import { onTokensChanged, refreshTokens, tokens } from './api';

export type LiveHandler = (event: string, payload: unknown) => void;

export const LIVE_EVENTS = ['telemetry', 'attributes', 'device', 'integrationStatus', 'debugEvent'] as const;

let socket: Socket | null = null;
const handlers = new Map<string, Set<LiveHandler>>();
const joined = new Set<string>();
const statusListeners = new Set<(connected: boolean) => void>();

function roomMatches(room: string, payload: unknown): boolean {
  if (room === 'tenant') return true;
  const id = room.slice(room.indexOf(':') + 1);
  const p = (payload ?? {}) as Record<string, unknown>;
  const device = p.device as { id?: { id?: string } } | undefined;
  const candidates = [p.deviceId, p.integrationId, p.entityId, device?.id?.id];
  const entityId = p.entityId as { id?: string } | string | undefined;
  if (entityId && typeof entityId === 'object') candidates.push(entityId.id);
  return candidates.includes(id);
}

function join(s: Socket, room: string): void {
  s.emit('subscribe', { room }, (ack?: { ok: boolean; error?: string }) => {
    if (ack && !ack.ok) return console.warn(`Live updates for ${room} refused: ${ack.error ?? 'unknown reason'}`);
    joined.add(room);
    handlers.get(room)?.forEach((h) => h('subscribed', { room }));
  });
}

function connect(): Socket {
  if (socket) return socket;
  const s = io({
    path: '/socket.io',
    transports: ['websocket'],
    auth: (cb) => cb({ token: tokens.access }),
  });
  s.on('connect', () => {
    for (const room of handlers.keys()) join(s, room);
    statusListeners.forEach((l) => l(true));
  });
  s.on('disconnect', (reason) => {
    joined.clear();
    statusListeners.forEach((l) => l(false));
    // The server ended the connection (its token expired, or the user or tenant is gone; it said why
    // in 'sessionEnded'): a refreshed token connects again through onTokensChanged, a refused one ends the session.
    if (reason === 'io server disconnect') void refreshTokens().catch(() => undefined);
  });
  s.on('connect_error', (err) => {
    statusListeners.forEach((l) => l(false));
    // An expired access token: refresh it and try again (the auth callback reads the new one).
    if (/token|auth|expired|unauthor/i.test(err.message)) void refreshTokens().then((ok) => ok && s.connect());
  });
  for (const ev of LIVE_EVENTS) {
    s.on(ev, (payload: unknown) => {
      for (const [room, set] of handlers) if (roomMatches(room, payload)) set.forEach((h) => h(ev, payload));
    });
  }
  socket = s;
  return s;
}

onTokensChanged(() => {
  if (!socket) return;
  socket.disconnect();
  if (tokens.access) socket.connect();
});

export function subscribe(room: string, handler: LiveHandler): () => void {
  const s = connect();
  const existing = handlers.get(room);
  if (existing) {
    existing.add(handler);
    if (joined.has(room)) queueMicrotask(() => handlers.get(room)?.has(handler) && handler('subscribed', { room }));
  } else {
    handlers.set(room, new Set([handler]));
    if (s.connected) join(s, room);
  }
  return () => {
    const cur = handlers.get(room);
    if (!cur) return;
    cur.delete(handler);
    if (cur.size === 0) {
      handlers.delete(room);
      joined.delete(room);
      if (s.connected) s.emit('unsubscribe', { room });
    }
  };
}

/** Opens the connection without joining a room (the shell does, so its "Live" chip tells the truth). */
export function connectLive(): void {
  connect();
}

export function isLiveConnected(): boolean {
  return !!socket?.connected;
}

export function onLiveStatus(l: (connected: boolean) => void): () => void {
  statusListeners.add(l);
  return () => statusListeners.delete(l);
}

/** Closes the connection (on logout). */
export function closeSocket(): void {
  socket?.disconnect();
  socket = null;
  handlers.clear();
  joined.clear();
}

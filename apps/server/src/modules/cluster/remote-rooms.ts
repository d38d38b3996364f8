import { Logger } from '@nestjs/common';
import type { ClusterBus } from './cluster-bus.js';
import type { ClusterNode } from './cluster-node.js';

/**
 * The live-update rooms that sockets on other nodes have joined. A node sends an event through the
 * socket.io adapter (a NOTIFY every node reads) only for a room another node has a socket in: one
 * idle socket somewhere must not make every telemetry batch of every tenant a NOTIFY. Each node tells
 * the others its rooms as they are created and deleted, and all of them when a node joins or asks
 * (its channel was lost); a gone node's rooms are forgotten on the next heartbeat.
 */
export class RemoteRooms {
  private readonly log = new Logger('live');
  /** room → the other nodes with a socket in it */
  private readonly nodesOf = new Map<string, Set<string>>();

  constructor(
    private readonly bus: ClusterBus,
    private readonly node: ClusterNode,
    private readonly local: () => Iterable<string>,
  ) {
    bus.on('rooms', (m) =>
      this.apply(String(m.from), (m.add ?? []) as string[], (m.remove ?? []) as string[], m.all === true),
    );
    bus.on('joined', () => this.tellAll());
    bus.on('roomsAsk', () => this.tellAll());
    bus.on('resync', () => {
      this.nodesOf.clear();
      this.send({ type: 'roomsAsk' });
    });
    node.events.on('beat', () => this.forgetGone());
  }

  created(room: string): void {
    this.send({ type: 'rooms', add: [room] });
  }

  deleted(room: string): void {
    this.send({ type: 'rooms', remove: [room] });
  }

  /** Whether a socket on another node is in one of the rooms. */
  has(rooms: string[]): boolean {
    return rooms.some((r) => this.nodesOf.has(r));
  }

  /** How many other nodes have a socket in one of the rooms. */
  nodesIn(rooms: string[]): number {
    const nodes = new Set<string>();
    for (const r of rooms) for (const n of this.nodesOf.get(r) ?? []) nodes.add(n);
    return nodes.size;
  }

  private tellAll(): void {
    this.send({ type: 'rooms', all: true, add: [...this.local()] });
  }

  private send(m: { type: string } & Record<string, unknown>): void {
    void this.bus.send(m).catch((e: Error) => this.log.warn(`Could not tell the other nodes of live rooms: ${e.message}`));
  }

  private apply(from: string, add: string[], remove: string[], all: boolean): void {
    if (all) for (const r of [...this.nodesOf.keys()]) this.drop(r, from);
    for (const r of add) {
      let set = this.nodesOf.get(r);
      if (!set) this.nodesOf.set(r, (set = new Set()));
      set.add(from);
    }
    for (const r of remove) this.drop(r, from);
  }

  private drop(room: string, node: string): void {
    const set = this.nodesOf.get(room);
    if (!set?.delete(node) || set.size) return;
    this.nodesOf.delete(room);
  }

  private forgetGone(): void {
    const alive = new Set(this.node.nodes.filter((n) => n.alive).map((n) => n.id));
    for (const [room, set] of [...this.nodesOf]) for (const n of set) if (!alive.has(n)) this.drop(room, n);
  }
}

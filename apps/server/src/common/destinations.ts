import { BlockList, isIP, isIPv4 } from 'node:net';
import { lookup } from 'node:dns/promises';
import os from 'node:os';

/**
 * Where integrations may connect to. On a hosted platform an integration's host and port are chosen by
 * tenants, so the platform itself would connect wherever they say: INTEGRATION_DENY_HOSTS lists what is
 * off limits (cloud metadata at 169.254.169.254, the platform's own ports, an internal network).
 */
interface Entry {
  text: string;
  block: BlockList | null;
  host: string | null;
  port: number | null;
}

const ENTRY = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9._-]+))(?:\/(\d{1,3}))?(?::(\d{1,5}))?$/i;

/** Parses the list; throws a sentence naming the entry that is not an IP, CIDR range or host name with an optional :port. */
export function parseDenyList(spec: string): Entry[] {
  const out: Entry[] = [];
  for (const raw of spec.split(',')) {
    const text = raw.trim();
    if (!text) continue;
    // a bare IPv6 address or range (no port possible without brackets)
    const bare = /^([0-9a-f:.]+)(?:\/(\d{1,3}))?$/i.exec(text);
    const m = bare && isIP(bare[1]!) === 6 ? [text, bare[1], undefined, bare[2], undefined] : ENTRY.exec(text);
    if (!m) throw new Error(`'${text}' is not an IP address, CIDR range or host name with an optional :port`);
    const addr = (m[1] ?? m[2])!;
    const prefix = m[3] === undefined ? null : Number(m[3]);
    const port = m[4] === undefined ? null : Number(m[4]);
    if (port !== null && (port < 1 || port > 65535)) throw new Error(`'${text}': port must be between 1 and 65535`);
    const family = isIP(addr);
    if (!family) {
      if (prefix !== null || m[1]) throw new Error(`'${text}': a range needs an IP address`);
      out.push({ text, block: null, host: addr.toLowerCase(), port });
      continue;
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix !== null && prefix > (family === 4 ? 32 : 128)) throw new Error(`'${text}': prefix /${prefix} is too long for ${type}`);
    const block = new BlockList();
    if (prefix === null) block.addAddress(addr, type);
    else block.addSubnet(addr, prefix, type);
    out.push({ text, block, host: null, port });
  }
  return out;
}

/** An IPv4 address written as IPv6 (::ffff:a.b.c.d) is checked as IPv4 too. */
function forms(address: string): [string, 'ipv4' | 'ipv6'][] {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return [[mapped, 'ipv4'], [address, 'ipv6']];
  return [[address, isIPv4(address) ? 'ipv4' : 'ipv6']];
}

export class DestinationPolicy {
  private readonly entries: Entry[];

  constructor(spec: string) {
    this.entries = parseDenyList(spec);
  }

  get active(): boolean {
    return this.entries.length > 0;
  }

  /** The entry that refuses this host name or address at this port, or null. */
  private refusing(hostOrAddress: string, port: number): Entry | null {
    const name = hostOrAddress.toLowerCase();
    for (const e of this.entries) {
      if (e.port !== null && e.port !== port) continue;
      if (e.host !== null && e.host === name) return e;
      if (e.block && isIP(hostOrAddress) && forms(hostOrAddress).some(([a, t]) => e.block!.check(a, t))) return e;
    }
    return null;
  }

  private refusal(host: string, port: number): Error {
    return new Error(`destination ${host}:${port} is not allowed on this platform (the system administrator's INTEGRATION_DENY_HOSTS)`);
  }

  /**
   * The address to connect to: the host resolved once and every address it has checked, so a name
   * cannot point somewhere allowed when saved and somewhere denied when connecting.
   * Throws a sentence when refused; null when the name does not resolve (the caller reports it as unreachable).
   */
  async resolve(host: string, port: number): Promise<string | null> {
    if (this.refusing(host, port)) throw this.refusal(host, port);
    const addresses = await addressesOf(host, 5000);
    if (addresses.some((a) => this.refusing(a, port))) throw this.refusal(host, port);
    return addresses[0] ?? null;
  }
}

/** Addresses a host name stands for (empty when it does not resolve within `timeoutMs`). */
export async function addressesOf(host: string, timeoutMs = 2000): Promise<string[]> {
  if (isIP(host)) return [host];
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ address: string }[]>((r) => (timer = setTimeout(() => r([]), timeoutMs)));
  try {
    return (await Promise.race([lookup(host, { all: true }).catch(() => []), late])).map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether an address is this machine: loopback, unspecified or one of its interfaces. */
export function isThisMachine(address: string): boolean {
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  if (a.startsWith('127.') || a === '::1' || a === '0.0.0.0' || a === '::') return true;
  return Object.values(os.networkInterfaces()).some((list) => list?.some((i) => i.address.toLowerCase() === a));
}

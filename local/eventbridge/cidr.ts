/** CIDR matching for IPv4 and IPv6 addresses, as the `cidr` operator needs. */

interface ParsedAddress {
  version: 4 | 6;
  bits: bigint;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let bits = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    bits = (bits << 8n) | BigInt(Number(part));
  }
  return bits;
}

function parseIpv6Groups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  for (const group of text.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    groups.push(Number.parseInt(group, 16));
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseIpv6Groups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseIpv6Groups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.reduce((bits, group) => (bits << 16n) | BigInt(group), 0n);
}

export function parseAddress(text: string): ParsedAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { version: 4, bits: v4 };
  const v6 = text.includes(':') ? parseIpv6(text) : undefined;
  return v6 === undefined ? undefined : { version: 6, bits: v6 };
}

export interface Cidr {
  version: 4 | 6;
  network: bigint;
  prefixLength: number;
}

/** `10.0.0.0/24`, `2001:db8::/32`; a bare address means the single host. */
export function parseCidr(text: string): Cidr | undefined {
  const [address, length, ...rest] = text.split('/');
  if (address === undefined || rest.length > 0) return undefined;
  const parsed = parseAddress(address);
  if (parsed === undefined) return undefined;
  const width = parsed.version === 4 ? 32 : 128;
  if (length !== undefined && !/^\d{1,3}$/.test(length)) return undefined;
  const prefixLength = length === undefined ? width : Number(length);
  if (prefixLength > width) return undefined;
  return { version: parsed.version, network: parsed.bits >> BigInt(width - prefixLength), prefixLength };
}

export function cidrContains(cidr: Cidr, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const address = parseAddress(value);
  if (address === undefined || address.version !== cidr.version) return false;
  const width = cidr.version === 4 ? 32 : 128;
  return address.bits >> BigInt(width - cidr.prefixLength) === cidr.network;
}

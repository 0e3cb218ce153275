/**
 * The processor architectures an EC2 instance type runs (`DescribeInstanceTypes`'
 * `ProcessorInfo.SupportedArchitectures`: `i386 | x86_64 | arm64 | x86_64_mac | arm64_mac`,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ProcessorInfo.html), read off the type's name offline.
 *
 * An instance type is `<family><generation><processor?><capabilities?>.<size>`; the processor letter after the
 * generation is `a` for AMD, `g` for AWS Graviton and `i` for Intel
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html): Graviton types are arm64, AMD and
 * Intel ones x86_64. `a1` is the first Graviton family; `mac1` is Intel and the later Mac families Apple silicon
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-mac-instances.html). Families whose names carry no
 * processor letter are listed by name (the EC2 instance types guide's families,
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html), the oldest of them 32-bit capable too.
 * Anything else is unknown: Goldsmith says so rather than guess.
 */

export type InstanceArchitecture = 'i386' | 'x86_64' | 'arm64' | 'x86_64_mac' | 'arm64_mac';

/** Families without a processor letter, by name: Intel or AMD x86_64 (the first-generation ones also i386). */
const X86_FAMILIES = new Set([
  ...['t3', 'm4', 'm5', 'm5d', 'm5dn', 'm5n', 'm5zn', 'c4', 'c5', 'c5d', 'c5n'],
  ...['r3', 'r4', 'r5', 'r5b', 'r5d', 'r5dn', 'r5n', 'x1', 'x1e', 'z1d', 'd2', 'd3', 'd3en', 'h1', 'i2', 'i3', 'i3en'],
  ...['p2', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'g3', 'g3s', 'g4dn', 'g5', 'g6', 'g6e', 'gr6'],
  ...['inf1', 'inf2', 'trn1', 'trn1n', 'trn2', 'dl1', 'f1', 'f2', 'vt1', 'm2', 'cc2', 'cr1', 'hs1'],
]);
/** The first generations, which also run 32-bit (i386) AMIs. */
const I386_FAMILIES = new Set(['t1', 't2', 'm1', 'm3', 'c1', 'c3']);

/** The architectures `instanceType` runs, or undefined when Goldsmith cannot tell (an unknown or new family). */
export function instanceTypeArchitectures(instanceType: string): readonly InstanceArchitecture[] | undefined {
  const dot = instanceType.indexOf('.');
  if (dot <= 0) return undefined;
  const family = instanceType.slice(0, dot);
  if (family === 'a1') return ['arm64'];
  if (family === 'mac1') return ['x86_64_mac'];
  if (/^mac(2|-m\d)/.test(family)) return ['arm64_mac'];
  if (I386_FAMILIES.has(family)) return ['i386', 'x86_64'];
  if (X86_FAMILIES.has(family)) return ['x86_64'];
  // High memory instances (`u-6tb1`, `u7i-12tb`) are Intel.
  if (family.startsWith('u-')) return ['x86_64'];
  const named = /^([a-z]+)(\d+)([a-z]*)(-[a-z0-9]+)*$/.exec(family);
  const processor = named?.[3]?.[0];
  if (processor === 'g') return ['arm64'];
  if (processor === 'a' || processor === 'i') return ['x86_64'];
  return undefined;
}

/** How an instance type's architecture reads in a message: `arm64 (AWS Graviton)`. */
export function describeArchitectures(archs: readonly InstanceArchitecture[]): string {
  if (archs.includes('arm64')) return 'arm64 (AWS Graviton)';
  return archs.filter((a) => a !== 'i386').join(', ');
}

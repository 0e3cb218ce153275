#!/usr/bin/env node
// Extracts the constraint part of AWS's service models from Debian's python3-botocore into
// local/models/botocore/<service>.json: for every shape, its type, members and the length/range/pattern/enum
// constraints (documentation dropped). The request check (local/models) reads them; structure comes from the npm
// aws-sdk v2 models, which are newer but carry no constraints.
//
// Regenerate (no Python needed):
//   apt-get download python3-botocore && dpkg-deb -x python3-botocore_*.deb /tmp/botocore
//   node scripts/models/extract-botocore.mjs /tmp/botocore python3-botocore_1.29.27+repack-1 ec2 imagebuilder ...
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [root, source, ...services] = process.argv.slice(2);
if (!root || !source || services.length === 0) {
  console.error('usage: extract-botocore.mjs <extracted .deb root> <package_version> <botocore service dir>...');
  process.exit(1);
}
const data = join(root, 'usr/lib/python3/dist-packages/botocore/data');
const out = join(dirname(fileURLToPath(import.meta.url)), '../../local/models/botocore');
mkdirSync(out, { recursive: true });

const KEPT = ['min', 'max', 'pattern', 'enum'];
for (const service of services) {
  const version = readdirSync(join(data, service)).sort().at(-1);
  const model = JSON.parse(readFileSync(join(data, service, version, 'service-2.json'), 'utf8'));
  const shapes = {};
  for (const [name, shape] of Object.entries(model.shapes)) {
    const kept = { type: shape.type };
    for (const k of KEPT) if (shape[k] !== undefined) kept[k] = shape[k];
    if (shape.members) kept.members = Object.fromEntries(Object.entries(shape.members).map(([m, v]) => [m, v.shape]));
    if (shape.member) kept.member = shape.member.shape;
    if (shape.key) kept.key = shape.key.shape;
    if (shape.value) kept.value = shape.value.shape;
    shapes[name] = kept;
  }
  const operations = Object.fromEntries(
    Object.entries(model.operations).map(([name, op]) => [name, { input: op.input?.shape, output: op.output?.shape }]),
  );
  const doc = {
    source: `Debian ${source}: botocore/data/${service}/${version}/service-2.json (constraints only)`,
    serviceId: model.metadata.serviceId,
    apiVersion: model.metadata.apiVersion,
    operations,
    shapes,
  };
  writeFileSync(join(out, `${service}.json`), `${JSON.stringify(doc)}\n`);
  console.log(`${service}: ${Object.keys(operations).length} operations, ${Object.keys(shapes).length} shapes`);
}

#!/usr/bin/env node
// Re-adds lock entries for optional platform packages that this machine's npm registry does not serve (Biome's
// darwin/win32/android/musl builds). `npm install` drops them when the registry answers 404, and `npm ci` then
// refuses the lock as out of sync. The entries only describe packages for other platforms, which npm never fetches
// here. Run after any `npm install`: node scripts/lock-platform-packages.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
let added = 0;
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || !name.startsWith('@biomejs/cli-')) continue;
    const [, os, cpu, libc] = /^@biomejs\/cli-([a-z0-9]+)-([a-z0-9]+)(?:-(musl))?$/.exec(name) ?? [];
    if (!os || !cpu) continue;
    lock.packages[key] = {
      version,
      cpu: [cpu],
      dev: entry.dev ?? false,
      license: 'MIT OR Apache-2.0',
      optional: true,
      os: [os],
      ...(libc ? { libc: [libc] } : {}),
      engines: { node: '>=14.21.3' },
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`package-lock.json: ${added} platform package entr${added === 1 ? 'y' : 'ies'} added\n`);

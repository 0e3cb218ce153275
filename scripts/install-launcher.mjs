#!/usr/bin/env node
// Writes node_modules/.bin/goldsmith, the launcher `npx goldsmith` runs (package.json's `postinstall`, so `npm ci`
// leaves it in place). Why not package.json's `bin`: for a command named in the project's own `bin`, npm exec
// installs the project into its cache (~/.npm/_npx) on every call so that the bin link exists there — an arborist
// install that cost 2–3 s of CPU per command, more than a `status` on a saved cloud itself. A command found in
// node_modules/.bin instead is run directly. The launcher finds the checkout from the working directory (the
// nearest package.json named goldsmith above it), so a checkout whose node_modules is shared runs its own code.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const launcher = `#!/bin/sh
# The goldsmith command (written by scripts/install-launcher.mjs on npm ci; see there why it is not package.json's bin).
dir=$PWD
while [ "$dir" != / ] && ! grep -qs '"name": "goldsmith"' "$dir/package.json"; do dir=$(dirname "$dir"); done
if [ ! -f "$dir/bin/goldsmith.mjs" ]; then
  echo "goldsmith: run it inside the goldsmith repository (no package.json named goldsmith in $PWD or above)" >&2
  exit 1
fi
exec node --experimental-async-context-frame "$dir/bin/goldsmith.mjs" "$@"
`;

// The directory is an argument only for the launcher's own test.
const bin = process.argv[2] ?? fileURLToPath(new URL('../node_modules/.bin/', import.meta.url));
mkdirSync(bin, { recursive: true });
const path = join(bin, 'goldsmith');
writeFileSync(path, launcher);
chmodSync(path, 0o755);

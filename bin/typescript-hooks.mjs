// TypeScript files outside the `goldsmith` bundle (a goldsmith.config.ts, a `--config x.ts` catalog, a handler
// module the bundle does not hold) loaded by the bundled command: each transformed by esbuild as it is imported, as
// tsx does (the same transform, so a syntax error reads the same: "Transform failed with 1 error: file:line:column:
// ERROR: …"). The hooks run in the main thread (https://nodejs.org/api/module.html#moduleregisterhooksoptions,
// Node 22.15 and later) and cost nothing until such a file is imported. tsx's own hooks (`register()`) run in a
// thread of their own that every later import then passes through: registered for the default goldsmith.config.ts,
// they took about 0.6 s of an acting command's CPU, loading the local cloud's modules after the catalog.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPESCRIPT = /\.[cm]?ts$/;

/** `./x.js` imported from a .ts file names `./x.ts` when only that exists, as TypeScript's NodeNext resolution. */
function typeScriptTwin(url) {
  if (!url.startsWith('file:')) return undefined;
  const twin = url.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts');
  if (twin === url || existsSync(fileURLToPath(url))) return undefined;
  return existsSync(fileURLToPath(twin)) ? twin : undefined;
}

/**
 * `file`'s source as JavaScript (an inline source map naming the file), from `cache` when this source was
 * transformed before: starting esbuild for a synchronous transform takes about 0.3 s, reading the result back
 * nothing.
 */
function transformed(file, cache) {
  const source = readFileSync(file, 'utf8');
  const require = nodeModule.createRequire(import.meta.url);
  const esbuildVersion = require('esbuild/package.json').version;
  const key = createHash('sha256').update(`${esbuildVersion}\0${file}\0${source}`).digest('hex').slice(0, 32);
  const cached = join(cache, `${key}.mjs`);
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  const { code } = require('esbuild').transformSync(source, {
    loader: 'ts',
    format: 'esm',
    target: 'node22',
    sourcefile: file,
    sourcemap: 'inline',
  });
  mkdirSync(cache, { recursive: true });
  const temporary = `${cached}.${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, code);
  renameSync(temporary, cached);
  return code;
}

/** Registers the hooks; `cache` is the folder transformed files are kept in. */
export function registerTypeScriptHooks(cache) {
  if (typeof nodeModule.registerHooks !== 'function') {
    // A Node 22 older than 22.15: tsx's hooks, for every import, as before the bundle.
    nodeModule
      .createRequire(import.meta.url)('tsx/esm/api')
      .register();
    return;
  }
  nodeModule.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (!context.parentURL || !TYPESCRIPT.test(context.parentURL) || !/\.m?js$/.test(specifier)) {
        return nextResolve(specifier, context);
      }
      const twin = typeScriptTwin(new URL(specifier, context.parentURL).href);
      return twin ? { url: twin, format: 'module', shortCircuit: true } : nextResolve(specifier, context);
    },
    load(url, context, nextLoad) {
      if (!url.startsWith('file:') || !TYPESCRIPT.test(url) || url.endsWith('.cts')) return nextLoad(url, context);
      return { format: 'module', source: transformed(fileURLToPath(url), cache), shortCircuit: true };
    },
  });
}

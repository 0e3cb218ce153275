import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname } from 'node:path';
import { sdkEventStreamsPlugin } from './bundling-event-streams.js';
import type { Plugin } from './bundling-plugin.js';

// The AWS SDK's schema modules (`@aws-sdk/client-*/dist-es/schemas/schemas_0.js`) describe every shape of a
// service as `export var Shape$ = [3, n0, _S, 0, [...], [[0, { [_xN]: _x }]]]`. esbuild must assume a computed key
// such as `[_xN]` may run code (a `toString`), so it keeps every declaration that has one: all of client-ec2's
// ~3,400 shapes (~540 KB minified) end up in any function that sends one EC2 command. The keys are module-level
// string constants (`const _xN = "xmlName";`), so writing them as the literal keys they evaluate to changes nothing
// at run time and lets esbuild drop the shapes nobody references (client-ec2 for CreateTags: 540 KB → ~20 KB).
const SCHEMA_MODULE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
const STRING_CONST = /^const (_[A-Za-z0-9_$]+) = ("(?:[^"\\\n]|\\.)*");$/gm;

/** Rewrites `[_name]:` computed keys whose `_name` is a module-level string constant into literal keys. */
export function literalSchemaKeys(source: string): string {
  const constants = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(STRING_CONST)) {
    if (name && literal) constants.set(name, literal);
  }
  return source.replace(/\[(_[A-Za-z0-9_$]+)\]:/g, (whole, name: string) => {
    const literal = constants.get(name);
    return literal === undefined ? whole : `${literal}:`;
  });
}

/** The esbuild plugin that applies {@link literalSchemaKeys} to the AWS SDK's schema modules. */
export function sdkSchemaKeysPlugin(): Plugin {
  return {
    name: 'goldsmith-sdk-schema-keys',
    setup(build) {
      build.onLoad({ filter: SCHEMA_MODULE }, async (args) => ({
        contents: literalSchemaKeys(await readFile(args.path, 'utf8')),
        loader: 'js',
      }));
    },
  };
}

// An SDK package's own package.json (`@aws-sdk/client-ssm/package.json`), as its runtimeConfig imports it.
const SDK_PACKAGE_JSON = /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/;

/**
 * Every AWS SDK client imports its whole package.json (`import packageInfo from "../package.json"`) to read one
 * field, `packageInfo.version`, for the user agent; esbuild cannot drop the other fields of a default-imported JSON
 * file, so each client carries ~2 KB of descriptions, scripts and dependency lists (~20 KB in a function with nine
 * clients). This plugin gives those imports a package.json holding only `version`: the user agent is unchanged.
 */
export function sdkPackageVersionPlugin(): Plugin {
  return {
    name: 'goldsmith-sdk-package-version',
    setup(build) {
      build.onLoad({ filter: SDK_PACKAGE_JSON }, async (args) => {
        const { version } = JSON.parse(await readFile(args.path, 'utf8')) as { version?: unknown };
        return { contents: JSON.stringify({ version }), loader: 'json' };
      });
    },
  };
}

// `http`, `node:http`, `fs/promises`, … (Node's own modules, with or without the `node:` scheme).
const BUILTIN = new RegExp(`^(?:node:)?(?:${builtinModules.filter((m) => !m.startsWith('_')).join('|')})$`);
const BUILTIN_NAMESPACE = 'goldsmith-builtin';

/**
 * An ES module that imports one of Node's own modules (`import { request } from 'node:http'`, as the SDK's `dist-es`
 * build and Powertools do) makes Node build that module's ESM facade when the bundle loads, and the facade reads
 * every export once: for `node:process` that creates `process.stdin` and computes `allowedNodeEnvironmentFlags`,
 * for `node:http` it loads Node's bundled undici (its `WebSocket` getter), for `node:crypto` `webcrypto`: together
 * tens of milliseconds of every cold start for values nobody uses. This plugin routes those imports through
 * `require` (which the ESM banner defines): esbuild's interop then reads a property only when the code uses it.
 * The same module objects are used, so nothing changes at run time but what is loaded.
 */
export function builtinsViaRequirePlugin(): Plugin {
  return {
    name: 'goldsmith-builtins-via-require',
    setup(build) {
      build.onResolve({ filter: BUILTIN }, (args) =>
        args.kind === 'import-statement'
          ? { path: args.path.startsWith('node:') ? args.path : `node:${args.path}`, namespace: BUILTIN_NAMESPACE }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: BUILTIN_NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

// The credential sources the SDK's default chain (`@aws-sdk/credential-provider-node`) tries after the environment:
// SSO, the shared config and credentials files, `credential_process`, a web identity token file, and the container
// or instance metadata endpoints. The chain loads each with a dynamic `import()` only when every link before it has
// found nothing.
const LATER_CREDENTIAL_SOURCES = new Set([
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
]);
const DEFAULT_CHAIN = /[\\/]@aws-sdk[\\/]credential-provider-node[\\/]/;

/**
 * Leaves the default credential chain's later sources out of the bundle, as `import()`s of packages the runtime
 * provides. In Lambda the chain never reaches them: its first link reads `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, which Lambda sets to the execution role's credentials in every
 * function (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * Were one ever reached, the import would still resolve: the nodejs22.x runtime includes the AWS SDK for JavaScript
 * v3 (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html) and, since nodejs18.x, resolves ES module
 * imports through NODE_PATH, where that SDK is
 * (https://aws.amazon.com/blogs/compute/node-js-18-x-runtime-now-available-in-aws-lambda/). Only these dynamic
 * imports are left out; a static import of the same package elsewhere is bundled as before, so nothing the function
 * loads or calls comes from the runtime's SDK. Together with what only they import (the SSO, STS and sign-in clients
 * of `@aws-sdk/nested-clients`, the login provider, the SSO token provider) they were ~95 KB of every bundle.
 */
export function runtimeCredentialSourcesPlugin(): Plugin {
  return {
    name: 'goldsmith-runtime-credential-sources',
    setup(build) {
      build.onResolve({ filter: /^@(?:aws-sdk|smithy)\/credential-provider-[a-z-]+$/ }, (args) =>
        args.kind === 'dynamic-import' && DEFAULT_CHAIN.test(args.importer) && LATER_CREDENTIAL_SOURCES.has(args.path)
          ? { path: args.path, external: true }
          : undefined,
      );
    },
  };
}

const XRAY_SDK = /[\\/]node_modules[\\/]aws-xray-sdk-core[\\/]/;
const XRAY_SEMVER_NAMESPACE = 'goldsmith-xray-semver';

/**
 * Powertools Tracer loads the X-Ray SDK (`aws-xray-sdk-core`), which requires all of `semver` when it loads: ~30 KB
 * and about a tenth of a light function's cold load (semver compiles its regular expressions then). The X-Ray SDK
 * uses one function of it, `semver.gte`, in `captureAWS` (instrumenting the AWS SDK v2, which Goldsmith never
 * calls). This plugin gives the X-Ray SDK a `semver` holding that one function, written out in
 * {@link XRAY_SEMVER_GTE}: semantic-version precedence (https://semver.org/#spec-item-11) of `x.y.z[-pre][+build]`,
 * throwing `Invalid Version` on anything else as semver does, in ~1 KB instead of semver's ~9.5 KB. A test reads
 * the X-Ray SDK's sources and fails if it starts using anything else of semver, and compares the answers with
 * semver's own `gte`.
 */
/** The `semver` module the X-Ray SDK gets: `gte(a, b)` alone (see {@link xraySemverPlugin}). */
export const XRAY_SEMVER_GTE = `
const N = '(0|[1-9]\\\\d*)';
const ID = '(?:0|[1-9]\\\\d*|\\\\d*[A-Za-z-][0-9A-Za-z-]*)';
const FULL = new RegExp('^v?' + N + '\\\\.' + N + '\\\\.' + N + '(?:-(' + ID + '(?:\\\\.' + ID + ')*))?(?:\\\\+[0-9A-Za-z-]+(?:\\\\.[0-9A-Za-z-]+)*)?$');
function parse(v) {
  const m = FULL.exec(String(v).trim());
  if (!m) throw new TypeError('Invalid Version: ' + v);
  return { main: [+m[1], +m[2], +m[3]], pre: m[4] === undefined ? [] : m[4].split('.') };
}
function identifier(a, b) {
  const x = /^\\d+$/.test(a), y = /^\\d+$/.test(b);
  if (x && y) return Math.sign(+a - +b);
  if (x !== y) return x ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
function compare(a, b) {
  const x = parse(a), y = parse(b);
  for (let i = 0; i < 3; i++) if (x.main[i] !== y.main[i]) return x.main[i] < y.main[i] ? -1 : 1;
  // A version without a pre-release outranks one with it.
  if (!x.pre.length || !y.pre.length) return Math.sign(y.pre.length - x.pre.length);
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    if (x.pre[i] === undefined) return -1;
    if (y.pre[i] === undefined) return 1;
    const c = identifier(x.pre[i], y.pre[i]);
    if (c) return c;
  }
  return 0;
}
module.exports = { gte: (a, b) => compare(a, b) >= 0 };
`;

export function xraySemverPlugin(): Plugin {
  return {
    name: 'goldsmith-xray-semver',
    setup(build) {
      build.onResolve({ filter: /^semver$/ }, (args) =>
        XRAY_SDK.test(args.importer)
          ? { path: 'semver', namespace: XRAY_SEMVER_NAMESPACE, pluginData: dirname(args.importer) }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: XRAY_SEMVER_NAMESPACE }, (args) => ({
        contents: XRAY_SEMVER_GTE,
        loader: 'js',
        resolveDir: String(args.pluginData),
      }));
    },
  };
}

/**
 * The esbuild options every Goldsmith function is bundled with, beyond SST's ESM defaults: the SDK's tree-shakeable
 * `dist-es` build (`mainFields`), the schema-key rewrite, SDK package.json files cut to their version, Node's
 * modules through `require` and no event-stream codec (above). The bundle
 * report (scripts/bundle/options.ts) builds with these same options.
 */
export function functionEsbuildOptions() {
  return {
    mainFields: ['module', 'main'],
    plugins: [
      sdkSchemaKeysPlugin(),
      sdkPackageVersionPlugin(),
      builtinsViaRequirePlugin(),
      runtimeCredentialSourcesPlugin(),
      xraySemverPlugin(),
      sdkEventStreamsPlugin(),
    ],
  };
}

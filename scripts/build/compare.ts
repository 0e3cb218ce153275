/**
 * The real `sst build`'s templates against the in-process synthesis the local cloud and the stack tests run. They
 * differ only where `sst build` runs SST's `App.finish()` (node_modules/sst/constructs/App.js), which an in-process
 * synthesis never calls because it bundles every function and reads the bootstrap stacks; and where the local
 * cloud hashes SST's custom-resource handler by digest (local/simulator/sst-asset-hash.ts); and the commit every
 * stack records, which only sst.config.ts reads from git (stacks/trust/release.ts). Each such difference
 * has a kind below; anything else is reported as a drift, by stack, logical id and property path.
 */

export interface Template {
  Resources?: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
  [section: string]: unknown;
}

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The differences `App.finish()` and the digest hash make, each counted by the comparison. */
export const DOCUMENTED_DIFFERENCES = {
  code: "a function's code: an S3 asset of its bundle in the real build, placeholder inline code in process",
  customResourceKey:
    "SST's custom-resource handler's S3Key: its bundle's digest in process, its text's hash in the build",
  tags: 'the tags sst:app and sst:stage that App.finish() puts on every taggable resource',
  bindingParameters: "SST's binding parameters (AWS::SSM::Parameter under /sst/<app>/<stage>/)",
  sourcemaps:
    "SST's SourcemapUploader custom resource, its policy and the deployment's record of that policy for the roles' audit (`/goldsmith/_roles/`, stacks/expected-roles.ts)",
  metadata: "SST's SSTMetadata output",
  commit:
    "the GoldsmithCommit output: the checkout's commit in the real build (sst.config.ts sets it), unknown in process",
  expectedFunctions:
    "the deployment's record of a function (`/goldsmith/_functions/`, stacks/expected-functions.ts): it holds the function's properties, whose code, handler and SST tags differ as `code`, `customResourceKey` and `tags` say",
} as const;

export type DifferenceKind = keyof typeof DOCUMENTED_DIFFERENCES;

export interface Comparison {
  /** Documented differences, counted by kind. */
  documented: Record<DifferenceKind, number>;
  /** Everything else: `stack logicalId path: in process … / real …`. */
  drifts: string[];
}

const SST_TAGS = ['sst:app', 'sst:stage'];
const CUSTOM_RESOURCE_HANDLER = /^CustomResourceHandler[0-9A-F]{8}$/;
const SOURCEMAP_UPLOADER = /^SourcemapUploader(Policy[0-9A-F]{8})?$/;
/** The roles' audit's record of that policy (stacks/expected-roles.ts): `SourcemapUploaderPolicyResourceExpected<n><hash>`. */
const SOURCEMAP_POLICY_RECORD = /^SourcemapUploaderPolicyResourceExpected\d+[0-9A-F]{8}$/;
/** A function's record for the functions' audit (stacks/expected-functions.ts): `<function id>Expected<hash>`. */
const EXPECTED_FUNCTION = /ResourceExpected[0-9A-F]{8}$/;

/**
 * An expected-function parameter's value as one string, its code, handler and tags taken out: the rest (role, runtime,
 * environment, the references) must be alike on both sides. The value is a `Fn::Join` of JSON text and tokens.
 */
function expectedFunctionText(value: unknown): string {
  const parts = isRecord(value) && Array.isArray(value['Fn::Join']) ? (value['Fn::Join'][1] as unknown[]) : [value];
  const text = (Array.isArray(parts) ? parts : [parts])
    .map((p) => (typeof p === 'string' ? p : `<${JSON.stringify(p)}>`))
    .join('');
  return text
    .replace(/\\?"Code\\?":\{.*?\},(?=\\?"[A-Z])/, '')
    .replace(/\\?"Handler\\?":\\?"[^"\\]*\\?",?/, '')
    .replace(/,?\\?"Tags\\?":\[[^\]]*\]/, '');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shown = (v: unknown): string => (v === undefined ? 'absent' : JSON.stringify(v).slice(0, 160));

/** The GoldsmithCommit output as each side writes it: "unknown" in process, a commit (or "unknown") in the build. */
function builtCommit(inProcess: unknown, real: unknown): boolean {
  const value = (o: unknown) => (isRecord(o) ? o.Value : undefined);
  return value(inProcess) === 'unknown' && /^([0-9a-f]{40}|unknown)$/.test(String(value(real)));
}

/** `Tags` without SST's two, in either of CloudFormation's shapes (a list of Key/Value or a map). */
function withoutSstTags(tags: unknown): unknown {
  if (Array.isArray(tags)) {
    const kept = tags.filter((t) => !(isRecord(t) && SST_TAGS.includes(String(t.Key))));
    return kept.length > 0 ? kept : undefined;
  }
  if (isRecord(tags)) {
    const kept = Object.fromEntries(Object.entries(tags).filter(([k]) => !SST_TAGS.includes(k)));
    return Object.keys(kept).length > 0 ? kept : undefined;
  }
  return tags;
}

/** The tags SST adds carry the app's name and the stage, nothing else. */
function sstTagsRight(tags: unknown, app: string, stage: string): boolean {
  const pairs = Array.isArray(tags)
    ? tags.filter(isRecord).map((t) => [String(t.Key), t.Value] as const)
    : isRecord(tags)
      ? Object.entries(tags)
      : [];
  const wanted: Record<string, string> = { 'sst:app': app, 'sst:stage': stage };
  return pairs.filter(([k]) => SST_TAGS.includes(k)).every(([k, v]) => wanted[k] === v);
}

function diffPaths(a: unknown, b: unknown, path: string, out: string[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diffPaths(a[k], b[k], `${path}.${k}`, out);
    return;
  }
  out.push(`${path}: in process ${shown(a)} / real ${shown(b)}`);
}

function isPlaceholderCode(code: unknown): boolean {
  return isRecord(code) && typeof code.ZipFile === 'string' && code.ZipFile.includes('placeholder');
}

function isAssetCode(code: unknown): boolean {
  return isRecord(code) && code.S3Bucket !== undefined && typeof code.S3Key === 'string';
}

/** Compares one resource present on both sides, after taking out the documented differences. */
function compareResource(
  id: string,
  inProcess: Resource,
  real: Resource,
  ctx: { app: string; stage: string; counts: Record<DifferenceKind, number> },
): string[] {
  const a = structuredClone(inProcess);
  const b = structuredClone(real);
  const drifts: string[] = [];
  const ap = a.Properties ?? {};
  const bp = b.Properties ?? {};
  if (bp.Tags !== undefined && JSON.stringify(withoutSstTags(bp.Tags)) !== JSON.stringify(bp.Tags)) {
    if (!sstTagsRight(bp.Tags, ctx.app, ctx.stage)) drifts.push('.Properties.Tags: SST tags with other values');
    ctx.counts.tags++;
    const rest = withoutSstTags(bp.Tags);
    if (rest === undefined) delete bp.Tags;
    else bp.Tags = rest;
  }
  if (a.Type === 'AWS::Lambda::Function') {
    if (isPlaceholderCode(ap.Code) && isAssetCode(bp.Code)) {
      ctx.counts.code++;
      delete ap.Code;
      delete bp.Code;
      delete ap.Handler;
      delete bp.Handler;
    } else if (CUSTOM_RESOURCE_HANDLER.test(id) && isAssetCode(ap.Code) && isAssetCode(bp.Code)) {
      const [ac, bc] = [ap.Code as Record<string, unknown>, bp.Code as Record<string, unknown>];
      if (ac.S3Key !== bc.S3Key) {
        ctx.counts.customResourceKey++;
        delete ac.S3Key;
        delete bc.S3Key;
      }
    }
  }
  if (a.Type === 'AWS::SSM::Parameter' && EXPECTED_FUNCTION.test(id) && ap.Value !== undefined) {
    if (
      JSON.stringify(ap.Value) !== JSON.stringify(bp.Value) &&
      expectedFunctionText(ap.Value) === expectedFunctionText(bp.Value)
    ) {
      ctx.counts.expectedFunctions++;
      delete ap.Value;
      delete bp.Value;
    }
  }
  a.Properties = ap;
  b.Properties = bp;
  diffPaths(a, b, '', drifts);
  return drifts;
}

/** Whether a resource only the real build has is one `App.finish()` adds. */
function finishOnly(id: string, r: Resource, app: string, stage: string): DifferenceKind | undefined {
  if (r.Type === 'AWS::SSM::Parameter' && String(r.Properties?.Name ?? '').startsWith(`/sst/${app}/${stage}/`))
    return 'bindingParameters';
  if (SOURCEMAP_UPLOADER.test(id) && (r.Type === 'Custom::SourcemapUploader' || r.Type === 'AWS::IAM::Policy'))
    return 'sourcemaps';
  if (
    SOURCEMAP_POLICY_RECORD.test(id) &&
    r.Type === 'AWS::SSM::Parameter' &&
    String(r.Properties?.Name ?? '').startsWith('/goldsmith/_roles/')
  )
    return 'sourcemaps';
  return undefined;
}

/**
 * Compares `inProcess` with `real`, both by stack name. Every stack must be on both sides; within a stack every
 * section is compared, resource by resource, with the documented differences counted and everything else a drift.
 */
export function compareBuilds(
  inProcess: ReadonlyMap<string, Template>,
  real: ReadonlyMap<string, Template>,
  options: { app: string; stage: string },
): Comparison {
  const counts: Record<DifferenceKind, number> = {
    code: 0,
    customResourceKey: 0,
    tags: 0,
    bindingParameters: 0,
    sourcemaps: 0,
    metadata: 0,
    commit: 0,
    expectedFunctions: 0,
  };
  const drifts: string[] = [];
  for (const name of new Set([...inProcess.keys(), ...real.keys()])) {
    const a = inProcess.get(name);
    const b = real.get(name);
    if (!a || !b) {
      drifts.push(`${name}: only in the ${a ? 'in-process synthesis' : 'real build'}`);
      continue;
    }
    for (const section of new Set([...Object.keys(a), ...Object.keys(b)])) {
      // A section one side lacks is an empty one (a stack whose only output is SST's metadata has none in process).
      const sa = a[section] ?? {};
      const sb = b[section] ?? {};
      if (!isRecord(sa) || !isRecord(sb)) {
        if (JSON.stringify(sa) !== JSON.stringify(sb)) drifts.push(`${name} ${section}: differs`);
        continue;
      }
      for (const id of new Set([...Object.keys(sa), ...Object.keys(sb)])) {
        const ra = sa[id];
        const rb = sb[id];
        if (section === 'Outputs' && id === 'SSTMetadata' && ra === undefined) {
          counts.metadata++;
          continue;
        }
        if (ra === undefined) {
          const kind = section === 'Resources' ? finishOnly(id, rb as Resource, options.app, options.stage) : undefined;
          if (kind) counts[kind]++;
          else drifts.push(`${name} ${section}.${id}: only in the real build`);
          continue;
        }
        if (rb === undefined) {
          drifts.push(`${name} ${section}.${id}: only in the in-process synthesis`);
          continue;
        }
        if (section === 'Outputs' && id === 'GoldsmithCommit' && builtCommit(ra, rb)) {
          counts.commit++;
          continue;
        }
        const found =
          section === 'Resources'
            ? compareResource(id, ra as Resource, rb as Resource, { ...options, counts })
            : JSON.stringify(ra) === JSON.stringify(rb)
              ? []
              : [`: in process ${shown(ra)} / real ${shown(rb)}`];
        drifts.push(...found.map((d) => `${name} ${section}.${id}${d}`));
      }
    }
  }
  return { documented: counts, drifts };
}

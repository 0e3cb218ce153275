import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * AWS's published API models, as data. Structure (operations, members, required, nesting, types) comes from the
 * models the npm `aws-sdk` v2 package ships (`apis/<service>-<version>.min.json`, installed by `npm ci`); they are
 * the newer source but carry no constraints. Length, range, pattern and enum constraints come from Debian's
 * `python3-botocore` models, extracted into `local/models/botocore/` (see SOURCE.md there). Both are keyed by the
 * model's `serviceId`, which is also every SDK v3 client's `config.serviceId`, so any service with a model works.
 */

/** A shape or member reference in an aws-sdk v2 model (`.min.json` inlines shapes and names the shared ones). */
export interface ApiShape {
  type?: string;
  shape?: string;
  members?: Record<string, ApiShape>;
  member?: ApiShape;
  key?: ApiShape;
  value?: ApiShape;
  required?: string[];
  idempotencyToken?: boolean;
  streaming?: boolean;
  document?: boolean;
  union?: boolean;
  eventstream?: boolean;
}

export interface ApiModel {
  metadata: { serviceId: string; apiVersion: string; uid?: string };
  operations: Record<string, { input?: ApiShape; output?: ApiShape }>;
  shapes: Record<string, ApiShape>;
}

/** A botocore shape reduced to what the constraint check reads. */
export interface ConstraintShape {
  type: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  members?: Record<string, string>;
  member?: string;
  key?: string;
  value?: string;
}

export interface ConstraintModel {
  source: string;
  serviceId: string;
  apiVersion: string;
  operations: Record<string, { input?: string; output?: string }>;
  shapes: Record<string, ConstraintShape>;
}

export interface ServiceModels {
  /** Where the structure came from, e.g. `aws-sdk@2.1693.0 apis/imagebuilder-2019-12-02.min.json`. */
  readonly source: string;
  readonly api: ApiModel;
  readonly constraints: ConstraintModel | undefined;
}

const require = createRequire(import.meta.url);
const CONSTRAINTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'botocore');

/** `Secrets Manager` and `secretsmanager` name the same service. */
export const normalizeServiceId = (id: string): string => id.toLowerCase().replaceAll(' ', '');

function readHead(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(2048);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

let apiIndex: { dir: string; version: string; files: Map<string, string> } | undefined;

/** serviceId → the newest `.min.json` for it, read from the head of each file (about 0.1 s for ~400 models). */
function apiFiles(): NonNullable<typeof apiIndex> {
  if (apiIndex) return apiIndex;
  const pkg = require.resolve('aws-sdk/package.json');
  const dir = join(dirname(pkg), 'apis');
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  const files = new Map<string, string>();
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.min.json'))
    .sort()) {
    const id = /"serviceId"\s*:\s*"([^"]+)"/.exec(readHead(join(dir, f)))?.[1];
    // Sorted by name, so a later API version of the same service replaces an earlier one.
    if (id) files.set(normalizeServiceId(id), f);
  }
  apiIndex = { dir, version, files };
  return apiIndex;
}

let constraintIndex: Map<string, string> | undefined;

function constraintFiles(): Map<string, string> {
  if (constraintIndex) return constraintIndex;
  constraintIndex = new Map();
  if (!existsSync(CONSTRAINTS_DIR)) return constraintIndex;
  for (const f of readdirSync(CONSTRAINTS_DIR).filter((f) => f.endsWith('.json'))) {
    const id = /"serviceId"\s*:\s*"([^"]+)"/.exec(readHead(join(CONSTRAINTS_DIR, f)))?.[1];
    if (id) constraintIndex.set(normalizeServiceId(id), f);
  }
  return constraintIndex;
}

/**
 * Enum values AWS added after the extracted botocore models (December 2022), by serviceId and shape, with the page
 * that lists them: a value here is accepted like the model's own. Instance refresh gained bake time and rollbacks in
 * 2023 (https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/autoscaling/aws.sdk.kotlin.services.autoscaling.model/-instance-refresh/status.html).
 */
const NEWER_ENUM_VALUES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  autoscaling: {
    InstanceRefreshStatus: ['Baking', 'RollbackInProgress', 'RollbackFailed', 'RollbackSuccessful'],
  },
  // DisableImage (2024) sets an AMI's state to `disabled`
  // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisableImage.html).
  ec2: { ImageState: ['disabled'] },
  // Tag immutability with exclusion filters (2025)
  // (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html).
  ecr: { ImageTagMutability: ['IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'] },
};

function withNewerEnumValues(id: string, constraints: ConstraintModel | undefined): ConstraintModel | undefined {
  const newer = NEWER_ENUM_VALUES[id];
  if (!constraints || !newer) return constraints;
  for (const [shape, values] of Object.entries(newer)) {
    const c = constraints.shapes[shape];
    if (c?.enum) c.enum = [...new Set([...c.enum, ...values])];
  }
  return constraints;
}

const cache = new Map<string, ServiceModels | undefined>();
/** The same, by the serviceId as asked (every request check asks): no normalizing on each call. */
const asAsked = new Map<string, ServiceModels | undefined>();

/** The models of the service with this `serviceId` (the SDK client's `config.serviceId`), or undefined if none. */
export function modelsFor(serviceId: string): ServiceModels | undefined {
  if (asAsked.has(serviceId)) return asAsked.get(serviceId);
  const models = modelsOf(normalizeServiceId(serviceId));
  asAsked.set(serviceId, models);
  return models;
}

function modelsOf(id: string): ServiceModels | undefined {
  if (cache.has(id)) return cache.get(id);
  const { dir, version, files } = apiFiles();
  const file = files.get(id);
  let models: ServiceModels | undefined;
  if (file) {
    const api = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ApiModel;
    const cfile = constraintFiles().get(id);
    const constraints = cfile
      ? (JSON.parse(readFileSync(join(CONSTRAINTS_DIR, cfile), 'utf8')) as ConstraintModel)
      : undefined;
    models = { source: `aws-sdk@${version} apis/${file}`, api, constraints: withNewerEnumValues(id, constraints) };
  }
  cache.set(id, models);
  return models;
}

/** The services whose constraints are extracted into the repository. */
export function servicesWithConstraints(): string[] {
  return [...constraintFiles().keys()].sort();
}

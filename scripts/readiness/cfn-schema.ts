import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

/**
 * Validates synthesized CloudFormation resources against the CloudFormation registry schemas shipped in
 * `@aws-cdk/aws-service-spec`: the type exists, required properties are present, no property name is unknown
 * (recursively through nested types), and literal values have the right primitive type. Values that are intrinsics
 * (`Ref`, `Fn::*`) are left alone: only a deploy knows what they resolve to.
 */

export type SpecDatabase = ReturnType<typeof loadAwsServiceSpecSync>;

/** The part of the spec's property types this check reads (see `@aws-cdk/service-spec-types`). */
export type SpecType =
  | { type: 'string'; allowedValues?: string[] }
  | { type: 'integer'; allowedValues?: number[] }
  | { type: 'number' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' }
  | { type: 'array' | 'map'; element: SpecType }
  | { type: 'union'; types: SpecType[] }
  | { type: 'ref'; reference: { $ref: string } };

/** A property declaration in the spec (resource property or nested type property). */
export interface SpecProperty {
  required?: boolean;
  type: SpecType;
  previousTypes?: SpecType[];
}

let cached: SpecDatabase | undefined;

/** The service spec database, loaded once per process (it is a 10 MB gzip: about a second). */
export function serviceSpec(): SpecDatabase {
  cached ??= loadAwsServiceSpecSync();
  return cached;
}

/** One problem, with the property path inside the resource (`Properties.Code.S3Key`). */
export interface SchemaProblem {
  path: string;
  message: string;
}

const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'Metadata',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'UpdatePolicy',
  'CreationPolicy',
]);

/** True for `{ Ref: … }` and `{ 'Fn::…': … }`: values a deploy resolves, not this check. */
export function isIntrinsic(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
}

/** True for types the registry does not describe: custom resources, whose properties their provider defines. */
export function isCustomResourceType(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
}

class Checker {
  constructor(private readonly db: SpecDatabase) {}

  properties(
    declared: Record<string, SpecProperty>,
    value: unknown,
    path: string,
    problems: SchemaProblem[],
  ): SchemaProblem[] {
    if (isIntrinsic(value)) return problems;
    if (!isRecord(value)) {
      problems.push({ path, message: `expected an object, got ${describe(value)}` });
      return problems;
    }
    for (const [name, property] of Object.entries(declared)) {
      if (property.required && !(name in value)) problems.push({ path: `${path}.${name}`, message: 'required' });
    }
    for (const [name, item] of Object.entries(value)) {
      const property = declared[name];
      if (!property) {
        problems.push({ path: `${path}.${name}`, message: 'unknown property' });
        continue;
      }
      // Older spellings of a property's type remain valid CloudFormation (the registry keeps them for compatibility).
      const types = [property.type, ...(property.previousTypes ?? [])];
      this.anyOf(types, item, `${path}.${name}`, problems);
    }
    return problems;
  }

  private anyOf(types: SpecType[], value: unknown, path: string, problems: SchemaProblem[]): void {
    let best: SchemaProblem[] | undefined;
    for (const type of types) {
      const found = this.value(type, value, path, []);
      if (found.length === 0) return;
      if (!best || found.length < best.length) best = found;
    }
    problems.push(...(best ?? []));
  }

  value(type: SpecType, value: unknown, path: string, problems: SchemaProblem[]): SchemaProblem[] {
    if (isIntrinsic(value)) return problems;
    const fail = (expected: string) => problems.push({ path, message: `expected ${expected}, got ${describe(value)}` });
    switch (type.type) {
      case 'string':
      case 'date-time':
        if (typeof value !== 'string') fail('a string');
        else if (type.type === 'string' && type.allowedValues && !type.allowedValues.includes(value)) {
          problems.push({ path, message: `"${value}" is not one of ${type.allowedValues.join(', ')}` });
        }
        break;
      // CloudFormation reads template scalars as strings and converts them, so "60" is a valid integer.
      case 'number':
      case 'integer':
        if (!(typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)))) {
          fail(type.type === 'integer' ? 'an integer' : 'a number');
        }
        break;
      case 'boolean':
        if (!(typeof value === 'boolean' || value === 'true' || value === 'false')) fail('a boolean');
        break;
      case 'json':
        break;
      case 'null':
        if (value !== null) fail('null');
        break;
      case 'tag':
        this.properties(TAG, value, path, problems);
        break;
      case 'array':
        if (!Array.isArray(value)) fail('an array');
        else {
          for (const [i, item] of value.entries()) this.value(type.element, item, `${path}[${i}]`, problems);
        }
        break;
      case 'map':
        if (!isRecord(value)) fail('an object (map)');
        else for (const [k, item] of Object.entries(value)) this.value(type.element, item, `${path}.${k}`, problems);
        break;
      case 'union':
        this.anyOf(type.types, value, path, problems);
        break;
      case 'ref':
        this.properties(this.db.get('typeDefinition', type.reference).properties, value, path, problems);
        break;
    }
    return problems;
  }
}

const TAG: Record<string, SpecProperty> = {
  Key: { type: { type: 'string' }, required: true },
  Value: { type: { type: 'string' }, required: true },
};

/**
 * Problems with one template resource (`{ Type, Properties, ... }`) against the registry schema of its type.
 * Custom resources are not the registry's to judge: call {@link isCustomResourceType} first and skip them.
 */
export function validateResource(resource: Record<string, unknown>, db: SpecDatabase = serviceSpec()): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const key of Object.keys(resource)) {
    if (!RESOURCE_KEYS.has(key)) problems.push({ path: key, message: 'unknown resource attribute' });
  }
  const type = String(resource.Type);
  const spec = db.lookup('resource', 'cloudFormationType', 'equals', type);
  if (spec.length !== 1) return [...problems, { path: 'Type', message: `no registry schema for "${type}"` }];
  return new Checker(db).properties(spec[0]!.properties, resource.Properties ?? {}, 'Properties', problems);
}

/** What {@link validateTemplate} found in one template. */
export interface TemplateValidation {
  /** Resources checked against their registry schema. */
  validated: number;
  /** Custom resources, which the registry does not describe. */
  skippedCustom: number;
  /** Every problem, prefixed with the resource's logical id. */
  problems: string[];
}

/** Validates every resource of a template; custom resources are counted and skipped. */
export function validateTemplate(
  template: { Resources?: Record<string, Record<string, unknown>> },
  db: SpecDatabase = serviceSpec(),
): TemplateValidation {
  const result: TemplateValidation = { validated: 0, skippedCustom: 0, problems: [] };
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (isCustomResourceType(String(resource.Type))) {
      result.skippedCustom += 1;
      continue;
    }
    result.validated += 1;
    for (const p of validateResource(resource, db))
      result.problems.push(`${id} (${resource.Type}) ${p.path}: ${p.message}`);
  }
  return result;
}

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Reads off the AWS calls a Lambda handler can make, statically: from the handler's export, follow every top-level
 * declaration it references, across relative imports (functions/, aws/, core/, ...), and collect the SDK commands
 * (`XxxCommand`), paginators (`paginateXxx`) and SDK-backed helpers (Powertools' `SecretsProvider`) reached.
 * Following declarations rather than whole files matters: a function importing one helper of an aws/ module must
 * not be charged with every call that module can make.
 */

/** An AWS call a handler can make, as its IAM action, and the file that makes it. */
export interface SdkCall {
  action: string;
  file: string;
}

/** IAM service prefix per SDK v3 client package (`@aws-sdk/client-<key>`). */
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  'auto-scaling': 'autoscaling',
  cloudformation: 'cloudformation',
  cloudtrail: 'cloudtrail',
  cloudwatch: 'cloudwatch',
  dynamodb: 'dynamodb',
  ec2: 'ec2',
  ecr: 'ecr',
  eventbridge: 'events',
  iam: 'iam',
  imagebuilder: 'imagebuilder',
  inspector2: 'inspector2',
  kms: 'kms',
  lambda: 'lambda',
  organizations: 'organizations',
  ram: 'ram',
  s3: 's3',
  scheduler: 'scheduler',
  'secrets-manager': 'secretsmanager',
  sfn: 'states',
  sns: 'sns',
  sqs: 'sqs',
  ssm: 'ssm',
  sts: 'sts',
};

/**
 * Operations whose IAM action is not named after them (Service Authorization Reference): Lambda's Invoke API is
 * authorized as lambda:InvokeFunction; S3's HeadObject as s3:GetObject, its ListObjectsV2 as s3:ListBucket.
 */
const ACTION_OF_OPERATION: Readonly<Record<string, string>> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
  // HeadObject is authorized as s3:GetObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
  's3:HeadObject': 's3:GetObject',
  // ListObjectsV2 is authorized as s3:ListBucket (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
  's3:ListObjectsV2': 's3:ListBucket',
};

/**
 * Operations that also need a dependent action: CreateSchedule passes the schedule's execution role
 * (iam:PassRole; https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridgescheduler.html);
 * PutParameter of an aws:ec2:image value is validated with the caller's ec2:DescribeImages, and without it the
 * parameter silently does not change (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-ec2-aliases.html).
 */
const DEPENDENT_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  'scheduler:CreateSchedule': ['iam:PassRole'],
  // PutTargets with a RoleArn passes the role to EventBridge
  // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html).
  'events:PutTargets': ['iam:PassRole'],
  'ssm:PutParameter': ['ec2:DescribeImages'],
};

/**
 * The DynamoDB document client's commands are named after the item operations they marshal for. A TransactWriteItems
 * is authorized per action as the underlying PutItem, UpdateItem or DeleteItem (a ConditionCheck as
 * dynamodb:ConditionCheckItem, which Goldsmith sends none of): there is no IAM action of its own
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 */
const DOCUMENT_COMMANDS: Readonly<Record<string, string | readonly string[]>> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: ['PutItem', 'UpdateItem', 'DeleteItem'],
  ExecuteStatement: 'PartiQLSelect',
};

/** Library helpers that call AWS on our behalf: package → export → IAM actions. */
const INDIRECT_CALLS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  '@aws-lambda-powertools/parameters/secrets': {
    SecretsProvider: ['secretsmanager:GetSecretValue'],
    getSecret: ['secretsmanager:GetSecretValue'],
  },
};

/**
 * The IAM actions one imported SDK name stands for, or `[]` when it is not a call (a client, a type, an enum).
 * `GetImageCommand` from client-imagebuilder → `imagebuilder:GetImage`; `PutCommand` from lib-dynamodb →
 * `dynamodb:PutItem`; `paginateQuery` → `dynamodb:Query`.
 */
export function iamActionsForImport(pkg: string, name: string): string[] {
  const indirect = INDIRECT_CALLS[pkg]?.[name];
  if (indirect) return [...indirect];
  const operation = /^paginate([A-Z]\w*)$/.exec(name)?.[1] ?? /^([A-Z]\w*)Command$/.exec(name)?.[1];
  if (!operation) return [];
  if (pkg === '@aws-sdk/lib-dynamodb') {
    const item = DOCUMENT_COMMANDS[operation];
    if (!item) throw new Error(`lib-dynamodb ${name}: add its DynamoDB action to DOCUMENT_COMMANDS`);
    return (typeof item === 'string' ? [item] : item).map((a) => `dynamodb:${a}`);
  }
  const client = /^@aws-sdk\/client-(.+)$/.exec(pkg)?.[1];
  if (!client) return [];
  const prefix = SERVICE_PREFIX[client];
  if (!prefix) throw new Error(`${pkg}: add its IAM service prefix to SERVICE_PREFIX`);
  const action = `${prefix}:${operation}`;
  return [ACTION_OF_OPERATION[action] ?? action, ...(DEPENDENT_ACTIONS[action] ?? [])];
}

interface ImportBinding {
  /** Absolute path of a relative import, or the package name. */
  from: string;
  relative: boolean;
  /** Imported name; `*` for a namespace import. */
  name: string;
}

interface ModuleInfo {
  imports: Map<string, ImportBinding>;
  declarations: Map<string, ts.Node[]>;
  /** Top-level statements that run on import (not declarations). */
  initializers: ts.Node[];
}

function resolveRelative(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, resolve(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${fromFile}: cannot resolve import "${specifier}"`);
}

function declaredNames(statement: ts.Statement): string[] {
  if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) {
    return statement.name ? [statement.name.text] : [];
  }
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  }
  if (ts.isEnumDeclaration(statement)) return [statement.name.text];
  return [];
}

/**
 * Each module's parse, kept for the process by path and modification time: every handler's walk reads most of the
 * same modules (aws/, core/, functions/lib), and the readiness test walks every function of three apps.
 */
const parsedModules = new Map<string, { mtimeMs: number; info: ModuleInfo }>();

function parseModule(file: string): ModuleInfo {
  const { mtimeMs } = statSync(file);
  const kept = parsedModules.get(file);
  if (kept?.mtimeMs === mtimeMs) return kept.info;
  const info = parseModuleText(file);
  parsedModules.set(file, { mtimeMs, info });
  return info;
}

function parseModuleText(file: string): ModuleInfo {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const info: ModuleInfo = { imports: new Map(), declarations: new Map(), initializers: [] };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (!clause || clause.isTypeOnly || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const specifier = statement.moduleSpecifier.text;
      const relative = specifier.startsWith('.');
      const from = relative ? resolveRelative(file, specifier) : specifier;
      if (clause.name) info.imports.set(clause.name.text, { from, relative, name: 'default' });
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        info.imports.set(bindings.name.text, { from, relative, name: '*' });
      } else if (bindings) {
        for (const el of bindings.elements) {
          if (el.isTypeOnly) continue;
          info.imports.set(el.name.text, { from, relative, name: (el.propertyName ?? el.name).text });
        }
      }
      continue;
    }
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) continue;
    const names = declaredNames(statement);
    if (names.length === 0) info.initializers.push(statement);
    for (const name of names) info.declarations.set(name, [...(info.declarations.get(name) ?? []), statement]);
  }
  return info;
}

/**
 * Every AWS call reachable from `exportName` of `entryFile` (absolute path), deduplicated by action and file.
 * @throws Error when an import cannot be resolved or an SDK package has no known IAM prefix.
 */
export function sdkCallsOf(entryFile: string, exportName: string): SdkCall[] {
  const modules = new Map<string, ModuleInfo>();
  const moduleOf = (file: string): ModuleInfo => {
    let info = modules.get(file);
    if (!info) {
      info = parseModule(file);
      modules.set(file, info);
      for (const node of info.initializers) queue.push([file, node]);
    }
    return info;
  };
  const seen = new Set<string>();
  const calls = new Map<string, SdkCall>();
  const queue: [string, ts.Node][] = [];

  const visitName = (file: string, name: string): void => {
    const key = `${file}#${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const info = moduleOf(file);
    const names = name === '*' ? [...info.declarations.keys()] : [name];
    for (const n of names) for (const node of info.declarations.get(n) ?? []) queue.push([file, node]);
  };

  visitName(entryFile, exportName);
  while (queue.length > 0) {
    const [file, node] = queue.pop()!;
    const info = moduleOf(file);
    const walk = (n: ts.Node): void => {
      if (ts.isIdentifier(n)) {
        const binding = info.imports.get(n.text);
        if (binding?.relative) visitName(binding.from, binding.name);
        else if (binding) {
          for (const action of transactionActions(binding, node) ?? iamActionsForImport(binding.from, binding.name)) {
            calls.set(`${action}@${file}`, { action, file });
          }
        } else if (info.declarations.has(n.text)) visitName(file, n.text);
      }
      ts.forEachChild(n, walk);
    };
    walk(node);
  }
  return [...calls.values()].sort((a, b) => a.action.localeCompare(b.action) || a.file.localeCompare(b.file));
}

/** A transaction's action kinds, as TransactWriteItems names them, and the IAM action each is authorized as. */
const TRANSACT_KINDS: Readonly<Record<string, string>> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/**
 * The item actions a document client TransactWriteItems carries, when the declaration that sends it spells them
 * (`{ Update: … }`): each action is authorized as its own item operation
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html), so a writer that only
 * updates is not charged with deletes. Undefined for any other import, or when the declaration names no kind, a
 * computed one, or spreads a helper's actions (its actions built elsewhere): then every write a transaction can carry
 * (`DOCUMENT_COMMANDS`).
 */
function transactionActions(binding: ImportBinding, declaration: ts.Node): string[] | undefined {
  if (binding.from !== '@aws-sdk/lib-dynamodb' || binding.name !== 'TransactWriteCommand') return undefined;
  const kinds = new Set<string>();
  // Actions this declaration cannot spell: a computed kind (`{ [kind]: … }`), or a helper's actions spread in
  // (`...removals(keys)`). Then every write a transaction can carry is charged.
  let unspelled = false;
  const visit = (n: ts.Node): void => {
    if (ts.isComputedPropertyName(n) && ts.isObjectLiteralExpression(n.parent.parent)) unspelled = true;
    if (
      ts.isSpreadElement(n) &&
      ts.isArrayLiteralExpression(n.parent) &&
      ts.isCallExpression(n.expression) &&
      ts.isIdentifier(n.expression.expression)
    ) {
      unspelled = true;
    }
    if (
      (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) &&
      ts.isIdentifier(n.name) &&
      TRANSACT_KINDS[n.name.text]
    ) {
      kinds.add(n.name.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(declaration);
  return kinds.size > 0 && !unspelled ? [...kinds].sort().map((k) => TRANSACT_KINDS[k] ?? '') : undefined;
}

/** The handler file and export of an SST handler setting (`functions/start-builds.handler`) under `root`. */
export function handlerEntry(root: string, handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  return { file: resolve(root, `${handler.slice(0, dot)}.ts`), exportName: handler.slice(dot + 1) };
}

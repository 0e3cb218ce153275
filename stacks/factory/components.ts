import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { CfnComponent } from 'aws-cdk-lib/aws-imagebuilder';
import { Construct } from 'constructs';
import { parseComponentDocument } from '../../core/config/awstoe.js';
import { platformOf } from '../../core/config/platforms.js';
import type { ComponentRef, ImageSpec } from '../../core/config/schema.js';
import { pipelineName } from '../names.js';
import { goldsmithTags } from './tags.js';

/** One entry of a recipe's component list, plus a token-free identity that recipe names are hashed from. */
export interface RecipeComponent {
  componentArn: string;
  parameters?: { name: string; value: string[] }[];
  identity: string;
}

/** An AWSTOE document read from disk and checked enough to fail at synth rather than at build time. */
export interface ComponentDocument {
  data: string;
  stem: string;
  parameterNames: string[];
}

/** A short content hash: Image Builder components and recipes are immutable per name and version. */
export function shortHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 8);
}

/** The ARN of an AWS-managed component; `x.x.x` follows the latest version. */
export function managedComponentArn(partition: string, region: string, name: string, version?: string): string {
  return `arn:${partition}:imagebuilder:${region}:aws:component/${name}/${version ?? 'x.x.x'}`;
}

/** Reads and checks an AWSTOE document with the catalog's own parser; `where` names the catalog field in errors. */
export function readComponentDocument(root: string, file: string, where: string): ComponentDocument {
  let data: string;
  try {
    data = readFileSync(resolve(root, file), 'utf8');
  } catch (error) {
    throw new Error(`${where}: cannot read component file "${file}"`, { cause: error });
  }
  const parsed = parseComponentDocument(data);
  if (!parsed.ok) throw new Error(`${where}: "${file}" is not a valid AWSTOE document: ${parsed.problems.join('; ')}`);
  return { data, stem: basename(file, extname(file)), parameterNames: [...parsed.document.parameters.keys()] };
}

/**
 * Builds the components of one image (build components, then test components) and returns them in recipe
 * order. Our documents become `AWS::ImageBuilder::Component`s named by content, so an edit makes a new one.
 */
export function createImageComponents(
  scope: Construct,
  image: string,
  spec: ImageSpec,
  root: string,
): RecipeComponent[] {
  const stack = Stack.of(scope);
  const group = new Construct(scope, `${image}Components`);
  const refs: { ref: ComponentRef; where: string }[] = [
    ...spec.components.map((ref, i) => ({ ref, where: `images.${image}.components.${i}` })),
    ...spec.tests.map((ref, i) => ({ ref, where: `images.${image}.tests.${i}` })),
  ];
  const created = new Map<string, CfnComponent>();
  return refs.map(({ ref, where }) => {
    if ('managed' in ref) {
      return {
        componentArn: managedComponentArn(stack.partition, stack.region, ref.managed, ref.version),
        identity: `aws:${ref.managed}/${ref.version ?? 'x.x.x'}`,
      };
    }
    const doc = readComponentDocument(root, ref.file, `${where}.file`);
    const parameters = Object.entries(ref.parameters ?? {});
    for (const [name] of parameters) {
      if (!doc.parameterNames.includes(name)) {
        throw new Error(`${where}.parameters.${name}: not a parameter of "${ref.file}"`);
      }
    }
    const name = `${pipelineName(image)}-${doc.stem}-${shortHash([doc.data, platformOf(spec), spec.version])}`;
    let component = created.get(name);
    if (!component) {
      component = new CfnComponent(group, name, {
        name,
        description: `Goldsmith ${image}: ${ref.file}`,
        platform: platformOf(spec),
        version: spec.version,
        data: doc.data,
        tags: goldsmithTags(image),
      });
      created.set(name, component);
    }
    return {
      componentArn: component.attrArn,
      identity: `${name}(${JSON.stringify(parameters)})`,
      ...(parameters.length > 0 && { parameters: parameters.map(([key, value]) => ({ name: key, value: [value] })) }),
    };
  });
}

import { paginateListImagePackages } from '@aws-sdk/client-imagebuilder';
import { PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { imagePk } from '../../core/ledger/keys.js';
import {
  decodeInventory,
  encodeInventory,
  type PackageInventory,
  safePackages,
  splitInventory,
} from '../../core/lifecycle/finding-scope.js';
import { documentClient, ledgerTable } from '../clients/dynamodb.js';
import { imagebuilderClient } from '../clients/imagebuilder.js';

/**
 * A build's package inventory, as Image Builder lists it (ListImagePackages: "the packages associated with an image
 * build version, as determined by Systems Manager Inventory at build time",
 * https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ListImagePackages.html; paginated, at most 25 a
 * page), kept in the ledger as `INVENTORY#<buildVersion>#<part>`: one line per package, split into parts well
 * under DynamoDB's 400 KB item size, each part naming how many there are so a reader knows it has them all.
 */

/** Bytes of package lines per ledger item: well under the 400 KB item limit, leaving room for keys and names. */
export const INVENTORY_PART_BYTES = 300 * 1024;

const partSk = (version: string, part: number) => `INVENTORY#${version}#${String(part).padStart(3, '0')}`;

/**
 * Every package of a build (all pages), but those whose name or version holds a TAB, a line end or another control
 * character (`safePackages`): an rpm a component installs can be named anything, and such a name would forge lines
 * of the inventory (ImagePackage's name and version are "Type: String … Maximum length of 1024", no pattern:
 * https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_ImagePackage.html). `skipped` counts them.
 */
export async function listImagePackages(
  buildVersionArn: string,
): Promise<{ packages: { name: string; version: string }[]; skipped: number }> {
  const out: { name: string; version: string }[] = [];
  const pages = paginateListImagePackages(
    { client: imagebuilderClient(), pageSize: 25 },
    { imageBuildVersionArn: buildVersionArn },
  );
  for await (const page of pages) {
    for (const p of page.imagePackageList ?? []) {
      out.push({ name: p.packageName ?? '', version: p.packageVersion ?? '' });
    }
  }
  const { kept, skipped } = safePackages(out);
  return { packages: kept, skipped };
}

/**
 * Records a build's inventory (idempotent: the same build lists the same packages, and a Put overwrites). When
 * packages were left out (listed without a name or version, or with a control character in one), each part says how
 * many (`skipped`), so an operator reading the ledger sees the inventory is not all Image Builder listed.
 */
export async function recordInventory(
  image: string,
  version: string,
  listed: { packages: readonly { name: string; version: string }[]; skipped: number },
  at: string,
): Promise<PackageInventory> {
  const { kept: packages, skipped: unsafe } = safePackages(listed.packages);
  const skipped = listed.skipped + unsafe;
  const text = encodeInventory(packages);
  const parts = splitInventory(text, INVENTORY_PART_BYTES);
  for (const [i, body] of parts.entries()) {
    await documentClient().send(
      new PutCommand({
        TableName: ledgerTable(),
        Item: {
          pk: imagePk(image),
          sk: partSk(version, i),
          kind: 'inventory',
          image,
          version,
          part: i,
          parts: parts.length,
          count: packages.length,
          ...(skipped > 0 ? { skipped } : {}),
          packages: body,
          at,
        },
      }),
    );
  }
  return decodeInventory(text);
}

/** The recorded inventory of a build, or undefined when none (or only part of one) was recorded. */
export async function readInventory(image: string, version: string): Promise<PackageInventory | undefined> {
  const bodies: string[] = [];
  let parts: number | undefined;
  const pages = paginateQuery(
    { client: documentClient() },
    {
      TableName: ledgerTable(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': imagePk(image), ':prefix': `INVENTORY#${version}#` },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      if (typeof item.packages !== 'string' || typeof item.parts !== 'number') continue;
      parts = item.parts;
      bodies.push(item.packages);
    }
  }
  if (parts === undefined || bodies.length !== parts) return undefined;
  return decodeInventory(bodies.join('\n'));
}

/**
 * A build's inventory: the one recorded when the build finished, else (a build from before inventories were kept,
 * or whose recording was missed) listed from Image Builder now and recorded.
 */
export async function inventoryOf(
  image: string,
  version: string,
  buildVersionArn: string,
  at: string,
): Promise<PackageInventory> {
  const recorded = await readInventory(image, version);
  if (recorded) return recorded;
  return recordInventory(image, version, await listImagePackages(buildVersionArn), at);
}

import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../aws/clients.js';
import type { LocalCloud } from './cloud.js';

/**
 * The local cloud's state at an instant, as `simulate --save` leaves it for the operator commands: the ledger's
 * items, every Step Functions execution, the channel pointers in SSM, Image Builder's builds and the AMIs in EC2.
 */
export interface CloudSnapshot {
  at: string;
  ledger: Record<string, unknown>[];
  executions: {
    name: string;
    status: string;
    startDate: string;
    stopDate?: string | undefined;
    error?: string | undefined;
  }[];
  pointers: Record<string, Record<string, string>>;
  builds: { image: string; version: string; arn: string; status: string; dateCreated: string }[];
  amis: {
    imageId: string;
    region: string;
    name: string;
    deprecated: boolean;
    /** EC2's DeprecationTime, past or scheduled. */
    deprecationTime?: string | undefined;
    /** The Image Builder build that made it (its `Ec2ImageBuilderArn` tag). */
    buildVersionArn?: string | undefined;
  }[];
}

/** Reads the ledger (paginated scan) and the fakes' state. */
export async function snapshotOf(cloud: LocalCloud): Promise<CloudSnapshot> {
  const table = cloud.wiring.tables[0]?.name ?? '';
  const ledger: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: documentClient() }, { TableName: table })) {
    for (const item of page.Items ?? []) {
      // String sets (statusesSeen) become arrays: the snapshot is JSON.
      ledger.push(Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v instanceof Set ? [...v].sort() : v])));
    }
  }
  const { imagebuilder, ssm, ec2 } = cloud.installed.fakes;
  const pointers: CloudSnapshot['pointers'] = {};
  for (const [image, spec] of Object.entries(cloud.catalog.images)) {
    for (const channel of cloud.catalog.channels.map((c) => c.name)) {
      for (const region of spec.regions) {
        const ami = ssm.value(region, `/goldsmith/${image}/${channel}`);
        if (ami) pointers[`${image}/${channel}`] = { ...pointers[`${image}/${channel}`], [region]: ami };
      }
    }
  }
  return {
    at: cloud.clock.iso(),
    ledger,
    executions: cloud.sfn.list().map((e) => ({
      name: e.name,
      status: e.status,
      startDate: e.startDate.toISOString(),
      stopDate: e.stopDate?.toISOString(),
      error: e.error,
    })),
    pointers,
    builds: [...imagebuilder.builds.values()].map((b) => ({
      image: b.pipeline.image,
      version: b.arn.split('/').slice(-2).join('/'),
      arn: b.arn,
      status: b.status,
      dateCreated: b.dateCreated,
    })),
    amis: [...ec2.images.values()].map((a) => ({
      imageId: a.imageId,
      region: a.region,
      name: a.name,
      // Deprecated from its DeprecationTime on (a `retention.deprecateAfter` time may lie ahead).
      deprecated: a.deprecationTime !== undefined && Date.parse(a.deprecationTime) <= cloud.clock.now(),
      deprecationTime: a.deprecationTime,
      buildVersionArn: a.tags.get('Ec2ImageBuilderArn'),
    })),
  };
}

import { CloudFormationClient } from '@aws-sdk/client-cloudformation';

const clients = new Map<string, CloudFormationClient>();

/**
 * A CloudFormation client for `region`, cached per Region. Only preflight (the deployer's own credentials) reads
 * CloudFormation; no function does, so it stays out of the functions' client registry.
 */
export function cloudFormationClient(region: string): CloudFormationClient {
  let client = clients.get(region);
  if (client === undefined) {
    client = new CloudFormationClient({ region });
    clients.set(region, client);
  }
  return client;
}

/** Console links an announcement carries, so a person goes from the message to the thing in one click. */

const BUILD_ARN = /^arn:aws[a-z-]*:imagebuilder:([a-z0-9-]+):\d{12}:image\/([A-Za-z0-9_-]+)\/(\d+\.\d+\.\d+)\/(\d+)$/;

export interface Link {
  label: string;
  url: string;
}

// The CloudWatch console addresses log groups in its fragment with '/' written as "$252F" (percent-encoding done
// twice, '%' written '$').
const consoleEncode = (s: string) => encodeURIComponent(encodeURIComponent(s)).replaceAll('%', '$');

/**
 * The Image Builder console page of a build and its build log stream. Image Builder writes a build's log to the
 * group `/aws/imagebuilder/<image name>`, stream `<version>/<build>`
 * (https://docs.aws.amazon.com/imagebuilder/latest/userguide/monitor-cwlogs.html).
 * @returns no links for something that is not an image build version ARN.
 */
export function buildLinks(buildVersionArn: string | undefined): Link[] {
  if (!buildVersionArn) return [];
  const m = BUILD_ARN.exec(buildVersionArn);
  if (!m) return [];
  const [, region, name, version, build] = m as unknown as [string, string, string, string, string];
  const console = `https://${region}.console.aws.amazon.com`;
  return [
    {
      label: 'Image Builder',
      url: `${console}/imagebuilder/home?region=${region}#/images/${encodeURIComponent(buildVersionArn)}`,
    },
    {
      label: 'Build log',
      url: `${console}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${consoleEncode(
        `/aws/imagebuilder/${name}`,
      )}/log-events/${consoleEncode(`${version}/${build}`)}`,
    },
  ];
}

/** The Step Functions console page of a promotion execution. */
export function executionLink(executionArn: string): Link | undefined {
  const region = executionArn.split(':')[3];
  if (!executionArn.startsWith('arn:aws') || !region) return undefined;
  return {
    label: 'Promotion',
    url: `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${encodeURIComponent(executionArn)}`,
  };
}

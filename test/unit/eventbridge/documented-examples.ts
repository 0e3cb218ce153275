/**
 * AWS's documented event-pattern examples, each with the match or no-match the documentation states.
 * Sources: EventBridge User Guide "Amazon EventBridge event patterns", "Matching null values and empty strings",
 * "Arrays in Amazon EventBridge event patterns", "Content filtering in Amazon EventBridge event patterns",
 * "Comparison operators for use in event patterns"; and the Event Ruler README (the matcher EventBridge runs).
 */
export interface DocumentedExample {
  name: string;
  pattern: Record<string, unknown>;
  event: unknown;
  matches: boolean;
}

/** The EC2 state-change event of "Amazon EventBridge event patterns". */
export const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

/** The Auto Scaling event of "Matching null values and empty strings". */
const autoScalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

/** The event of the Event Ruler README ("Ruler by Example"), used by the content-filtering examples. */
export const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({
  ...rulerEvent,
  detail: { ...rulerEvent.detail, ...detail },
});
const employees = {
  employees: [
    { firstName: 'John', lastName: 'Doe' },
    { firstName: 'Anna', lastName: 'Smith' },
    { firstName: 'Peter', lastName: 'Jones' },
  ],
};

export const documentedExamples: DocumentedExample[] = [
  {
    name: 'EC2 termination pattern matches the EC2 event',
    pattern: {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    },
    event: ec2Event,
    matches: true,
  },
  {
    name: 'a field must appear with the same nesting ("state" at the top level is not detail.state)',
    pattern: { state: ['terminated'] },
    event: ec2Event,
    matches: false,
  },
  {
    name: 'several values in a match array are alternatives ("aws.ec2" or "aws.fargate")',
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    event: ec2Event,
    matches: true,
  },
  {
    name: 'empty string matches ""',
    pattern: { detail: { eventVersion: [''] } },
    event: autoScalingEvent,
    matches: true,
  },
  {
    name: 'null matches null',
    pattern: { detail: { responseElements: [null] } },
    event: autoScalingEvent,
    matches: true,
  },
  {
    name: 'empty string and null are not interchangeable',
    pattern: { detail: { responseElements: [''] } },
    event: autoScalingEvent,
    matches: false,
  },
  {
    name: 'array fields match when the pattern and event arrays intersect',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    event: {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    matches: true,
  },
  {
    name: 'Macie numeric values (risk-score 80, trigger.risk 8) match exactly',
    pattern: {
      source: ['aws.macie'],
      'detail-type': ['Macie Alert'],
      detail: { 'risk-score': [80], trigger: { risk: [8] } },
    },
    event: {
      'detail-type': 'Macie Alert',
      source: 'aws.macie',
      detail: {
        'notification-type': 'ALERT_CREATED',
        tags: ['Custom_Alert', 'Insider'],
        'risk-score': 80,
        trigger: { 'alert-type': 'basic', risk: 8 },
      },
    },
    matches: true,
  },
  {
    name: 'prefix "2017-10-02" on time',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: rulerEvent,
    matches: true,
  },
  {
    name: 'prefix does not match another day',
    pattern: { time: [{ prefix: '2017-10-03' }] },
    event: rulerEvent,
    matches: false,
  },
  ...['EventBridge', 'EVENTBRIDGE', 'eventbridge'].map((service) => ({
    name: `prefix equals-ignore-case "EventB" matches "${service}"`,
    pattern: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] },
    event: { service },
    matches: true,
  })),
  {
    name: 'suffix ".png" on FileName',
    pattern: { FileName: [{ suffix: '.png' }] },
    event: { FileName: 'photo.png' },
    matches: true,
  },
  {
    name: 'suffix ".png" is case-sensitive',
    pattern: { FileName: [{ suffix: '.png' }] },
    event: { FileName: 'photo.PNG' },
    matches: false,
  },
  {
    name: 'suffix equals-ignore-case "tbridge" matches "EventBridge"',
    pattern: { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] },
    event: { service: 'EVENTBRIDGE' },
    matches: true,
  },
  {
    name: 'equals-ignore-case "alice" matches "Alice"',
    pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
    event: { Name: 'Alice' },
    matches: true,
  },
  { name: 'Ruler: suffix "ec2" on source', pattern: { source: [{ suffix: 'ec2' }] }, event: rulerEvent, matches: true },
  { name: 'empty LastName matches [""]', pattern: { LastName: [''] }, event: { LastName: '' }, matches: true },
  {
    name: 'anything-but "initializing" matches running',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: rulerEvent,
    matches: true,
  },
  {
    name: 'anything-but "initializing" rejects initializing',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: withDetail({ state: 'initializing' }),
    matches: false,
  },
  {
    name: 'anything-but 123 matches 301.8',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: rulerEvent,
    matches: true,
  },
  {
    name: 'anything-but a list of strings rejects a listed value',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: withDetail({ state: 'stopped' }),
    matches: false,
  },
  {
    name: 'anything-but a list of numbers rejects a listed value',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: withDetail({ 'x-limit': 200 }),
    matches: false,
  },
  {
    name: 'anything-but prefix "init" rejects initializing',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: withDetail({ state: 'initializing' }),
    matches: false,
  },
  {
    name: 'anything-but prefix "us-" matches eu-west-1',
    pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
    event: { Region: 'eu-west-1' },
    matches: true,
  },
  {
    name: 'anything-but suffix ".png" rejects a.png',
    pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    event: { FileName: 'a.png' },
    matches: false,
  },
  {
    name: 'anything-but equals-ignore-case rejects INITIALIZING',
    pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
    event: { state: 'INITIALIZING' },
    matches: false,
  },
  {
    name: 'anything-but wildcard "*/lib/*" rejects a path under /lib/',
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    event: { FilePath: '/usr/lib/libc.so' },
    matches: false,
  },
  {
    name: 'anything-but wildcard "*/lib/*" matches a path outside /lib/',
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    event: { FilePath: '/usr/bin/env' },
    matches: true,
  },
  {
    name: 'numeric ranges must all hold (c-count 5, d-count 3, x-limit 301.8 = 3.018e2)',
    pattern: {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    },
    event: rulerEvent,
    matches: true,
  },
  {
    name: 'numeric range fails when one bound fails (c-count 6 > 5)',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
    event: withDetail({ 'c-count': 6 }),
    matches: false,
  },
  {
    name: 'cidr 10.0.0.0/24 contains 10.0.0.33',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
    event: rulerEvent,
    matches: true,
  },
  {
    name: 'cidr 10.0.0.0/24 excludes 10.0.1.33',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
    event: withDetail({ 'source-ip': '10.0.1.33' }),
    matches: false,
  },
  {
    name: 'cidr works with IPv6',
    pattern: { ip: [{ cidr: '2001:db8::/32' }] },
    event: { ip: '2001:db8:85a3::8a2e:370:7334' },
    matches: true,
  },
  {
    name: 'exists true matches an event with detail.state',
    pattern: { detail: { state: [{ exists: true }] } },
    event: ec2Event,
    matches: true,
  },
  {
    name: 'exists true does not match an event without detail.state',
    pattern: { detail: { state: [{ exists: true }] } },
    event: { 'detail-type': ['EC2 Instance State-change Notification'], detail: { 'c-count': { c1: 100 } } },
    matches: false,
  },
  {
    name: 'exists false matches an event without detail.c-count',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: { detail: { state: ['initializing', 'running'] } },
    matches: true,
  },
  {
    name: 'exists false also matches when c-count is an object (not a leaf)',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } },
    matches: true,
  },
  {
    name: 'complex example combining prefix, anything-but, numeric and cidr',
    pattern: {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    },
    event: rulerEvent,
    matches: true,
  },
  {
    name: 'wildcard "Simple*Service"',
    pattern: { source: [{ wildcard: 'Simple*Service' }] },
    event: { source: 'SimpleNotificationService' },
    matches: true,
  },
  {
    name: 'wildcard "*.png" on a .jpg',
    pattern: { key: [{ wildcard: '*.png' }] },
    event: { key: 'a/b.jpg' },
    matches: false,
  },
  {
    name: 'escaped \\* matches a literal asterisk only',
    pattern: { key: [{ wildcard: 'a\\*b' }] },
    event: { key: 'a*b' },
    matches: true,
  },
  {
    name: 'escaped \\* does not act as a wildcard',
    pattern: { key: [{ wildcard: 'a\\*b' }] },
    event: { key: 'axxb' },
    matches: false,
  },
  {
    name: '$or: source and (metricName or namespace)',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    event: { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
    matches: true,
  },
  {
    name: '$or fails when no branch matches',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    event: { source: 'aws.cloudwatch', namespace: 'AWS/RDS', metricName: 'FreeStorageSpace' },
    matches: false,
  },
  {
    name: 'nested $or with an and inside (metricType and namespace and (metricId or spaceId))',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2', 'AWS/ES'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
        { scope: ['Service'] },
      ],
    },
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 },
    matches: true,
  },
  {
    name: 'array of objects: a field of one element matches',
    pattern: { employees: { firstName: ['Anna'] } },
    event: employees,
    matches: true,
  },
  {
    name: 'array of objects: fields from different elements do not combine',
    pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    event: employees,
    matches: false,
  },
];

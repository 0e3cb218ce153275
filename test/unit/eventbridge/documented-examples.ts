import { autoScalingEvent, type DocumentedExample, ec2Event, employees } from './documented-events.js';

/** Examples of the basic rules: fields, nesting, alternatives, null and empty strings, arrays, `$or`. */
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

import { AMI_SHARING_ENTITIES_MAX } from './ami-sharing.js';

/**
 * The AWS limits a catalog can break through what the stacks synthesize or what the system does at run time,
 * each with the page it was taken from. Every figure here is the documented default; the adjustable ones say so,
 * because a validator that refuses them is still right: the first deploy would fail until the quota is raised.
 */

export type LimitId = keyof typeof LIMITS;

export interface Limit {
  /** What the limit bounds, as a reviewer would name it. */
  name: string;
  /** The documented maximum: a figure at it passes, one over fails. */
  max: number;
  unit: string;
  /** True when the quota can be raised through Service Quotas (the refusal then names that way out). */
  adjustable?: true;
}

/** 1 MB, read as 1,000,000 bytes: the pages say "1 MB" without saying which, so the smaller reading is used. */
const ONE_MB = 1_000_000;

export const LIMITS = {
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
  // ("Resources: 500 resources", "Outputs: 200 outputs", "Parameters: 200 parameters",
  //  "Template body size in an Amazon S3 object: 1 MB"; SST/CDK upload templates to S3 before deploying.)
  cfnResources: { name: 'CloudFormation resources per stack', max: 500, unit: 'resources' },
  cfnOutputs: { name: 'CloudFormation outputs per stack', max: 200, unit: 'outputs' },
  cfnParameters: { name: 'CloudFormation parameters per stack', max: 200, unit: 'parameters' },
  cfnTemplateBytes: { name: 'CloudFormation template size (via S3)', max: ONE_MB, unit: 'bytes' },

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
  // ("Role policy size cannot exceed 10,240 characters" for all inline policies together; "The size of each
  //  managed policy cannot exceed 6,144 characters"; white space is not counted. Role trust policy 2,048
  //  characters (adjustable to 4,096); managed policies attached to a role 10 (adjustable to 20).)
  iamRoleInlineChars: { name: 'IAM inline policies per role (aggregate)', max: 10_240, unit: 'characters' },
  iamManagedPolicyChars: { name: 'IAM managed policy size', max: 6_144, unit: 'characters' },
  iamTrustPolicyChars: { name: 'IAM role trust policy size', max: 2_048, unit: 'characters', adjustable: true },
  iamManagedPoliciesPerRole: { name: 'IAM managed policies per role', max: 10, unit: 'policies', adjustable: true },

  // https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
  // ("Function environment variables: 4 KB, for all environment variables associated with the function, in
  //  aggregate"; "Invocation payload (request and response): 6 MB each ... (synchronous); 1 MB (asynchronous)";
  //  Lambda's pages write MB and KB for 1,024-based units.)
  lambdaEnvironmentBytes: { name: 'Lambda environment variables (aggregate)', max: 4 * 1024, unit: 'bytes' },
  lambdaSyncPayloadBytes: {
    name: 'Lambda synchronous payload (a promotion task)',
    max: 6 * 1024 * 1024,
    unit: 'bytes',
  },

  // https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
  // ("Maximum size of state machine definition: 1 MB"; "Maximum input or output size for a task, state, or
  //  execution: 256 KiB of data as a UTF-8 encoded string".)
  sfnDefinitionBytes: { name: 'Step Functions state machine definition size', max: ONE_MB, unit: 'bytes' },
  sfnStatePayloadBytes: { name: 'Step Functions state input/output size', max: 256 * 1024, unit: 'bytes' },

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
  // ("Event pattern size: 2,048 ... Maximum size of an event pattern, in characters" (adjustable); "Event bus
  //  policy size: 10,240 ... characters" (adjustable); rules per event bus: 300 in most Regions (adjustable);
  //  targets per rule: 5.)
  eventPatternChars: { name: 'EventBridge event pattern size', max: 2_048, unit: 'characters', adjustable: true },
  eventBusPolicyChars: { name: 'EventBridge event bus policy size', max: 10_240, unit: 'characters', adjustable: true },
  eventRulesPerBus: { name: 'EventBridge rules per event bus', max: 300, unit: 'rules', adjustable: true },
  eventTargetsPerRule: { name: 'EventBridge targets per rule', max: 5, unit: 'targets' },

  // https://docs.aws.amazon.com/imagebuilder/latest/userguide/manage-recipes.html
  // ("By default, you can apply up to 20 components to a recipe. This includes both build and test components.")
  imageBuilderComponentsPerRecipe: { name: 'Image Builder components per recipe', max: 20, unit: 'components' },
  // https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_CreateComponent.html
  // (data: "Length Constraints: Minimum length of 1. Maximum length of 16000." Goldsmith passes documents inline.)
  imageBuilderComponentChars: { name: 'Image Builder inline component document', max: 16_000, unit: 'characters' },

  // https://docs.aws.amazon.com/general/latest/gr/ssm.html ("Maximum number of parameters: Standard parameters:
  //  10,000; Advanced parameters: 100,000"). Channel pointers are Advanced (shared with the organization).
  ssmAdvancedParameters: {
    name: 'SSM Advanced parameters per account and Region (channel pointers)',
    max: 100_000,
    unit: 'parameters',
  },

  // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-quotas.html ("AMI sharing: The maximum number of entities
  //  (organizations, organizational units (OUs), and accounts) that an AMI can be shared with in a Region ... the
  //  number of accounts in the organization or OU does not count towards the quota. 1,000"; "AMIs: The maximum number
  //  of public and private AMIs allowed per Region ... 50,000"; both can be raised through Service Quotas.)
  amiSharingEntities: {
    name: 'EC2 AMI sharing (entities per AMI and Region)',
    max: AMI_SHARING_ENTITIES_MAX,
    unit: 'entities',
    adjustable: true,
  },
  amisPerRegion: { name: 'EC2 AMIs per Region', max: 50_000, unit: 'AMIs', adjustable: true },
} as const satisfies Record<string, Limit>;

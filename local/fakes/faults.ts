import { AutoScalingServiceException } from '@aws-sdk/client-auto-scaling';
import { CloudTrailServiceException, ThrottlingException as CloudTrailThrottling } from '@aws-sdk/client-cloudtrail';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { ECRServiceException, ServerException as EcrServerException } from '@aws-sdk/client-ecr';
import {
  CallRateLimitExceededException,
  ImagebuilderServiceException,
  ServiceUnavailableException,
} from '@aws-sdk/client-imagebuilder';
import {
  ServiceException as OrganizationsServerError,
  OrganizationsServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-organizations';
import {
  RAMServiceException,
  ServerInternalException as RamServerInternal,
  ThrottlingException as RamThrottling,
} from '@aws-sdk/client-ram';
import { InternalErrorException, SNSServiceException, ThrottledException } from '@aws-sdk/client-sns';
import { InternalServerError, SSMServiceException, ThrottlingException } from '@aws-sdk/client-ssm';
import { STSServiceException } from '@aws-sdk/client-sts';
import { errorFactory } from './common.js';

/** Errors the local cloud made up (throttles, injected faults), so stats can tell them from real answers. */
export const madeUpErrors = new WeakSet<object>();

interface ServiceFaults {
  throttled(): Error;
  serverError(): Error;
}

const ec2 = errorFactory(EC2ServiceException);
const ib = errorFactory(ImagebuilderServiceException);
const org = errorFactory(OrganizationsServiceException);
const ssm = errorFactory(SSMServiceException);
const sns = errorFactory(SNSServiceException);
const sts = errorFactory(STSServiceException);
const ram = errorFactory(RAMServiceException);
const ecr = errorFactory(ECRServiceException);
const autoscaling = errorFactory(AutoScalingServiceException);
const cloudtrail = errorFactory(CloudTrailServiceException);

// Each service's own throttling and server-error codes, as their APIs document them.
const table: Record<string, ServiceFaults> = {
  // Auto Scaling's Query API answers a throttled call with `Throttling` "Rate exceeded" (the common error codes,
  // https://docs.aws.amazon.com/autoscaling/ec2/APIReference/CommonErrors.html).
  autoscaling: {
    throttled: () => autoscaling('Throttling', 'Rate exceeded', 400),
    serverError: () => autoscaling('InternalFailure', 'An internal error has occurred.', 500),
  },
  // LookupEvents past "two per second, per account, per Region": "a throttling error occurs", ThrottlingException
  // (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html); the common InternalFailure.
  cloudtrail: {
    throttled: () => cloudtrail(CloudTrailThrottling, 'Rate exceeded', 400),
    serverError: () =>
      cloudtrail('InternalFailure', 'The request processing has failed because of an unknown error.', 500),
  },
  ec2: {
    throttled: () => ec2('RequestLimitExceeded', 'Request limit exceeded.', 400),
    serverError: () => ec2('InternalError', 'An internal error has occurred.', 500),
  },
  imagebuilder: {
    throttled: () => ib(CallRateLimitExceededException, 'You have exceeded the permitted request rate.', 429),
    serverError: () => ib(ServiceUnavailableException, 'The service is unable to process your request.', 503),
  },
  organizations: {
    throttled: () =>
      org(TooManyRequestsException, 'You have sent too many requests in too short a period of time.', 429),
    serverError: () => org(OrganizationsServerError, "AWS Organizations can't complete your request.", 500),
  },
  ssm: {
    throttled: () => ssm(ThrottlingException, 'Rate exceeded', 400),
    serverError: () => ssm(InternalServerError, 'An error occurred on the server side.', 500),
  },
  sns: {
    throttled: () => sns(ThrottledException, 'Rate exceeded', 400),
    serverError: () => sns(InternalErrorException, 'Internal error', 500),
  },
  // RAM models ThrottlingException (429) and ServerInternalException (500).
  ram: {
    throttled: () => ram(RamThrottling, 'Rate exceeded.', 429),
    serverError: () =>
      ram(
        RamServerInternal,
        'The operation failed because the service could not respond to the request due to an internal problem.',
        500,
      ),
  },
  // ECR answers throttling with ThrottlingException (not modeled in the client) and server faults with ServerException.
  ecr: {
    throttled: () => ecr('ThrottlingException', 'Rate exceeded', 400),
    serverError: () => ecr(EcrServerException, 'These errors are usually caused by a server-side issue.', 500),
  },
  sts: {
    throttled: () => sts('Throttling', 'Rate exceeded', 400),
    serverError: () => sts('InternalFailure', 'Internal failure', 500),
  },
};

/** The error a service answers with when its bucket is empty (marked as made up). */
export function throttledError(service: string): Error {
  const e = (table[service] ?? table.sts!).throttled();
  madeUpErrors.add(e);
  return e;
}

/** A transient server-side failure for fault injection (marked as made up). */
export function serverError(service: string): Error {
  const e = (table[service] ?? table.sts!).serverError();
  madeUpErrors.add(e);
  return e;
}

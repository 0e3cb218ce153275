import { describe, expect, it } from 'vitest';
import { differencesBeyondAmi } from '../../../core/rollout/template-check.js';

describe('a created launch template version against its source', () => {
  const source = { ImageId: 'ami-old', InstanceType: 'm7g.large', BlockDeviceMappings: [{ DeviceName: '/dev/xvda' }] };

  it('finds nothing when only the AMI changed to the one asked for, whatever the key order', () => {
    const created = {
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda' }],
      InstanceType: 'm7g.large',
      ImageId: 'ami-new',
    };
    expect(differencesBeyondAmi(source, created, 'ami-new')).toEqual([]);
  });

  it('names every other field that differs, one added or dropped, and an AMI other than the one asked for', () => {
    const created = { ImageId: 'ami-other', InstanceType: 'm7g.large', UserData: 'ZXZpbA==' };
    expect(differencesBeyondAmi(source, created, 'ami-new')).toEqual(['BlockDeviceMappings', 'ImageId', 'UserData']);
  });
});

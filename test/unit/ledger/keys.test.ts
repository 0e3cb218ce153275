import { describe, expect, it } from 'vitest';
import {
  buildSk,
  complianceKey,
  decisionSk,
  holdSk,
  imagePk,
  imageViewKeys,
  imageViewUpdate,
  inImageView,
  intentKey,
  markerKey,
  orgKey,
  ramShareKey,
  summaryKey,
  ttlAfter,
  usageSk,
  watchKey,
} from '../../../core/ledger/keys.js';

// The ledger's key layout is what every writer and reader (and every table already deployed) agrees on.
describe('ledger keys', () => {
  it('keeps the layout of image partitions and their items', () => {
    expect(imagePk('base')).toBe('IMAGE#base');
    expect(buildSk('1.0.0/3')).toBe('BUILD#1.0.0/3');
    expect(decisionSk('2027-01-01T00:00:00Z', 'package:base:openssl@3')).toBe(
      'DECISION#2027-01-01T00:00:00Z#package:base:openssl@3',
    );
    expect(usageSk('1.0.0/3', 'eu-west-1')).toBe('USAGE#1.0.0/3#eu-west-1');
    expect(holdSk('1.0.0/3')).toBe('HOLD#1.0.0/3');
  });

  it('keeps the layout of the partitions outside the images', () => {
    expect(markerKey('package:base:openssl@3')).toEqual({ pk: 'CHANGE#package:base:openssl@3', sk: 'MARKER' });
    expect(watchKey('us-east-1', '/aws/service/x')).toEqual({ pk: 'WATCH#us-east-1#/aws/service/x', sk: 'STATE' });
    expect(intentKey('2027-01-01T00:00:00Z', 'c1')).toEqual({ pk: 'INTENTS', sk: 'INTENT#2027-01-01T00:00:00Z#c1' });
    expect(summaryKey('2027-01')).toEqual({ pk: 'SUMMARY', sk: 'MONTH#2027-01' });
    expect(ramShareKey('eu-west-1', 'goldsmith-pointers-prod')).toEqual({
      pk: 'RAMSHARE#eu-west-1',
      sk: 'SHARE#goldsmith-pointers-prod',
    });
    expect(complianceKey('2027-01', 'base', 'prod', 'ou-ab12-cdef3456')).toEqual({
      pk: 'COMPLIANCE',
      sk: 'CYCLE#2027-01#base#prod#ou-ab12-cdef3456',
    });
  });

  it('keeps one item per OU and account of the held organization, and one for its freshness', () => {
    expect(orgKey('OU', 'ou-ab12-cdef3456')).toEqual({ pk: 'ORG', sk: 'OU#ou-ab12-cdef3456' });
    expect(orgKey('ACCOUNT', '123456789012')).toEqual({ pk: 'ORG', sk: 'ACCOUNT#123456789012' });
    expect(orgKey('ACCOUNT')).toEqual({ pk: 'ORG', sk: 'ACCOUNT#' });
    expect(orgKey('STATE', 'ignored')).toEqual({ pk: 'ORG', sk: 'STATE' });
  });

  it('expires a record whole days after an instant, in epoch seconds', () => {
    expect(ttlAfter(new Date('2027-01-01T00:00:00.999Z'), 30)).toBe(Date.UTC(2027, 0, 31) / 1000);
  });
});

describe('the image-view index', () => {
  it('holds builds, approvals and channel pointers, and nothing else of an image', () => {
    expect(['BUILD#1.0.0/3', 'APPROVAL#a1', 'CHANNEL#prod'].map(inImageView)).toEqual([true, true, true]);
    expect(['DECISION#x', 'PROMOTION#1.0.0/3#prod', 'X-BUILD#1', 'HOLD#1.0.0/3'].map(inImageView)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it("keys an item by its image and sort key, and writes the keys in an update's SET clause", () => {
    expect(imageViewKeys('base', 'BUILD#1.0.0/3')).toEqual({ view: 'image', viewSk: 'base#BUILD#1.0.0/3' });
    expect(imageViewUpdate('base', 'CHANNEL#prod')).toEqual({
      set: '#view = :view, viewSk = :viewSk',
      names: { '#view': 'view' },
      values: { ':view': 'image', ':viewSk': 'base#CHANNEL#prod' },
    });
  });
});

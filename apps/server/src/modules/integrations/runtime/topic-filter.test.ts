import { topicMatcher } from './topic-filter.js';

describe("topicMatcher (messages a stale subscription still brings are not the integration's)", () => {
  it('matches exact filters, + for one level and # for the rest (parent level included)', () => {
    const m = topicMatcher(['plant/1/temp', 'site/+/status', 'fleet/#']);
    expect(['plant/1/temp', 'site/a/status', 'fleet', 'fleet/x/y/z'].map(m)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['plant/1/temp/x', 'plant/2/temp', 'site/a/b/status', 'site/status', 'fleets/x'].map(m)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('reads a shared subscription as its filter, and # as everything except $ topics for wildcard-first filters', () => {
    expect(topicMatcher(['$share/bridgeboard-1a2b/plant/+/temp'])('plant/7/temp')).toBe(true);
    expect(topicMatcher(['$share/bridgeboard-1a2b/plant/+/temp'])('bridgeboard-1a2b/plant/7')).toBe(false);
    expect(topicMatcher(['#'])('any/topic')).toBe(true);
    expect(topicMatcher(['+/status'])('$SYS/status')).toBe(false);
    expect(topicMatcher([])('a')).toBe(false);
  });
});

describe('topicMatcher with characters that mean something in a pattern', () => {
  it('takes every other character of a filter literally', () => {
    const m = topicMatcher(['a.b/+/c*d', 'x(y)/#']);
    expect(['a.b/1/c*d', 'x(y)', 'x(y)/z'].map(m)).toEqual([true, true, true]);
    expect(['aXb/1/c*d', 'a.b/1/cccd', 'xy/z', 'x(y)z'].map(m)).toEqual([false, false, false, false]);
  });
});

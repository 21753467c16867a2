import { assertOptionsRefused, describeOptionChecks } from '@omega/core/testing';
import * as vitest from 'vitest';
import { describe, it } from 'vitest';
import { StreamingTraceProvider } from '../src/filesystem.js';
import { MemoryTraceProvider } from '../src/memory.js';
import { MockTraceProvider } from '../src/mock.js';

describeOptionChecks(vitest, {
  kind: 'trace',
  clock: true,
  filesystem: (options) => new StreamingTraceProvider(options),
  memory: (options) => new MemoryTraceProvider(options),
  mock: (options) => new MockTraceProvider(options),
});

describe('trace provider options of the family', () => {
  const root = '/nonexistent/omega-trace-options';

  it('the memory provider and the mock refuse a capacity that is not a positive integer, and unknown options', () => {
    const bad: Array<[string, unknown]> = [
      ['capacity', 0],
      ['capacity', 1.5],
      ['capacity', '10'],
      ['maxBufferBytes', 1024],
    ];
    assertOptionsRefused((options) => new MemoryTraceProvider(options), bad);
    assertOptionsRefused((options) => new MockTraceProvider(options), bad);
  });

  it('the streaming provider refuses bad bounds, intervals and retention, and options it does not take', () => {
    assertOptionsRefused(
      (options) => new StreamingTraceProvider({ root, ...options }),
      [
        ['maxBufferBytes', 100],
        ['maxBufferBytes', Number.POSITIVE_INFINITY],
        ['flushBytes', 0],
        ['flushBytes', 64 * 1024 * 1024],
        ['flushIntervalMs', 0],
        ['flushIntervalMs', 2 ** 31],
        ['maxFileBytes', 10],
        ['maxTotalBytes', -1],
        ['maxAgeMs', 0],
        ['lockTimeoutMs', 1000],
        ['capacity', 10],
      ],
    );
  });
});

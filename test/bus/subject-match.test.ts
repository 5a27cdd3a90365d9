import { describe, expect, it } from 'vitest';
import { subjectMatches } from '../../src/bus/subject-match.js';
import { runIdOf, taskWakeupSubject } from '../../src/bus/subjects.js';

describe('subjectMatches (NATS wildcards)', () => {
  it.each([
    ['syntra.wake.echo', 'syntra.wake.echo', true],
    ['syntra.wake.*', 'syntra.wake.echo', true],
    ['syntra.wake.*', 'syntra.wake.a.b', false],
    ['syntra.wake.>', 'syntra.wake.a.b', true],
    ['syntra.wake.>', 'syntra.wake', false],
    ['syntra.run.*.cancel', 'syntra.run.123.cancel', true],
    ['syntra.run.*.cancel', 'syntra.run.123.events', false],
    ['syntra.>', 'other.wake.x', false],
    ['syntra.wake.echo', 'syntra.wake.echo2', false],
    ['syntra.wake', 'syntra.wake.echo', false],
  ])('%s vs %s → %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });

  it('builds and parses Syntra subjects', () => {
    expect(taskWakeupSubject('investigate.plan')).toBe('syntra.wake.investigate.plan');
    expect(runIdOf('syntra.run.abc.cancel')).toBe('abc');
    expect(runIdOf('syntra.wake.echo')).toBeUndefined();
  });
});

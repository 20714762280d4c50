import { describe, expect, it } from 'vitest';
import { TopicSet } from '../../../kafka/index.ts';

describe('TopicSet', () => {
  it('names the dead-letter topic of a flow topic <topic>.invalid', () => {
    expect(new TopicSet('flows').deadLetters).toBe('flows.invalid');
    expect(new TopicSet('team-a.flows').deadLetters).toBe('team-a.flows.invalid');
  });

  it('keeps the flow topic name as given', () => {
    expect(new TopicSet('flows').flows).toBe('flows');
  });

  it('lists both topics, the flow topic first', () => {
    expect(new TopicSet('flows').names).toEqual(['flows', 'flows.invalid']);
  });
});

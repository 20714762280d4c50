import { describe, expect, it } from 'vitest';
import { StderrTail } from '../../../walkthrough/stderr-tail.ts';

const fed = (chunks: readonly string[]) => {
  const tail = new StderrTail();
  for (const chunk of chunks) tail.push(chunk);
  tail.end();
  return tail;
};

describe('StderrTail', () => {
  it('finds the failure sentence wherever the chunks split it', () => {
    const text = '{"level":30,"msg":"started"}\nflowwatch: Redis at localhost:6379 refused (FW_REDIS)\n';
    for (let at = 1; at < text.length; at++) {
      expect(fed([text.slice(0, at), text.slice(at)]).reason, `split at ${at}`).toBe(
        'Redis at localhost:6379 refused (FW_REDIS)',
      );
    }
  });

  it('finds the last error logged wherever the chunks split it', () => {
    const text = '{"level":50,"msg":"batch failed","err":{"message":"WRONGTYPE"}}\n{"level":30,"msg":"x"}\n';
    for (let at = 1; at < text.length; at++) {
      expect(fed([text.slice(0, at), text.slice(at)]).reason, `split at ${at}`).toBe('WRONGTYPE');
    }
  });

  it('reads a last line without a newline once the stream ends', () => {
    expect(fed(['flowwatch: gone', ' away']).reason).toBe('gone away');
  });

  it('says when there is no reason', () => {
    expect(fed(['{"level":30,"msg":"fine"}\n']).reason).toBe('it gave no reason');
  });
});

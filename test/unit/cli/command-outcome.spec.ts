import { describe, expect, it } from 'vitest';
import { CommandOutcome } from '../../../cli/command-outcome.ts';

describe('a command returns its exit code to the top of the CLI', () => {
  it('keeps the code the action returned, and done until one ran', async () => {
    const outcome = new CommandOutcome();
    expect(outcome.exitCode).toBe(0);
    await outcome.action(async (identical: boolean) => (identical ? 0 : 1))(false);
    expect(outcome.exitCode).toBe(1);
  });
});

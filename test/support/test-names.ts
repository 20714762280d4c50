// Each test's own topic, group and Redis key prefix, so runs never see each other's data.
import { randomUUID } from 'node:crypto';

export interface TestNames {
  readonly topic: string;
  readonly group: string;
  readonly prefix: string;
}

export function testNames(label: string): TestNames {
  const id = randomUUID().slice(0, 8);
  return { topic: `test-${label}-${id}`, group: `test-${label}-${id}`, prefix: `fwtest:${label}:${id}` };
}

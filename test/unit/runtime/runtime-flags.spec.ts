import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_MEMORY_FLAGS } from '../../../runtime/index.ts';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('the Node memory flags', () => {
  it('are the same in the command, the start script, the container and the processes flowwatch starts', () => {
    const flags = NODE_MEMORY_FLAGS.join(' ');
    expect(read('bin/flowwatch.js').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${flags}`);
    expect(JSON.parse(read('package.json')).scripts.start).toBe(`node ${flags} bin/flowwatch.js walkthrough`);
    // The image runs node itself (a shebang's flags apply only when the file is run as a program).
    const entrypoint = read('Dockerfile')
      .split('\n')
      .find((line) => line.startsWith('ENTRYPOINT '));
    expect(JSON.parse((entrypoint as string).slice('ENTRYPOINT '.length))).toEqual([
      '/usr/bin/tini',
      '--',
      'node',
      ...NODE_MEMORY_FLAGS,
      'bin/flowwatch.js',
    ]);
  });
});

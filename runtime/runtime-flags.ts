// Node flags every flowwatch process runs with. V8 sizes its heap for the machine (gigabytes here)
// and lets garbage pile up to hundreds of MB before collecting; these bounds keep each process well
// under 256 MB resident at no real cost in speed. The same flags stand in bin/flowwatch.js's first
// line and in package.json's start script (a unit test checks they agree).
export const NODE_MEMORY_FLAGS = ['--max-old-space-size=128', '--max-semi-space-size=8'] as const;

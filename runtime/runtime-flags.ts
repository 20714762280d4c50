// Node flags every flowwatch process runs with. V8 sizes its heap for the machine (gigabytes here)
// and lets garbage pile up to hundreds of MB before collecting; the two bounds keep each process
// well under 256 MB resident. Under them V8 starts the old generation small and collects it again
// and again while it grows: starting it at 64 MB (still within the bound) halved the consumer's CPU
// time at 10M lines and took a fifth off the producer's, every process peaking under 210 MB
// (docs/performance.md). The same flags stand in bin/flowwatch.js's first line, package.json's start
// script and the image's entry point (a unit test checks they agree).
export const NODE_MEMORY_FLAGS = [
  '--max-old-space-size=128',
  '--max-semi-space-size=8',
  '--initial-old-space-size=64',
] as const;

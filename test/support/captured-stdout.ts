// What a piece of code writes to standard output, captured instead of shown (a display's lines, a
// board redrawn in place).
import { vi } from 'vitest';

export async function capturedStdout(work: () => Promise<void>): Promise<string> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await work();
  } finally {
    write.mockRestore();
  }
  return out;
}

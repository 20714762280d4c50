// Device names that would take over a terminal if printed raw: each is valid (any non-empty DstDevice
// is), so they reach Redis, and every human view must show them escaped.

export const HOSTILE_DEVICES = {
  /** ESC [2J ESC [H: clears the screen. */
  clearScreen: 'Wipe\x1b[2J\x1b[H',
  /** OSC 0 ... BEL: retitles the terminal window. */
  retitle: 'Title\x1b]0;pwned\x07',
  /** CR, then a verdict that overwrites the line it is on, then erase to the end of the line. */
  fakeVerdict: 'Fake\rstream and batch agree: 1 web servers\x1b[K',
  /** A line feed, DEL, the 8-bit CSI (C1) and a right-to-left override. */
  others: 'Mix\nnew\x7f\u009b2J\u202eelif',
} as const;

/** The same names as every human view must show them. */
export const HOSTILE_DEVICES_SHOWN = {
  clearScreen: 'Wipe\\x1b[2J\\x1b[H',
  retitle: 'Title\\x1b]0;pwned\\x07',
  fakeVerdict: 'Fake\\x0dstream and batch agree: 1 web servers\\x1b[K',
  others: 'Mix\\x0anew\\x7f\\x9b2J\\u202eelif',
} as const;

/**
 * The controls of those names, for output that holds escapes of its own (a terminal view redrawn in
 * place moves the cursor with them).
 */
export const HOSTILE_CONTROLS = ['\x1b[2J', '\x1b]0;', '\x07', '\r', '\x7f', '\u009b', '\u202e'] as const;

/** A control character a terminal acts on (C0 but the line feed, DEL, C1) or a bidi control. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its purpose.
export const TERMINAL_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

// Text from the data (device names) made safe to print for people: a terminal acts on control
// characters, so a name holding ESC, CSI, OSC, BEL or CR could clear the screen, retitle the window or
// overwrite a line with a verdict of its own. Such characters are shown as escapes instead.

/**
 * C0 (line feed and tab included: a name is one cell of a table), DEL, C1, the line separators, and
 * the bidi controls that reorder what follows them on screen.
 */
function isUnprintable(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** A character's escape: `\x1b` below U+0100, `\u202e` above. */
function escaped(code: number): string {
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character as an escape, and a backslash doubled so that an escape shown
 * is never mistaken for a name that holds one literally. Plain names come back as they are. For views
 * meant for people only: machine output (`--json`) keeps the exact name.
 */
export function printable(text: string): string {
  let shown = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c) shown += '\\\\';
    else if (isUnprintable(code)) shown += escaped(code);
    else shown += text[i];
  }
  return shown;
}

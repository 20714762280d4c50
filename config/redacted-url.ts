// A URL as messages and logs show it: every secret in it masked, in the user info or in the query
// (ioredis takes any of its options from the query, `?password=` and `?sentinelPassword=` among them).
// Every message and log that shows a URL goes through redactUrl.

const MASK = '***';

/** Query parameters whose value is a secret, by what their name says. */
const SECRET_PARAMETER = /pass|pwd|auth|token|secret|key|credential|signature/i;

export function redactUrl(url: string): string {
  if (!URL.canParse(url)) {
    // Unparsable (loadConfig refuses those): hide the login, up to the last '@', and the whole query.
    return url.replace(/\/\/.*@/, `//${MASK}@`).replace(/[?#].*$/, `?${MASK}`);
  }
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = MASK;
  const names = new Set(parsed.searchParams.keys());
  for (const name of names) if (SECRET_PARAMETER.test(name)) parsed.searchParams.set(name, MASK);
  // A fragment never says where a server is; it can only hold what its writer put there.
  parsed.hash = '';
  return parsed.toString();
}
